"""The date polls' reads, at a fixed number of queries whatever the number of options,
answers and members."""

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone

from aimq_portal import page_cache
from communities.models import Community, Membership
from members.models import User
from scheduling.models import Choice, DatePoll, PollAnswer, PollOption


def poll_list(*, community: Community) -> QuerySet[DatePoll]:
    """The community's polls, newest first, each with its number of options and of members
    who answered."""
    return (
        DatePoll.objects.filter(community=community)
        .select_related("meeting")
        .annotate(
            option_count=Count("options", distinct=True),
            respondent_count=Count("options__answers__member", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def open_polls(*, community: Community) -> list[DatePoll]:
    """The polls still taking answers, the one closing soonest first: one query."""
    polls = list(
        DatePoll.objects.filter(
            community=community, closed_at__isnull=True, closes_at__gt=timezone.now()
        ).order_by("closes_at", "pk")
    )
    for poll in polls:
        page_cache.expires_at(poll.closes_at)  # the poll leaves the list as it closes
    return polls


def poll_for(*, community: Community, pk: int) -> DatePoll | None:
    return (
        DatePoll.objects.select_related("community", "created_by", "meeting")
        .filter(community=community, pk=pk)
        .first()
    )


@dataclass
class RankedOption:
    option: PollOption
    yes: int = 0
    if_needed: int = 0
    no: int = 0
    rank: int = 0


@dataclass
class Respondent:
    member: User
    # The member's answer to each option, in the order of ``Results.options``.
    choices: list[str | None] = field(default_factory=list)


@dataclass
class Results:
    """The options best first (most yes, then most "if needed", then the earliest), and who
    answered what."""

    options: list[RankedOption]
    respondents: list[Respondent]
    unanswered: int

    @property
    def best(self) -> RankedOption | None:
        if self.options and self.options[0].yes + self.options[0].if_needed:
            return self.options[0]
        return None

    def choices_of(self, member_id: int) -> dict[int, str]:
        for respondent in self.respondents:
            if respondent.member.pk == member_id:
                return {
                    ranked.option.pk: choice
                    for ranked, choice in zip(self.options, respondent.choices, strict=True)
                    if choice
                }
        return {}


def results(poll: DatePoll) -> Results:
    """Three queries: the options, the answers with their members, and how many members
    the community has."""
    options = list(PollOption.objects.filter(poll=poll).order_by("starts_at", "pk"))
    ranked = {option.pk: RankedOption(option=option) for option in options}
    by_member: dict[int, tuple[User, dict[int, str]]] = {}
    for answer in (
        PollAnswer.objects.filter(option__poll=poll)
        .select_related("member")
        .order_by("member__last_name", "member__first_name", "member_id")
    ):
        counts = ranked[answer.option_id]
        if answer.choice == Choice.YES:
            counts.yes += 1
        elif answer.choice == Choice.IF_NEEDED:
            counts.if_needed += 1
        else:
            counts.no += 1
        by_member.setdefault(answer.member_id, (answer.member, {}))[1][answer.option_id] = (
            answer.choice
        )
    order = sorted(
        ranked.values(), key=lambda r: (-r.yes, -r.if_needed, r.option.starts_at, r.option.pk)
    )
    for position, item in enumerate(order, start=1):
        item.rank = position
    respondents = [
        Respondent(member=member, choices=[answers.get(item.option.pk) for item in order])
        for member, answers in by_member.values()
    ]
    members = Membership.objects.filter(community_id=poll.community_id).count()
    return Results(
        options=order, respondents=respondents, unanswered=max(members - len(respondents), 0)
    )


def answer_counts(poll: DatePoll) -> dict[int, int]:
    """How many members answered each option of the poll: one query."""
    return dict(
        PollAnswer.objects.filter(option__poll=poll)
        .values("option_id")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("option_id", "count")
    )
