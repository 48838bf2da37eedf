"""Demo accounts for `make run`. Every address is under example.org."""

from allauth.account.models import EmailAddress
from django.utils import timezone

from members.models import ExpertiseArea, Region, User
from members.vocabulary import vocabulary_seed

DEMO_PASSWORD = "demo-aimq-2026"

# Forty members, forty distinct full names (the leads' names are not among them): a demo where
# two people share a name makes every list ambiguous.
FIRST_NAMES = [
    "Alexandre", "Béatrice", "Camille", "Denis", "Émilie", "François", "Geneviève", "Hugo",
    "Isabelle", "Jérôme", "Karine", "Louis", "Mélanie", "Nicolas", "Olivia", "Philippe",
    "Rachel", "Sébastien", "Tania", "Vincent", "Audrey", "Benoît", "Chantal", "David",
    "Élise", "Frédéric", "Gabrielle", "Henri", "Isabeau", "Julien", "Kim", "Laurent",
    "Marianne", "Nathan", "Océane", "Pascal", "Roxanne", "Simon", "Thérèse", "Yannick",
]  # fmt: skip
LAST_NAMES = [
    "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin",
    "Gagné", "Ouellet", "Bélanger", "Lévesque", "Leblanc", "Paquette", "Girard", "Simard",
    "Boucher", "Caron", "Beaulieu", "Cloutier", "Dubé", "Poirier", "Fournier", "Lapointe",
    "Leclerc", "Lefebvre", "Poulin", "Thibault", "St-Pierre", "Nadeau", "Martin", "Landry",
    "Martel", "Bédard", "Grenier", "Lessard", "Bernier", "Richard", "Michaud", "Hébert",
]  # fmt: skip
ORGANISATIONS = [
    ("Ville de Rimouski", "municipality", Region.BAS_SAINT_LAURENT),
    ("Ville de Saguenay", "municipality", Region.SAGUENAY_LAC_SAINT_JEAN),
    ("MRC de Charlevoix", "mrc", Region.CAPITALE_NATIONALE),
    ("Ville de Trois-Rivières", "municipality", Region.MAURICIE),
    ("Ville de Sherbrooke", "municipality", Region.ESTRIE),
    ("Ville de Gatineau", "municipality", Region.OUTAOUAIS),
    ("MRC d'Abitibi", "mrc", Region.ABITIBI_TEMISCAMINGUE),
    ("Ville de Sept-Îles", "municipality", Region.COTE_NORD),
    ("MRC de La Matapédia", "mrc", Region.BAS_SAINT_LAURENT),
    ("Génie-Conseil Laurentides inc.", "firm", Region.LAURENTIDES),
    ("Ville de Lévis", "municipality", Region.CHAUDIERE_APPALACHES),
    ("MRC de Drummond", "mrc", Region.CENTRE_DU_QUEBEC),
]
# Areas of expertise (slugs of the vocabulary seeded by migration 0005), picked by member
# number, so that the directory answers real questions: the members of the MRC d'Abitibi
# (6, 18, 30) manage pavements, "who has done a pavement-management plan in Abitibi?"
AREA_SETS = [
    ["gestion-des-actifs", "plans-d-intervention"],
    ["eau-potable", "eaux-usees"],
    ["appels-d-offres"],
    ["eaux-pluviales", "adaptation-climatique"],
    ["ponts-et-ponceaux", "surveillance-de-chantier"],
    ["mrc-ententes-intermunicipales", "voirie-deneigement"],
    ["gestion-des-chaussees", "plans-d-intervention", "gestion-des-actifs"],
]
FREE_EXPERTISE = [
    "Réfection des égouts unitaires et séparation des réseaux.",
    "Inspection télévisée des conduites.",
    "",
    "Bassins de rétention et jardins de pluie.",
    "",
    "Ententes de fourniture de services entre municipalités.",
    "Auscultation des chaussées et plan quinquennal de réfection.",
]
JOB_TITLES = [
    "Ingénieur municipal",
    "Ingénieure de projets",
    "Directeur des travaux publics",
    "Chargée de projets",
    "Conseiller en gestion des actifs",
]


def _account(email: str, **fields) -> User:
    # Every demo account consented at sign-up, as a real one must have.
    fields.setdefault("privacy_consent_at", timezone.now())
    user, created = User.objects.get_or_create(email=email, defaults=fields)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _areas(email: str, slugs: list[str]) -> None:
    """The member's areas, unless they already have some (loading again changes nothing)."""
    user = User.objects.get(email=email)
    if not user.expertise_areas.exists():
        user.expertise_areas.set(ExpertiseArea.objects.filter(slug__in=slugs))


def demo_member_email(index: int) -> str:
    return f"membre{index:02d}@example.org"


def load_demo_members(count: int = 40) -> dict:
    vocabulary_seed()
    _account(
        "admin@example.org",
        first_name="Admin",
        last_name="AIMQ",
        organisation="AIMQ",
        region=Region.MONTREAL,
        is_staff=True,
        is_superuser=True,
    )
    for index in range(1, count + 1):
        organisation, organisation_type, region = ORGANISATIONS[index % len(ORGANISATIONS)]
        _account(
            demo_member_email(index),
            first_name=FIRST_NAMES[(index - 1) % len(FIRST_NAMES)],
            last_name=LAST_NAMES[(index * 7) % len(LAST_NAMES)],
            job_title=JOB_TITLES[index % len(JOB_TITLES)],
            organisation=organisation,
            organisation_type=organisation_type,
            region=region,
            preferred_language="en" if index % 10 == 0 else "fr-ca",
            phone=f"418 555-{index:04d}",
            # About a third let their communities see their e-mail and phone.
            contact_visible=index % 3 == 0,
            expertise=FREE_EXPERTISE[index % len(FREE_EXPERTISE)],
            # Most are in the directory; half of those show their contact details there.
            directory_listed=index % 8 != 0,
            directory_contact_visible=index % 2 == 0,
        )
        _areas(demo_member_email(index), AREA_SETS[index % len(AREA_SETS)])
    return {"members": User.objects.count(), "areas of expertise": ExpertiseArea.objects.count()}
