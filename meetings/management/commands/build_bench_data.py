"""The large data set of `make bench`, built with bulk inserts into an empty, migrated database.

At ``--scale 100`` (the association a hundred times over): 300 full communities of 15 members
(one lead), each with 30 people on its waiting list and 8 declined and 8 withdrawn requests;
30,000 members; 6,000 meetings (20 per community, half past); 90,000 answers (every member
answers every meeting of their community); about 28,000 decisions. A scale of 10 is a tenth.

Three accounts drive the load (password ``bench-aimq-2026``): ``bench.staff@example.org``
(staff), ``bench.responsable@example.org`` (lead of the first community) and
``bench.membre@example.org`` (member of the first eight communities: a calendar feed of 160
meetings). Rows are written without the services (no e-mail, no outbox): this is a load test's
data, not a history anyone lived. The association's three communities, which the migrations
create, stay as they are (empty).
"""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from communities import cards
from communities.models import (
    Community,
    Decision,
    DecisionAction,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    Role,
)
from meetings.models import CalendarFeedToken, Meeting, MeetingFormat, Rsvp, RsvpResponse
from members.models import User

MEMBERS = 15  # a full community, its lead included
WAITING = 30
DECLINED = 8
WITHDRAWN = 8
MEETINGS = 20
FEED_COMMUNITIES = 8
PASSWORD = "bench-aimq-2026"
STAFF_EMAIL = "bench.staff@example.org"
LEAD_EMAIL = "bench.responsable@example.org"
MEMBER_EMAIL = "bench.membre@example.org"
BATCH = 2000


class Command(BaseCommand):
    help = "Builds the large data set of `make bench` (bulk inserts into an empty database)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=100, help="100: 300 communities, 30,000 members."
        )

    def handle(self, *args, scale: int, **options):
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        # The migrations create the association's three communities: they stay, empty.
        if User.objects.exists():
            raise CommandError("The database must be freshly migrated (no member yet).")
        with transaction.atomic():
            counts = build(scale)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # plans as on a database that grew slowly
        cards.invalidate()
        self.stdout.write(", ".join(f"{count} {name}" for name, count in counts.items()))


