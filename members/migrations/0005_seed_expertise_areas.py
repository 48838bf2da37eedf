"""The first curated vocabulary of areas of expertise (municipal engineering in Québec), and
the directory's search text of the members already there. Reversible: going back removes the
areas this migration added (the search text goes with its column in 0004)."""

import unicodedata

from django.db import migrations

AREAS = [
    ("gestion-des-actifs", "Gestion des actifs", "Asset management"),
    ("plans-d-intervention", "Plans d’intervention", "Infrastructure renewal plans"),
    ("gestion-des-chaussees", "Gestion des chaussées", "Pavement management"),
    ("eau-potable", "Eau potable", "Drinking water"),
    ("eaux-usees", "Eaux usées et égouts", "Wastewater and sewers"),
    ("eaux-pluviales", "Gestion des eaux pluviales", "Stormwater management"),
    (
        "appels-d-offres",
        "Appels d’offres et gestion contractuelle",
        "Calls for tenders and contract management",
    ),
    ("ponts-et-ponceaux", "Ponts et ponceaux", "Bridges and culverts"),
    (
        "mrc-ententes-intermunicipales",
        "MRC et ententes intermunicipales",
        "RCMs and inter-municipal agreements",
    ),
    ("voirie-deneigement", "Voirie et déneigement", "Roads and snow removal"),
    ("surveillance-de-chantier", "Surveillance de chantier", "Construction supervision"),
    ("conception-municipale", "Conception d’infrastructures municipales", "Municipal design"),
    (
        "programmes-de-subventions",
        "Programmes de subventions (TECQ, PRIMEAU…)",
        "Grant programs (TECQ, PRIMEAU…)",
    ),
    (
        "adaptation-climatique",
        "Adaptation aux changements climatiques",
        "Climate change adaptation",
    ),
    ("securite-routiere", "Sécurité routière et mobilité", "Road safety and mobility"),
    ("batiments-municipaux", "Bâtiments municipaux", "Municipal buildings"),
    ("geomatique", "Géomatique et données des réseaux", "GIS and network data"),
    (
        "environnement-sols",
        "Environnement et sols contaminés",
        "Environment and contaminated soils",
    ),
]


def _searchable(text):
    # A copy of members.models.searchable as it is today: a migration does not import code
    # that may change after it.
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.replace("\u2019", "'").casefold().split())


def seed(apps, schema_editor):
    ExpertiseArea = apps.get_model("members", "ExpertiseArea")
    for slug, label_fr, label_en in AREAS:
        ExpertiseArea.objects.get_or_create(
            slug=slug, defaults={"label_fr": label_fr, "label_en": label_en}
        )
    User = apps.get_model("members", "User")
    for user in User.objects.only("pk", "first_name", "last_name", "organisation", "expertise"):
        text = " ".join([user.first_name, user.last_name, user.organisation, user.expertise])
        User.objects.filter(pk=user.pk).update(search_text=_searchable(text))


def unseed(apps, schema_editor):
    ExpertiseArea = apps.get_model("members", "ExpertiseArea")
    ExpertiseArea.objects.filter(slug__in=[slug for slug, *_labels in AREAS]).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0004_expertise_areas_and_directory_choices")]

    operations = [migrations.RunPython(seed, unseed)]
