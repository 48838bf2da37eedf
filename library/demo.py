"""Demo resources for the libraries of the demo communities; loading again changes nothing
(a resource is found again by its community and title)."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from communities.models import Community, Membership, Role
from library.models import Kind, Resource, ResourceVersion, Tag, UsefulMark, Visibility
from meetings.demo import DEMO_SLUGS, demo_pdf

RESOURCES = [
    {
        "title": "Gabarit de devis de déneigement",
        "kind": Kind.TEMPLATE,
        "tags": ["déneigement", "appel d'offres"],
        "municipality_size": "small",
        "visibility": Visibility.COMMUNITY,
        "file": "gabarit-devis-deneigement.pdf",
        "description": "Gabarit utilisé par une municipalité de 8 000 habitants, à adapter.",
    },
    {
        "title": "Guide d'inspection des ponceaux",
        "kind": Kind.GUIDE,
        "tags": ["ponceaux", "inspection"],
        "municipality_size": "",
        "visibility": Visibility.ASSOCIATION,
        "file": "guide-inspection-ponceaux.pdf",
        "description": "Les étapes d'une inspection et une grille d'évaluation.",
    },
    {
        "title": "Retour d'expérience : plan d'intervention des conduites",
        "kind": Kind.LESSON,
        "tags": ["égouts", "plan d'intervention"],
        "municipality_size": "medium",
        "visibility": Visibility.PUBLIC,
        "url": "https://www.aimq.qc.ca/",
        "description": "Ce qui a fonctionné, ce que nous referions autrement.",
    },
    {
        "title": "Outil de priorisation des chaussées",
        "kind": Kind.TOOL,
        "tags": ["chaussées", "gestion des actifs"],
        "municipality_size": "large",
        "visibility": Visibility.COMMUNITY,
        "url": "https://www.aimq.qc.ca/",
        "description": "Un chiffrier pour classer les tronçons selon leur état.",
    },
]


def load_demo() -> dict:
    for community in Community.objects.filter(slug__in=DEMO_SLUGS).order_by("pk"):
        members = [
            m.member
            for m in Membership.objects.filter(community=community)
            .select_related("member")
            .order_by("-role", "pk")
        ]
        if not members:
            continue
        lead = next(
            (m.member for m in Membership.objects.filter(community=community, role=Role.LEAD)),
            members[0],
        )
        for index, planned in enumerate(RESOURCES):
            author = members[index % len(members)]
            resource, created = Resource.objects.get_or_create(
                community=community,
                title=planned["title"],
                defaults={
                    "author": author,
                    "kind": planned["kind"],
                    "description": planned["description"],
                    "municipality_size": planned["municipality_size"],
                    "visibility": planned["visibility"],
                    "url": planned.get("url", ""),
                },
            )
            if not created:
                continue
            # A week of activity: the resources came one a day over the past days, so that the
            # weekly digest (manage.py send_weekly_digest) has news to tell.
            posted_at = timezone.now() - timedelta(days=len(RESOURCES) - index, hours=index)
            Resource.objects.filter(pk=resource.pk).update(created_at=posted_at)
            resource.tags.set([Tag.objects.get_or_create(name=name)[0] for name in planned["tags"]])
            if planned.get("file"):
                version = ResourceVersion(resource=resource, uploaded_by=author)
                document = demo_pdf(planned["title"], planned["description"], *planned["tags"])
                version.file.save(planned["file"], ContentFile(document), save=True)
            UsefulMark.objects.get_or_create(resource=resource, member=lead)
    return {"library resources": Resource.objects.count()}