def build(scale: int) -> dict[str, int]:
    now = timezone.now().replace(microsecond=0)
    long_ago = now - timedelta(days=400)
    community_count = 3 * scale
    unusable = make_password(None)
    known = make_password(PASSWORD)

    def person(index: int, email: str | None = None, **fields) -> User:
        return User(
            email=email or f"membre{index:06d}@bench.example.org",
            first_name=f"Prénom{index % 997}",
            last_name=f"Nom{index:06d}",
            organisation=f"Ville {index % 450}",
            password=known if email else unusable,
            privacy_consent_at=long_ago,
            **fields,
        )

    users = [
        person(0, STAFF_EMAIL, is_staff=True, is_superuser=True),
        person(1, LEAD_EMAIL),
        person(2, MEMBER_EMAIL),
    ]
    users += [person(index) for index in range(3, 300 * scale)]
    users = User.objects.bulk_create(users, batch_size=BATCH)
    lead_persona, member_persona = users[1], users[2]
    pool = iter(users[3:])

    communities = Community.objects.bulk_create(
        [
            Community(
                slug=f"communaute-{index:04d}",
                name_fr=f"Communauté de pratique {index:04d}",
                name_en=f"Community of practice {index:04d}",
                summary_fr="Échanges entre ingénieurs municipaux sur un sujet commun.",
                summary_en="Municipal engineers sharing practice on a common subject.",
                mandate_fr="Partager les pratiques, les outils et les retours d'expérience.",
                mandate_en="Share practices, tools and lessons learned.",
                capacity=MEMBERS,
            )
            for index in range(community_count)
        ],
        batch_size=BATCH,
    )

    memberships, requests, decisions, meetings = [], [], [], []
    members_of: dict[int, list[User]] = {}
    for index, community in enumerate(communities):
        lead = lead_persona if index == 0 else next(pool)
        members = [lead]
        if index < FEED_COMMUNITIES:
            members.append(member_persona)
        while len(members) < MEMBERS:
            members.append(next(pool))
        members_of[community.pk] = members
        for position, member in enumerate(members):
            role = Role.LEAD if position == 0 else Role.MEMBER
            memberships.append(Membership(community=community, member=member, role=role))
            requests.append(
                JoinRequest(
                    community=community,
                    member=member,
                    motivation="Je souhaite partager mes pratiques.",
                    status=JoinRequestStatus.APPROVED,
                    decided_at=long_ago,
                )
            )
        for status, count in (
            (JoinRequestStatus.PENDING, WAITING),
            (JoinRequestStatus.DECLINED, DECLINED),
            (JoinRequestStatus.WITHDRAWN, WITHDRAWN),
        ):
            for _ in range(count):
                requests.append(
                    JoinRequest(
                        community=community,
                        member=next(pool),
                        motivation="Je souhaite joindre cette communauté.",
                        status=status,
                        decided_at=None if status == JoinRequestStatus.PENDING else long_ago,
                    )
                )
        decisions.append(
            Decision(
                community=community,
                action=DecisionAction.CAPACITY_CHANGED,
                actor=lead,
                detail=f"20 → {MEMBERS}",
            )
        )
        for number in range(MEETINGS):
            starts_at = now + timedelta(days=7 * (number - MEETINGS // 2) + 1, hours=index % 9)
            in_person = number % 2 == 0
            meetings.append(
                Meeting(
                    community=community,
                    title=f"Rencontre {number + 1} de la communauté {index:04d}",
                    agenda="1. Tour de table\n2. Étude de cas\n3. Varia",
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=2),
                    format=MeetingFormat.IN_PERSON if in_person else MeetingFormat.ONLINE,
                    venue_name="Hôtel de ville" if in_person else "",
                    address="1 rue Principale, Québec" if in_person else "",
                    meeting_url="" if in_person else "https://meet.example.org/bench",
                    created_by=lead,
                )
            )
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    requests = JoinRequest.objects.bulk_create(requests, batch_size=BATCH)
    for join_request in requests:
        decisions.append(
            Decision(
                community=join_request.community,
                action=DecisionAction.REQUESTED,
                actor=join_request.member,
                subject=join_request.member,
                join_request=join_request,
            )
        )
        if join_request.status != JoinRequestStatus.PENDING:
            decisions.append(
                Decision(
                    community=join_request.community,
                    action=join_request.status,  # approved, declined, withdrawn
                    actor=join_request.member,
                    subject=join_request.member,
                    join_request=join_request,
                )
            )
    Decision.objects.bulk_create(decisions, batch_size=BATCH)
    meetings = Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    responses = [RsvpResponse.IN_PERSON, RsvpResponse.ONLINE, RsvpResponse.DECLINED]
    answers = [
        Rsvp(
            meeting=meeting,
            member=member,
            response=RsvpResponse.ONLINE
            if meeting.format == MeetingFormat.ONLINE and position % 3 == 0
            else responses[position % 3],
        )
        for meeting in meetings
        for position, member in enumerate(members_of[meeting.community_id])
    ]
    # An online meeting takes no in-person answer.
    for answer in answers:
        if answer.meeting.format == MeetingFormat.ONLINE and answer.response == "in_person":
            answer.response = RsvpResponse.ONLINE
    Rsvp.objects.bulk_create(answers, batch_size=BATCH)
    CalendarFeedToken.objects.create(member=member_persona)
    Membership.objects.update(joined_at=long_ago)
    return {
        "communities": len(communities),
        "members": len(users),
        "memberships": len(memberships),
        "join requests": len(requests),
        "decisions": len(decisions),
        "meetings": len(meetings),
        "answers": len(answers),
    }
