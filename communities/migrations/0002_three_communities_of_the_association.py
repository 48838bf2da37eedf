from django.db import migrations

COMMUNITIES = [
    {
        "slug": "gestion-des-actifs-municipaux",
        "name_fr": "Gestion des actifs municipaux",
        "name_en": "Municipal asset management",
        "summary_fr": "Planifier, entretenir et renouveler les infrastructures municipales "
        "au meilleur coût pour les citoyens.",
        "summary_en": "Planning, maintaining and renewing municipal infrastructure at the "
        "best cost for citizens.",
        "mandate_fr": "La communauté réunit les ingénieurs qui bâtissent et tiennent à jour "
        "les plans de gestion des actifs de leur organisation : inventaires et état des "
        "réseaux d'eau, de la voirie et des bâtiments, niveaux de service, analyse des risques, "
        "planification financière à long terme et priorisation des interventions. Les membres "
        "partagent leurs outils, leurs gabarits et leurs leçons apprises.",
        "mandate_en": "The community brings together the engineers who build and keep up to "
        "date their organisation's asset management plans: inventories and condition of water "
        "networks, roads and buildings, levels of service, risk analysis, long-term financial "
        "planning and prioritisation of work. Members share their tools, templates and lessons "
        "learned.",
    },
    {
        "slug": "gestion-contractuelle",
        "name_fr": "Gestion contractuelle",
        "name_en": "Contract management",
        "summary_fr": "Appels d'offres, contrats de services professionnels et de travaux, "
        "suivi et réclamations.",
        "summary_en": "Calls for tenders, professional services and construction contracts, "
        "follow-up and claims.",
        "mandate_fr": "La communauté traite de tout le cycle contractuel municipal : "
        "préparation des documents d'appel d'offres, règles d'adjudication et cadre légal "
        "québécois, gestion des avenants, surveillance des travaux, réclamations et évaluation "
        "du rendement des fournisseurs.",
        "mandate_en": "The community covers the whole municipal contract cycle: preparing "
        "tender documents, award rules and Québec's legal framework, change orders, site "
        "supervision, claims and supplier performance evaluation.",
    },
    {
        "slug": "ingenierie-municipale-mrc",
        "name_fr": "Ingénierie municipale dans les MRC",
        "name_en": "Municipal engineering in regional county municipalities (MRC)",
        "summary_fr": "Les services d'ingénierie partagés que les MRC offrent à leurs "
        "municipalités.",
        "summary_en": "The shared engineering services that MRCs offer to their "
        "municipalities.",
        "mandate_fr": "La communauté réunit les ingénieurs des services d'ingénierie des MRC : "
        "organisation et financement du service, ententes intermunicipales, priorisation des "
        "demandes des municipalités, accompagnement des petites municipalités dans leurs "
        "projets et leurs demandes de subvention.",
        "mandate_en": "The community brings together the engineers of MRC engineering "
        "services: organising and funding the service, inter-municipal agreements, prioritising "
        "municipalities' requests, supporting small municipalities in their projects and "
        "grant applications.",
    },
]


def create_communities(apps, schema_editor):
    Community = apps.get_model("communities", "Community")
    for fields in COMMUNITIES:
        Community.objects.update_or_create(slug=fields["slug"], defaults=fields)


def remove_communities(apps, schema_editor):
    Community = apps.get_model("communities", "Community")
    Community.objects.filter(slug__in=[c["slug"] for c in COMMUNITIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("communities", "0001_initial")]

    operations = [migrations.RunPython(create_communities, remove_communities)]
