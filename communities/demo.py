"""Demo communities for `make run`: one lead each, one community full with a waiting list, the
others partly filled with a few requests pending. Safe to run again.

Seats are given the way the portal gives them (a request, then ``join_request_approve``), so the
history and the cap are real; the dates are then moved back over the last weeks so the lists
look lived-in and one request is old enough for the 7-day reminder."""

from datetime import timedelta

from django.utils import timezone

from communities import services
from communities.models import (
    Community,
    CommunityStatus,
    Decision,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    Role,
)
from members.demo import _account, demo_member_email
from members.models import Region, User

# slug → the lead's account, then the demo members seated and those left pending (by number,
# with how many days ago they asked).
COMMUNITIES = {
    "gestion-des-actifs-municipaux": {
        "lead": {
            "email": "responsable.actifs@example.org",
            "first_name": "Marie-Claude",
            "last_name": "Tremblay",
            "job_title": "Directrice du génie",
            "organisation": "Ville de Québec",
            "organisation_type": "municipality",
            "region": Region.CAPITALE_NATIONALE,
        },
        # Full: the lead and 14 members are 15 of 15, and three people wait.
        "members": range(1, 15),
        "pending": {15: 12, 16: 6, 17: 2},
    },
    "gestion-contractuelle": {
        "lead": {
            "email": "responsable.contrats@example.org",
            "first_name": "Jean-François",
            "last_name": "Bergeron",
            "job_title": "Chargé de projets",
            "organisation": "Ville de Longueuil",
            "organisation_type": "municipality",
            "region": Region.MONTEREGIE,
        },
        "members": range(18, 26),
        "pending": {26: 9, 27: 3},
    },
    "ingenierie-municipale-mrc": {
        "lead": {
            "email": "responsable.mrc@example.org",
            "first_name": "Annie",
            "last_name": "Pelletier",
            "job_title": "Ingénieure, service régional",
            "organisation": "MRC de Rivière-du-Loup",
            "organisation_type": "mrc",
            "region": Region.BAS_SAINT_LAURENT,
        },
        "members": range(28, 34),
        "pending": {34: 4},
    },
}

MOTIVATIONS = [
    "Je prépare le plan de gestion des actifs de notre ville et j'aimerais comparer nos méthodes.",
    "Nous lançons plusieurs appels d'offres cette année; j'aimerais profiter de l'expérience "
    "des collègues.",
    "Je veux partager nos gabarits et apprendre des autres municipalités.",
    "Nouvel ingénieur au service, je cherche un réseau pour échanger sur nos projets.",
]


def _backdate(join_request: JoinRequest, asked_at, decided_at=None) -> None:
    """The services stamp "now"; the demo spreads its history over the last weeks."""
    JoinRequest.objects.filter(pk=join_request.pk).update(
        created_at=asked_at, **({"decided_at": decided_at} if decided_at else {})
    )
    Decision.objects.filter(join_request=join_request, action="requested").update(
        created_at=asked_at
    )
    if decided_at:
        Decision.objects.filter(join_request=join_request).exclude(action="requested").update(
            created_at=decided_at
        )
        Membership.objects.filter(
            community=join_request.community, member=join_request.member
        ).update(joined_at=decided_at)


def _untouched(community: Community, member: User) -> bool:
    """The demo only sets up people who have nothing in the community yet: it never re-does
    what someone undid while trying the demo (a decline, a departure)."""
    return not (
        Membership.objects.filter(community=community, member=member).exists()
        or JoinRequest.objects.filter(community=community, member=member).exists()
    )


def _ask(community: Community, member: User, index: int) -> JoinRequest:
    return services.join_request_create(
        community=community, member=member, motivation=MOTIVATIONS[index % len(MOTIVATIONS)]
    )


# A community in preparation, for the demo only (the association prepares one on automation):
# its proposed mandate, and a few demo members who said they are interested.
IN_PREPARATION = {
    "slug": "automatisation-numerique-municipal",
    "name_fr": "Automatisation et numérique municipal",
    "name_en": "Municipal automation and digital tools",
    "summary_fr": "Télémétrie, automates, SCADA et données des réseaux municipaux.",
    "summary_en": "Telemetry, PLCs, SCADA and data from municipal networks.",
    "mandate_fr": (
        "Partager les pratiques d'automatisation des usines et des réseaux "
        "(automates, SCADA, télémétrie), la cybersécurité des systèmes de contrôle et "
        "l'usage des données d'exploitation pour planifier les interventions."
    ),
    "mandate_en": (
        "Sharing practices in plant and network automation (PLCs, SCADA, "
        "telemetry), the cybersecurity of control systems and the use of operating data to "
        "plan interventions."
    ),
}
INTERESTED = (3, 35, 36, 37, 38)


def _load_in_preparation() -> None:
    fields = dict(IN_PREPARATION)
    community, _created = Community.objects.get_or_create(
        slug=fields.pop("slug"), defaults={**fields, "status": CommunityStatus.PREPARATION}
    )
    if not community.in_preparation:
        return  # opened while trying the demo: left as it is
    for index in INTERESTED:
        member = User.objects.get(email=demo_member_email(index))
        services.interest_add(community=community, member=member)


def load_demo() -> dict:
    _load_in_preparation()
    now = timezone.now()
    staff = User.objects.filter(is_superuser=True).order_by("pk").first()
    for slug, plan in COMMUNITIES.items():
        community = Community.objects.get(slug=slug)
        if not community.accepting_requests:
            community.accepting_requests = True
            community.save(update_fields=["accepting_requests"])
        lead = _account(**plan["lead"])
        services.lead_assign(community=community, member=lead, assigned_by=staff)

        for position, index in enumerate(plan["members"]):
            member = User.objects.get(email=demo_member_email(index))
            if not _untouched(community, member):
                continue
            join_request = _ask(community, member, index)
            asked_at = now - timedelta(days=45 - position * 2)
            try:
                services.join_request_approve(
                    join_request=join_request, decided_by=lead, message="Bienvenue!"
                )
            except services.CommunityFull:
                # Someone took a seat while trying the demo: this one waits instead.
                _backdate(join_request, asked_at)
            else:
                _backdate(join_request, asked_at, decided_at=asked_at + timedelta(days=1))

        for index, days_ago in plan["pending"].items():
            member = User.objects.get(email=demo_member_email(index))
            if _untouched(community, member):
                _backdate(_ask(community, member, index), now - timedelta(days=days_ago))

    return {
        "communities": Community.objects.count(),
        "community leads": Membership.objects.filter(role=Role.LEAD).count(),
        "memberships": Membership.objects.count(),
        "pending join requests": JoinRequest.objects.filter(
            status=JoinRequestStatus.PENDING
        ).count(),
        "communities in preparation": Community.objects.filter(
            status=CommunityStatus.PREPARATION
        ).count(),
    }
