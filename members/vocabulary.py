"""The curated vocabulary of areas of expertise the portal starts with (municipal engineering in
Québec). Migration 0005 seeded a frozen copy of it; the demo loader and the tests seed it again
where it may be missing (a database flushed between tests holds no migration data)."""

from members.models import ExpertiseArea

SEED_AREAS = [
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


def vocabulary_seed() -> int:
    """Adds the areas of ``SEED_AREAS`` that are missing (by slug), leaving alone what staff
    renamed or deactivated. Returns how many areas the vocabulary holds."""
    for slug, label_fr, label_en in SEED_AREAS:
        ExpertiseArea.objects.get_or_create(
            slug=slug, defaults={"label_fr": label_fr, "label_en": label_en}
        )
    return ExpertiseArea.objects.count()
