"""A date poll in progress in the first demo community, with some members' answers. Loading
again changes nothing (the poll is found again by its community and title). Written straight
to the tables: the demo e-mails nobody."""

from datetime import datetime, timedelta

from django.utils import timezone

from communities.models import Community, Membership, Role
from meetings.demo import DEMO_SLUGS
from meetings.models import MeetingFormat
from scheduling.forms import LOCAL_ZONE
from scheduling.models import Choice, DatePoll, PollAnswer, PollOption

TITLE = "Prochaine rencontre : choisissons la date"
# (days from today, start hour, end hour, format, place)
OPTIONS = [
    (21, 9, 12, MeetingFormat.IN_PERSON, "Hôtel de ville de Drummondville"),
    (23, 13, 16, MeetingFormat.HYBRID, "Centre communautaire de Victoriaville"),
    (28, 9, 11, MeetingFormat.ONLINE, ""),
]
# Each answering member's answers to the options, in order.
ANSWERS = [
    (Choice.YES, Choice.IF_NEEDED, Choice.NO),
    (Choice.YES, Choice.YES, Choice.IF_NEEDED),
    (Choice.NO, Choice.YES, Choice.YES),
]


def load_demo() -> dict:
    community = Community.objects.filter(slug=DEMO_SLUGS[0]).first()
    if community is None:
        return {"date_polls": DatePoll.objects.count()}
    memberships = list(
        Membership.objects.filter(community=community).select_related("member").order_by("pk")
    )
    lead = next((m.member for m in memberships if m.role == Role.LEAD), None)
    poll, created = DatePoll.objects.get_or_create(
        community=community,
        title=TITLE,
        defaults={
            "created_by": lead,
            "details": "Ordre du jour : bilan du plan d’intervention et visite d’un chantier.",
            "closes_at": timezone.now() + timedelta(days=10),
        },
    )
    if created:
        today = timezone.localdate(timezone.now(), LOCAL_ZONE)
        options = [
            PollOption.objects.create(
                poll=poll,
                starts_at=datetime.combine(
                    today + timedelta(days=days), datetime.min.time()
                ).replace(hour=start, tzinfo=LOCAL_ZONE),
                ends_at=datetime.combine(today + timedelta(days=days), datetime.min.time()).replace(
                    hour=end, tzinfo=LOCAL_ZONE
                ),
                format=format,
                place=place,
            )
            for days, start, end, format, place in OPTIONS
        ]
        answering = [m.member for m in memberships if m.member != lead][: len(ANSWERS)]
        for member, choices in zip(answering, ANSWERS, strict=False):
            PollAnswer.objects.bulk_create(
                [
                    PollAnswer(option=option, member=member, choice=choice)
                    for option, choice in zip(options, choices, strict=True)
                ]
            )
    return {"date_polls": DatePoll.objects.count()}
