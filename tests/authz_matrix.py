"""The portal-wide authorisation matrix: one world with two communities, and for every URL of
the portal, every method it takes and every kind of visitor, the answer the portal must give.

Read by tests/test_authorisation_matrix.py. The rules behind the answers (see CONVENTIONS.md
and the views' docstrings): pages that need an account send anonymous visitors to the login
page and back; 404 for what the visitor may not know exists (someone else's join request, a
follow-up's documents, the members of a community they are not part of); 403 for what they
know but may not do (managing a public meeting, deciding their own request); the admin is for
staff only, everyone else is sent to its login page."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from attestations import services as attestation_services
from attestations.models import Attestation
from communities import notification_links
from communities import services as community_services
from communities.models import Community, Decision, Interest, JoinRequest, Membership
from digest.models import DigestSent
from library import services as library_services
from library.models import Resource, Tag, UsefulMark
from meetings.models import (
    Attendance,
    CalendarFeedToken,
    FollowUp,
    FollowUpDocument,
    Meeting,
    MeetingReminder,
    Rsvp,
    SeatRequest,
)
from members.models import ExpertiseArea, User
from notifications.models import OutboxMessage
from questions import services as question_services
from questions.models import Answer, Question
from scheduling import services as poll_services
from scheduling.models import DatePoll, PollAnswer, PollReminder
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    StaffFactory,
    UserFactory,
)

VISITORS = ("anonymous", "member", "member_of_other", "lead_of_other", "lead", "staff")
SIGNED_IN = VISITORS[1:]


# The world

MEMBER_DIETARY_NEEDS = "Sans arachides Alphadiet"


@dataclass
class World:
    """Community A (whose objects every URL is given) and community B (the other one). Every
    string below is unique to its owner, so finding it in a response tells whose data leaked."""

    a: Community
    b: Community
    people: dict[str, Any]  # the visitors (anonymous is None) and the others below
    a_extra_member: User
    a_requester: User
    b_requester: User
    a_request: JoinRequest
    b_request: JoinRequest
    a_extra_membership: Membership
    a_hybrid: Meeting
    a_in_person: Meeting
    a_online: Meeting
    a_past: Meeting
    a_document: FollowUpDocument
    a_talk: Meeting  # past, its recording shared with everyone (a public talk)
    a_talk_document: FollowUpDocument  # shared with everyone too
    b_hybrid: Meeting
    b_past: Meeting
    b_document: FollowUpDocument
    a_full: Meeting  # a full room: the member and the lead wait for a seat
    member_token: str
    member_of_other_token: str
    decision: Decision
    reminder: MeetingReminder
    outbox_message: OutboxMessage
    group: Group
    confirmation_key: str
    reset_uidb36: str
    # What may be seen by whom: see ``secrets_hidden_from``.
    secrets: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # Per person, their own data: theirs to see wherever it is hidden from others.
    own: dict[str, list[str]] = field(default_factory=dict)
    # A's library: one resource per visibility (the member's), each with a file.
    library: dict[str, Resource] = field(default_factory=dict)
    # Questions: A's (asked by the member, with an attachment, solved by the lead's answer; the
    # member answered too) and B's (asked by its member).
    questions: dict[str, Any] = field(default_factory=dict)
    # Date polls: A's (proposed by the lead, answered by the member) and B's.
    polls: dict[str, Any] = field(default_factory=dict)


def _person(first: str, last: str, email: str, **extra) -> User:
    return UserFactory(first_name=first, last_name=last, email=email, **extra)


def _meeting(community: Community, title: str, *, days: int, **fields) -> Meeting:
    starts_at = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
    return MeetingFactory(
        community=community,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        **fields,
    )


def _followup(meeting: Meeting, *, minutes: str, recording: str, document: str) -> FollowUpDocument:
    followup = FollowUp.objects.create(meeting=meeting, minutes=minutes, recording_url=recording)
    return FollowUpDocument.objects.create(
        followup=followup,
        title=document,
        file=SimpleUploadedFile(f"{document.lower().replace(' ', '-')}.pdf", b"%PDF-1.4 secret"),
    )


def build_world() -> World:
    a = CommunityFactory(
        slug="alpha-eaux", name_fr="Alpha eaux pluviales", name_en="Alpha storm water"
    )
    b = CommunityFactory(slug="beta-voirie", name_fr="Bêta voirie", name_en="Beta roads")

    lead = _person("Aurore", "Alphalead", "aurore.alphalead@alpha.example")
    member = _person(
        "Armand", "Alphamember", "armand.alphamember@alpha.example", phone="819 555-0101"
    )
    # She chose to show her e-mail and phone to her fellow members.
    a_extra = _person(
        "Agathe",
        "Alphaextra",
        "agathe.alphaextra@alpha.example",
        phone="819 555-0102",
        contact_visible=True,
    )
    a_requester = _person("Rémi", "Alpharequester", "remi.alpharequester@alpha.example")
    a_declined = _person("Delphine", "Alphadeclined", "delphine.alphadeclined@alpha.example")
    member_of_other = _person(
        "Bastien", "Betamember", "bastien.betamember@beta.example", phone="418 555-0201"
    )
    lead_of_other = _person("Béatrice", "Betalead", "beatrice.betalead@beta.example")
    b_requester = _person("Bruno", "Betarequester", "bruno.betarequester@beta.example")
    staff = StaffFactory(
        first_name="Sylvie", last_name="Staffeuse", email="sylvie.staffeuse@aimq.example"
    )

    LeadMembershipFactory(community=a, member=lead)
    MembershipFactory(community=a, member=member)
    a_extra_membership = MembershipFactory(community=a, member=a_extra)
    MembershipFactory(community=b, member=member_of_other)
    LeadMembershipFactory(community=b, member=lead_of_other)

    a_request = JoinRequestFactory(
        community=a, member=a_requester, motivation="Motivation alpha confidentielle"
    )
    b_request = JoinRequestFactory(
        community=b, member=b_requester, motivation="Motivation bêta confidentielle"
    )
    declined = JoinRequestFactory(community=a, member=a_declined)
    community_services.join_request_decline(join_request=declined, decided_by=lead, message="")
    decision = Decision.objects.filter(community=a).latest("pk")

    a_hybrid = _meeting(
        a,
        "Alpha hybride",
        days=14,
        venue_name="Salle Alphahybride",
        address="11 rue Alphahybride Trois-Rivières",
        meeting_url="https://meet.example.org/alpha-hybride-secret",
        lunch_provided=True,
    )
    a_in_person = _meeting(
        a,
        "Alpha en personne",
        days=15,
        format="in_person",
        venue_name="Salle Alphapresentiel",
        address="12 rue Alphapresentiel Shawinigan",
        meeting_url="",
        in_person_seats=1,  # full: the visitors may ask for a seat
    )
    a_full = _meeting(
        a,
        "Alpha complète",
        days=17,
        format="in_person",
        venue_name="Salle Alphacomplete",
        address="17 rue Alphacomplete Bécancour",
        meeting_url="",
        in_person_seats=1,
    )
    a_online = _meeting(
        a,
        "Alpha en ligne",
        days=16,
        format="online",
        venue_name="",
        address="",
        meeting_url="https://meet.example.org/alpha-enligne-secret",
    )
    a_past = _meeting(
        a,
        "Alpha passée",
        days=-2,
        venue_name="Salle Alphapassee",
        address="13 rue Alphapassee Nicolet",
        meeting_url="https://meet.example.org/alpha-passee-secret",
    )
    a_document = _followup(
        a_past,
        minutes="<p>Compte rendu alpha</p>",
        recording="https://video.example.org/alpha-enregistrement-secret",
        document="Presentation Alphadocument",
    )
    a_talk = _meeting(
        a,
        "Alpha conférence",
        days=-9,
        venue_name="Salle Alphaconference",
        address="14 rue Alphaconference Bécancour",
        meeting_url="https://meet.example.org/alpha-conference-secret",
    )
    a_talk_document = _followup(
        a_talk,
        minutes="<p>Compte rendu Alphaconference réservé</p>",
        recording="https://video.example.org/alpha-conference-publique",
        document="Diapositives Alphaconference",
    )
    FollowUp.objects.filter(meeting=a_talk).update(
        recording_public=True,
        documents_public=True,
        speakers="Conférencière Alphaspeaker",
        public_summary="Résumé Alphapublic de la conférence.",
        published_at=timezone.now(),
    )
    b_hybrid = _meeting(
        b,
        "Bêta hybride",
        days=20,
        venue_name="Salle Betasecrete",
        address="22 rue Betasecrete Rimouski",
        meeting_url="https://meet.example.org/beta-hybride-secret",
    )
    b_past = _meeting(
        b,
        "Bêta passée",
        days=-3,
        venue_name="Salle Betapassee",
        address="23 rue Betapassee Matane",
        meeting_url="https://meet.example.org/beta-passee-secret",
    )
    b_document = _followup(
        b_past,
        minutes="<p>Compte rendu bêta</p>",
        recording="https://video.example.org/beta-enregistrement-secret",
        document="Presentation Betadocument",
    )
    RsvpFactory(
        meeting=a_hybrid,
        member=member,
        response="in_person",
        stays_for_lunch=True,
        dietary_needs=MEMBER_DIETARY_NEEDS,
    )
    RsvpFactory(meeting=b_hybrid, member=member_of_other, response="online")
    for full in (a_in_person, a_full):
        RsvpFactory(meeting=full, member=a_extra, response="in_person")
    for waiting in (member, lead):
        SeatRequest.objects.create(meeting=a_full, member=waiting)
    Attendance.objects.create(meeting=a_past, member=member, mode="in_person", recorded_by=lead)
    reminder = MeetingReminder.objects.create(
        meeting=a_hybrid, offset_minutes=24 * 60, for_starts_at=a_hybrid.starts_at
    )
    # What building the world wrote to the outbox went out long ago: the tests that send
    # e-mails see only what their own event writes.
    OutboxMessage.objects.filter(status="pending").update(status="sent", sent_at=timezone.now())
    outbox_message = OutboxMessage.objects.create(
        key="matrix:message",
        kind="legacy",
        to_email=member.email,
        recipient=member,
        status="sent",
        sent_at=timezone.now(),
    )
    member_token = CalendarFeedToken.objects.create(member=member).token
    member_of_other_token = CalendarFeedToken.objects.create(member=member_of_other).token

    unverified = EmailAddress.objects.create(
        user=member, email="armand.second@alpha.example", verified=False, primary=False
    )

    world = World(
        a=a,
        b=b,
        people={
            "anonymous": None,
            "member": member,
            "member_of_other": member_of_other,
            "lead_of_other": lead_of_other,
            "lead": lead,
            "staff": staff,
        },
        a_extra_member=a_extra,
        a_requester=a_requester,
        b_requester=b_requester,
        a_request=a_request,
        b_request=b_request,
        a_extra_membership=a_extra_membership,
        a_hybrid=a_hybrid,
        a_in_person=a_in_person,
        a_online=a_online,
        a_past=a_past,
        a_document=a_document,
        a_talk=a_talk,
        a_talk_document=a_talk_document,
        b_hybrid=b_hybrid,
        b_past=b_past,
        b_document=b_document,
        a_full=a_full,
        member_token=member_token,
        member_of_other_token=member_of_other_token,
        decision=decision,
        reminder=reminder,
        outbox_message=outbox_message,
        group=Group.objects.create(name="Éditeurs"),
        confirmation_key=EmailConfirmationHMAC(unverified).key,
        reset_uidb36=user_pk_to_url_str(member),
    )
    world.secrets = _secrets(world, a_declined=a_declined)
    for visibility in ("community", "association", "public"):
        world.library[visibility] = library_services.resource_create(
            community=a,
            author=member,
            title=f"Ressource alpha {visibility}",
            kind="guide",
            visibility=visibility,
            file=SimpleUploadedFile(f"alpha-{visibility}.pdf", b"%PDF-1.4 alpha"),
        )
    # Removed by the matrix (its files leave the storage): a link only.
    world.library["removable"] = library_services.resource_create(
        community=a,
        author=member,
        title="Ressource alpha à retirer",
        kind="tool",
        url="https://example.org/alpha-a-retirer",
    )
    _questions(world)
    _polls(world)
    world.own = {name: _identity(person) if person else [] for name, person in world.people.items()}
    world.own["member"].append(MEMBER_DIETARY_NEEDS)
    # Two more people who receive A's e-mails without being among the visitors.
    world.own["a_extra_member"] = _identity(a_extra)
    world.own["a_requester"] = [*_identity(a_requester), a_request.motivation]
    return world


def person_named_by(world: World, email: str) -> str:
    """The key (a visitor's, or one of the two above) of the person with this e-mail."""
    people = {**world.people, "a_extra_member": world.a_extra_member}
    people["a_requester"] = world.a_requester
    return next(key for key, person in people.items() if person and person.email == email)


def _name(user: User) -> str:
    return f"{user.first_name} {user.last_name}"


def _contacts(*users: User) -> list[str]:
    return [text for user in users for text in (user.email, user.phone) if text]


def _identity(user: User) -> list[str]:
    return [_name(user), *_contacts(user)]


def _places(*meetings: Meeting) -> list[str]:
    strings = []
    for meeting in meetings:
        strings += [meeting.venue_name, meeting.address, meeting.meeting_url]
        followup = FollowUp.objects.filter(meeting=meeting).first()
        if followup is not None:
            # What a lead shared with everyone is no secret; the rest is the members'.
            if not followup.recording_public:
                strings.append(followup.recording_url)
            if not followup.minutes_public:
                strings.append(strip_tags(followup.minutes))
            if not followup.documents_public:
                strings += [document.title for document in followup.documents.all()]
    return [text for text in strings if text]


def _secrets(world: World, *, a_declined: User) -> dict[str, dict[str, list[str]]]:
    """Per community, per kind: the strings only some visitors may see.

    - ``members``: the names of its members (leads' names are public): for the community's
      members and staff;
    - ``contacts``: its members' e-mails and phone numbers, leads' included: for the
      community's leads and staff (and each member's own);
    - ``shared_contacts``: those of members who chose to show them to their fellow members:
      for the community's members and staff;
    - ``places``: meetings' venue, address, online link, private recording and documents:
      for the community's members and staff; the minutes and documents too, unless a lead
      shared them with everyone (as the recording of a public talk);
    - ``requests``: the people who asked to join, their motivation, members' dietary needs:
      for the community's leads and staff."""
    people = world.people
    a_members = [people["member"], world.a_extra_member]
    b_members = [people["member_of_other"]]
    return {
        "a": {
            "members": [_name(person) for person in a_members],
            "contacts": _contacts(people["member"], people["lead"]),
            "shared_contacts": _contacts(world.a_extra_member),
            "places": _places(
                world.a_hybrid,
                world.a_in_person,
                world.a_online,
                world.a_past,
                world.a_talk,
                world.a_full,
            ),
            "requests": [
                *_identity(world.a_requester),
                *_identity(a_declined),
                world.a_request.motivation,
                MEMBER_DIETARY_NEEDS,
            ],
            "questions": [],  # filled by _questions
            "polls": [],  # filled by _polls
        },
        "b": {
            "members": [_name(person) for person in b_members],
            "contacts": _contacts(*b_members, people["lead_of_other"]),
            "places": _places(world.b_hybrid, world.b_past),
            "requests": [*_identity(world.b_requester), world.b_request.motivation],
            "questions": [],
            "polls": [],
        },
    }


def _questions(world: World) -> None:
    """A's question and its thread, B's question; their words are secrets of their community
    (members and staff only)."""
    people = world.people
    a_question = question_services.question_ask(
        community=world.a,
        author=people["member"],
        title="Question alpha ponceau",
        details="Détails alpha du ponceau effondré",
        attachment=SimpleUploadedFile("alpha-ponceau.pdf", b"%PDF-1.4 alpha"),
    )
    a_solution = question_services.answer_post(
        question=a_question, author=people["lead"], body="Réponse alpha du responsable"
    )
    a_answer = question_services.answer_post(
        question=a_question, author=people["member"], body="Réponse alpha du membre"
    )
    # Its author's edit window stays open however long the matrix runs.
    Answer.objects.filter(pk=a_answer.pk).update(created_at=timezone.now() + timedelta(days=1))
    a_answer.refresh_from_db()
    question_services.question_solve(
        question=a_question, answer=a_solution, member=people["member"]
    )
    b_question = question_services.question_ask(
        community=world.b,
        author=people["member_of_other"],
        title="Question bêta chaussée",
        details="Détails bêta de la chaussée",
    )
    # What these wrote to the outbox (the member hears of the lead's answer) would be sent
    # with the next event the e-mail tests below trigger, and counted as theirs.
    OutboxMessage.objects.filter(kind__startswith="questions.").delete()
    world.questions = {
        "a": a_question,
        "a_solution": a_solution,
        "a_answer": a_answer,
        "b": b_question,
    }
    world.secrets["a"]["questions"] = [
        a_question.title,
        a_question.details,
        a_solution.body,
        a_answer.body,
        "alpha-ponceau.pdf",
    ]
    world.secrets["b"]["questions"] = [b_question.title, b_question.details]


def _poll_options(place: str) -> list:
    soon = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    return [
        poll_services.OptionInput(
            starts_at=soon + timedelta(days=days),
            ends_at=soon + timedelta(days=days, hours=2),
            format="in_person",
            place=place,
        )
        for days in (0, 2)
    ]


def _polls(world: World) -> None:
    """A's date poll (the member answered it) and B's; their words are secrets of their
    community (members and staff only)."""
    people = world.people
    closes_at = timezone.now() + timedelta(days=10)
    a_poll = poll_services.poll_create(
        community=world.a,
        created_by=people["lead"],
        title="Sondage alpha de dates",
        details="Détails alpha du sondage",
        closes_at=closes_at,
        options=_poll_options("Salle alpha du sondage"),
    )
    poll_services.poll_answer(
        poll=a_poll, member=people["member"], choices={o.pk: "yes" for o in a_poll.options.all()}
    )
    b_poll = poll_services.poll_create(
        community=world.b,
        created_by=people["lead_of_other"],
        title="Sondage bêta de dates",
        details="Détails bêta du sondage",
        closes_at=closes_at,
        options=_poll_options("Salle bêta du sondage"),
    )
    OutboxMessage.objects.filter(kind__startswith="scheduling.").delete()
    world.polls = {"a": a_poll, "a_option": a_poll.options.first(), "b": b_poll}
    world.secrets["a"]["polls"] = [a_poll.title, a_poll.details, "Salle alpha du sondage"]
    world.secrets["b"]["polls"] = [b_poll.title, b_poll.details, "Salle bêta du sondage"]


# Who may see which kind of secret, per community.
_FELLOWS = {"members", "shared_contacts", "places", "questions", "polls"}
_EVERYTHING = {*_FELLOWS, "contacts", "requests"}
RIGHTS = {
    "anonymous": {},
    "member": {"a": _FELLOWS},
    "member_of_other": {"b": _FELLOWS},
    "lead_of_other": {"b": _EVERYTHING},
    "lead": {"a": _EVERYTHING},
    "staff": {"a": _EVERYTHING, "b": _EVERYTHING},
    # Not visitors, but they receive e-mails about A.
    "a_extra_member": {"a": _FELLOWS},
    "a_requester": {},
}


def secrets_hidden_from(world: World, visitor: str, *, bearer: str | None = None) -> list[str]:
    """What ``visitor`` (a key of RIGHTS) may not see. A page whose address holds someone's
    secret (a calendar feed, an e-mail confirmation key) shows the holder what its owner, the
    ``bearer``, sees."""
    hidden = []
    for community, kinds in world.secrets.items():
        allowed = RIGHTS[visitor].get(community, set())
        if bearer is not None:
            allowed = allowed | RIGHTS[bearer].get(community, set())
        for kind, strings in kinds.items():
            if kind not in allowed:
                hidden += strings
    own = set(world.own[visitor]) | (set(world.own[bearer]) if bearer else set())
    return [text for text in hidden if text not in own]


def community_b_strings(world: World, visitor: str) -> list[str]:
    """Everything of B (its people, leads' names included, and its meetings' private
    details), except the visitor's own name and e-mail: none of it belongs on A's pages."""
    own = set(world.own[visitor])
    strings = [*sum(world.secrets["b"].values(), []), *_identity(world.people["lead_of_other"])]
    return [text for text in strings if text not in own]


# The expected answers


@dataclass(frozen=True)
class Login:
    """302 to the portal's login page, with ?next= the page asked for (or ``next``)."""

    next: Callable[[World], str] | None = None


@dataclass(frozen=True)
class AdminLogin:
    """302 to the admin's login page, with ?next= the page asked for."""


@dataclass(frozen=True)
class Redirect:
    """302 elsewhere than a login page: to ``to(world)``, a path (or a regular expression)."""

    to: Callable[[World], str]
    regex: bool = False


LOGIN = Login()
ADMIN_LOGIN = AdminLogin()
Expected = int | Login | AdminLogin | Redirect


def everyone(answer: Expected) -> dict[str, Expected]:
    return dict.fromkeys(VISITORS, answer)


def signed_in(answer: Expected, anonymous: Expected = LOGIN) -> dict[str, Expected]:
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, answer)}


def answers(**by_visitor: Expected) -> dict[str, Expected]:
    assert set(by_visitor) == set(VISITORS), sorted(set(VISITORS) ^ set(by_visitor))
    return by_visitor


def staff_only(answer: Expected, others: Expected = ADMIN_LOGIN) -> dict[str, Expected]:
    return {**dict.fromkeys(VISITORS[:-1], others), "staff": answer}


@dataclass(frozen=True)
class Entry:
    """One URL with one method, the arguments it is given and the answer per visitor.

    ``state`` reads what the request could change: it must stay the same when the visitor is
    refused (login, 403, 404, 405) or shown the page again (200: an error, nothing to do), and
    must change when the answer is a redirect elsewhere (the action succeeded). ``a_page``:
    the page is about community A, so nothing of B may show on it, whoever looks."""

    name: str
    method: str
    expected: dict[str, Expected]
    kwargs: Callable[[World], dict] = lambda world: {}
    data: Callable[[World], dict] = lambda world: {}
    state: Callable[[World, Any], Any] | None = None
    label: str = ""
    a_page: bool = False
    path: Callable[[World], str] | None = None  # for an unnamed route: the path itself
    bearer: str | None = None  # whose secret the address holds (see secrets_hidden_from)

    @property
    def id(self) -> str:
        method = f"{self.method}:{self.label}" if self.label else self.method
        return f"{self.name}-{method}"


def _detail(world: World) -> str:
    return f"/communautes/{world.a.slug}/"


def _meeting_page(meeting: Callable[[World], Meeting]) -> Callable[[World], str]:
    return lambda world: f"/rencontres/{meeting(world).pk}/"


def _hybrid(world: World) -> dict:
    return {"pk": world.a_hybrid.pk}


def _past(world: World) -> dict:
    return {"pk": world.a_past.pk}


def _past_document(world: World) -> dict:
    return {"pk": world.a_past.pk, "document_pk": world.a_document.pk}


def _documents(world: World, user) -> list:
    return sorted(FollowUpDocument.objects.values_list("pk", flat=True))


def _attestation_year(world: World) -> dict:
    return {"year": timezone.localdate(world.a_past.starts_at).year}


def _attestation(world: World) -> Attestation:
    """The member's attestation of the year of A's past meeting, which they attended (issued
    once: the same on every call)."""
    attestation, _activities = attestation_services.attestation_issue(
        member=world.people["member"], **_attestation_year(world)
    )
    return attestation


_A_LIBRARY_WRITERS_200 = answers(
    anonymous=LOGIN, member=200, member_of_other=403, lead_of_other=403, lead=200, staff=200
)
_A_HEALTH_200 = answers(
    anonymous=LOGIN, member=403, member_of_other=403, lead_of_other=403, lead=200, staff=200
)
_A_MEMBERS_200 = answers(
    anonymous=LOGIN, member=200, member_of_other=404, lead_of_other=404, lead=200, staff=200
)
_A_RESOURCE_CHANGERS_200 = _A_MEMBERS_200
_TO_A_RESOURCE = Redirect(lambda world: r"/bibliotheque/\d+/", regex=True)
_TO_PRIVATE_RESOURCE = Redirect(lambda world: f"/bibliotheque/{world.library['community'].pk}/")
_TO_A_LIBRARY = Redirect(lambda world: f"/bibliotheque/communaute/{world.a.slug}/")


def _private_resource(world: World) -> dict:
    return {"pk": world.library["community"].pk}


def _resource_kwargs(world: World, visibility: str, name: str) -> dict:
    resource = world.library[visibility]
    if name == "library:download":
        return {"pk": resource.pk, "version_pk": resource.versions.get().pk}
    return {"pk": resource.pk}


def _resource_data(world: World) -> dict:
    return {
        "title": "Ressource alpha modifiée",
        "kind": "tool",
        "visibility": "community",
        "url": "https://example.org/alpha-outil",
    }


def _resources(world: World, user) -> list:
    return sorted(Resource.objects.values_list("pk", "title", "url"))


def _marks(world: World, user) -> list:
    return sorted(UsefulMark.objects.values_list("resource_id", "member_id"))


_A_QUESTION_AUTHOR_200 = answers(
    anonymous=LOGIN, member=200, member_of_other=404, lead_of_other=404, lead=403, staff=403
)
_A_MODERATORS_200 = answers(
    anonymous=LOGIN, member=403, member_of_other=404, lead_of_other=404, lead=200, staff=200
)


def _a_question(world: World) -> dict:
    return {"slug": world.a.slug, "pk": world.questions["a"].pk}


def _a_answer(name: str) -> Callable[[World], dict]:
    def kwargs(world: World) -> dict:
        return {**_a_question(world), "answer_pk": world.questions[name].pk}

    return kwargs


def _to_a_question(world: World) -> str:
    return f"/communautes/{world.a.slug}/questions/{world.questions['a'].pk}/"


_TO_A_QUESTION = Redirect(_to_a_question)
_TO_AN_ANSWER = Redirect(lambda world: _to_a_question(world) + r"#answer-\d+", regex=True)


def _question_state(world: World, user) -> list:
    return sorted(Question.objects.values_list("pk", "title", "details", "solved_at"))


def _answer_state(world: World, user) -> list:
    return sorted(
        Answer.objects.values_list("pk", "body", "is_solution", "removed_at", "removed_by")
    )


def _slug(world: World) -> dict:
    return {"slug": world.a.slug}


def _a_poll(world: World) -> dict:
    return {"slug": world.a.slug, "pk": world.polls["a"].pk}


def _a_poll_option(world: World) -> dict:
    return {**_a_poll(world), "option_pk": world.polls["a_option"].pk}


_TO_A_POLL = Redirect(lambda world: f"/communautes/{world.a.slug}/sondages/{world.polls['a'].pk}/")


def _poll_state(world: World, user) -> list:
    return sorted(DatePoll.objects.values_list("pk", "title", "closed_at", "meeting_id"))


def _poll_answer_state(world: World, user) -> list:
    return sorted(PollAnswer.objects.values_list("option_id", "member_id", "choice"))


def _poll_proposal(world: World) -> dict:
    soon = timezone.localtime(timezone.now() + timedelta(days=30))
    rows = {}
    for index, days in enumerate((0, 2)):
        day = (soon + timedelta(days=days)).date().isoformat()
        rows |= {f"options-{index}-date": day, f"options-{index}-start": "09:00"}
        rows |= {f"options-{index}-end": "11:00", f"options-{index}-format": ""}
    return {
        "title": "Sondage alpha nouveau",
        "details": "",
        "closes_at": timezone.localtime(timezone.now() + timedelta(days=7)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "options-TOTAL_FORMS": "2",
        "options-INITIAL_FORMS": "0",
        **rows,
    }


def _poll_meeting(world: World) -> dict:
    option = world.polls["a_option"]
    return {
        "title": "Rencontre alpha du sondage",
        "format": "online",
        "starts_at": timezone.localtime(option.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(option.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "meeting_url": "https://visio.example.org/alpha-sondage",
    }


def _poll_meeting_state(world: World, user) -> list:
    return [Meeting.objects.count(), *_poll_state(world, user)]


def _notification_token(world: World, choice: str) -> dict:
    url = notification_links.choice_url(
        user_id=world.people["member"].pk, community_id=world.a.pk, choice=choice
    )
    return {"token": urlsplit(url).path.rstrip("/").rsplit("/", 1)[1]}


def reverse_link(world: World, choice: str) -> str:
    return reverse("communities:notification_link", kwargs=_notification_token(world, choice))


def _notification_choices(world: World, user) -> list:
    return sorted(Membership.objects.values_list("member_id", "community_id", "notifications"))


def _request_state(world: World, user) -> tuple:
    return tuple(
        JoinRequest.objects.filter(pk=world.a_request.pk).values_list("status", "decided_by")
    )


def _a_memberships(world: World, user) -> list:
    return sorted(Membership.objects.filter(community=world.a).values_list("member_id", "role"))


def _preparing(world: World) -> Community:
    """A community in preparation (made in the cell's own transaction, rolled back after)."""
    community, _created = Community.objects.get_or_create(
        slug="gamma-automatisation",
        defaults={
            "name_fr": "Gamma automatisation",
            "name_en": "Gamma automation",
            "summary_fr": "Automates.",
            "summary_en": "PLCs.",
            "mandate_fr": "Mandat proposé Gamma.",
            "mandate_en": "Gamma proposed mandate.",
            "status": "preparation",
        },
    )
    return community


def _preparing_slug(world: World) -> dict:
    return {"slug": _preparing(world).slug}


def _preparing_detail(world: World) -> str:
    return f"/communautes/{_preparing(world).slug}/"


def _interests(world: World, user) -> list:
    return sorted(Interest.objects.values_list("community_id", "member_id"))


def _preparing_status(world: World, user) -> str:
    return Community.objects.get(pk=_preparing(world).pk).status


def _a_requests(world: World, user) -> list:
    return sorted(JoinRequest.objects.filter(community=world.a).values_list("member_id", "status"))


def _meeting_state(world: World, user) -> tuple:
    return tuple(
        Meeting.objects.filter(pk=world.a_hybrid.pk).values_list(
            "title", "sequence", "cancelled_at"
        )
    )


def _rsvps(world: World, user) -> list:
    return sorted(Rsvp.objects.filter(meeting=world.a_hybrid).values_list("member_id", "response"))


def _seat_requests(meeting: Callable[[World], Meeting]) -> Callable[[World, Any], list]:
    def state(world: World, user) -> list:
        return sorted(
            SeatRequest.objects.filter(meeting=meeting(world)).values_list("member_id", "status")
        )

    return state


def _a_meetings(world: World, user) -> list:
    return sorted(Meeting.objects.filter(community=world.a).values_list("pk", flat=True))


def _attendance(world: World, user) -> list:
    return sorted(Attendance.objects.filter(meeting=world.a_past).values_list("member_id", "mode"))


def _followup_state(world: World, user) -> tuple:
    return tuple(
        FollowUp.objects.filter(meeting=world.a_past).values_list("minutes", "recording_url")
    )


def _feed_token(world: World, user) -> list:
    if user is None:
        return []
    return list(CalendarFeedToken.objects.filter(member=user).values_list("token", flat=True))


def _reset_key(world: World) -> dict:
    # The key depends on the last login: made fresh, after the visitor signed in.
    member = User.objects.get(pk=world.people["member"].pk)
    return {"uidb36": world.reset_uidb36, "key": default_token_generator.make_token(member)}


def _account(world: World, user) -> list:
    if user is None:
        return []
    return list(User.objects.filter(pk=user.pk).values_list("is_active", "email", "last_name"))


def _remove_data(world: World) -> dict:
    return {"reason": "Absent depuis un an."}


def _decision(choice: str) -> Callable[[World], dict]:
    def data(world: World) -> dict:
        prefix = f"request-{world.a_request.pk}"
        return {f"{prefix}-decision": choice, f"{prefix}-message": ""}

    return data


def _meeting_form(title: str) -> Callable[[World], dict]:
    def data(world: World) -> dict:
        starts_at = timezone.localtime(timezone.now() + timedelta(days=30)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
        return {
            "title": title,
            "format": "hybrid",
            "starts_at": starts_at.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts_at + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "venue_name": "Salle Alphanouvelle",
            "address": "14 rue Alphanouvelle",
            "in_person_seats": "",
            "meeting_url": "https://meet.example.org/alpha-nouvelle",
            "invited_experts": "",
            "agenda": "<p>Ordre du jour</p>",
        }

    return data


def _attendance_data(world: World) -> dict:
    return {f"member_{world.a_extra_member.pk}": "online"}


def _followup_data(world: World) -> dict:
    return {"minutes": "<p>Nouveau compte rendu</p>", "recording_url": "", "document_title": ""}


_MANAGERS_200 = answers(
    anonymous=LOGIN, member=403, member_of_other=403, lead_of_other=403, lead=200, staff=200
)


def _managers_redirect(to: Callable[[World], str], regex: bool = False) -> dict[str, Expected]:
    done = Redirect(to, regex=regex)
    return answers(
        anonymous=LOGIN, member=403, member_of_other=403, lead_of_other=403, lead=done, staff=done
    )


PORTAL: list[Entry] = [
    # Public pages
    Entry("home", "GET", everyone(200)),
    Entry("privacy", "GET", everyone(200)),
    Entry("healthz", "GET", everyone(200)),
    Entry("healthz", "POST", everyone(405)),
    Entry(
        "set_language",
        "POST",
        everyone(Redirect(lambda world: _detail(world))),
        data=lambda world: {"language": "en", "next": _detail(world)},
    ),
    Entry("set_language", "GET", everyone(Redirect(lambda world: "/"))),
    # Accounts (allauth): signed-in visitors are sent home from the pages for strangers.
    Entry("account_login", "GET", signed_in(Redirect(lambda world: "/"), anonymous=200)),
    Entry("account_signup", "GET", signed_in(Redirect(lambda world: "/"), anonymous=200)),
    Entry("account_logout", "GET", signed_in(200, anonymous=Redirect(lambda world: "/"))),
    Entry("account_logout", "POST", everyone(Redirect(lambda world: "/"))),
    Entry("account_inactive", "GET", everyone(200)),
    Entry("account_reauthenticate", "GET", signed_in(200)),
    Entry("account_email", "GET", signed_in(200)),
    Entry("account_email_verification_sent", "GET", everyone(200)),
    Entry("account_change_password", "GET", signed_in(200)),
    Entry(
        "account_set_password",
        "GET",
        # Everyone here has a password: the page to set a first one sends to the change form.
        signed_in(Redirect(lambda world: "/comptes/password/change/")),
    ),
    Entry("account_reset_password", "GET", everyone(200)),
    Entry("account_reset_password_done", "GET", everyone(200)),
    Entry("account_reset_password_from_key_done", "GET", everyone(200)),
    Entry(
        "account_reset_password_from_key",
        "GET",
        # A valid key is kept in the session and swapped for "set-password" in the address.
        everyone(
            Redirect(
                lambda world: f"/comptes/password/reset/key/{world.reset_uidb36}-set-password/"
            )
        ),
        kwargs=_reset_key,
        bearer="member",
    ),
    Entry(
        "account_confirm_email",
        "GET",
        everyone(200),
        kwargs=lambda world: {"key": world.confirmation_key},
        bearer="member",
    ),
    Entry(
        # No code was asked for: back to the login page, or home when signed in.
        "account_confirm_login_code",
        "GET",
        signed_in(Redirect(lambda world: "/"), anonymous=Redirect(lambda world: "/comptes/login/")),
    ),
    # Continuing education: each visitor's own page and attestations (only the member attended a
    # meeting, A's past one: the others have nothing to attest that year); the check of a code
    # is public, and shows the holder's name to whoever holds the code (the bearer).
    Entry("attestations:mine", "GET", signed_in(200)),
    Entry("attestations:download", "GET", signed_in(405), kwargs=_attestation_year),
    Entry(
        "attestations:download",
        "POST",
        answers(
            anonymous=LOGIN, member=200, member_of_other=404, lead_of_other=404, lead=404, staff=404
        ),
        kwargs=_attestation_year,
    ),
    Entry("attestations:verify", "GET", everyone(200)),
    Entry(
        "attestations:verify",
        "GET",
        everyone(200),
        path=lambda world: f"/attestations/verifier/?code={_attestation(world).code}",
        bearer="member",
        label="code",
    ),
    Entry(
        "attestations:verify_code",
        "GET",
        everyone(200),
        kwargs=lambda world: {"code": _attestation(world).code},
        bearer="member",
    ),
    # The member's own pages
    Entry("members:profile", "GET", signed_in(200)),
    Entry("members:profile_edit", "GET", signed_in(200)),
    Entry("members:profile_edit", "POST", signed_in(200)),  # empty: the form and its errors
    # Everyone here consented at sign-up: the consent page sends them on (home, without next).
    Entry("members:consent", "GET", signed_in(Redirect(lambda world: "/"))),
    Entry("members:consent", "POST", signed_in(Redirect(lambda world: "/"))),
    Entry("members:data_export", "GET", signed_in(200)),
    Entry("members:account_close", "GET", signed_in(200)),
    Entry(
        # A wrong password: the form again, and the account stays open.
        "members:account_close",
        "POST",
        signed_in(200),
        data=lambda world: {"password": "pas-le-bon-mot-de-passe"},
        state=_account,
    ),
    # Communities
    Entry("communities:list", "GET", everyone(200)),
    Entry("communities:my_requests", "GET", signed_in(200)),
    # Notification choices: each their own; staff here belong to no community (nothing to save).
    Entry("communities:notifications", "GET", signed_in(200)),
    Entry(
        "communities:notifications",
        "POST",
        {
            **signed_in(Redirect(lambda world: "/communautes/mes-notifications/")),
            "staff": 200,
        },
        data=lambda world: {f"community-{world.a.pk}": "every", f"community-{world.b.pk}": "every"},
        state=_notification_choices,
    ),
    # The e-mails' one-click links: the signed address is the authority, no log-in needed.
    Entry(
        "communities:notification_link",
        "GET",
        everyone(200),
        kwargs=lambda world: _notification_token(world, "digest"),
        state=_notification_choices,
        bearer="member",
        a_page=True,
    ),
    Entry(
        "communities:notification_link",
        "POST",
        everyone(Redirect(lambda world: reverse_link(world, "every"))),
        kwargs=lambda world: _notification_token(world, "every"),
        state=_notification_choices,
        bearer="member",
    ),
    Entry(
        "communities:notification_link",
        "GET",
        everyone(404),
        kwargs=lambda world: {"token": _notification_token(world, "every")["token"][:-3] + "xyz"},
        state=_notification_choices,
        label="tampered",
    ),
    Entry(
        "communities:inbox",
        "GET",
        answers(
            anonymous=LOGIN, member=403, member_of_other=403, lead_of_other=200, lead=200, staff=200
        ),
    ),
    Entry("communities:detail", "GET", everyone(200), kwargs=_slug, a_page=True),
    Entry(
        "communities:join",
        "POST",
        answers(
            anonymous=Login(next=_detail),
            member=200,  # already a member: the page says so
            member_of_other=Redirect(_detail),
            lead_of_other=Redirect(_detail),
            lead=200,
            staff=Redirect(_detail),
        ),
        kwargs=_slug,
        data=lambda world: {"motivation": "Je veux partager mes pratiques."},
        state=_a_requests,
        a_page=True,
    ),
    Entry("communities:join", "GET", everyone(405), kwargs=_slug, state=_a_requests),
    # A community in preparation: everyone sees it; any signed-in member may say they are
    # interested (visitors log in first and come back); only staff open it.
    Entry("communities:detail", "GET", everyone(200), kwargs=_preparing_slug, label="preparation"),
    Entry(
        "communities:join",
        "POST",
        signed_in(200, anonymous=Login(next=_preparing_detail)),  # refused: in preparation
        kwargs=_preparing_slug,
        data=lambda world: {"motivation": "Je veux participer."},
        state=_a_requests,
        label="preparation",
    ),
    Entry(
        "communities:interest",
        "POST",
        signed_in(Redirect(_preparing_detail), anonymous=Login(next=_preparing_detail)),
        kwargs=_preparing_slug,
        state=_interests,
        label="preparation",
    ),
    Entry(
        # An open community takes no interest: back to its page with a message.
        "communities:interest",
        "POST",
        signed_in(Redirect(_detail), anonymous=Login(next=_detail)),
        kwargs=_slug,
        a_page=True,
    ),
    Entry("communities:interest", "GET", everyone(405), kwargs=_preparing_slug),
    Entry(
        "communities:open",
        "POST",
        answers(
            anonymous=LOGIN,
            member=403,
            member_of_other=403,
            lead_of_other=403,
            lead=403,
            staff=Redirect(_preparing_detail),
        ),
        kwargs=_preparing_slug,
        state=_preparing_status,
        label="preparation",
    ),
    Entry(
        # Already open: staff are told so, nothing changes.
        "communities:open",
        "POST",
        answers(
            anonymous=LOGIN,
            member=403,
            member_of_other=403,
            lead_of_other=403,
            lead=403,
            staff=Redirect(_detail),
        ),
        kwargs=_slug,
    ),
    Entry("communities:open", "GET", everyone(405), kwargs=_preparing_slug),
    Entry(
        "communities:leave",
        "GET",
        answers(
            anonymous=LOGIN,
            member=200,
            # Not a member: back to the community page with a message.
            member_of_other=Redirect(_detail),
            lead_of_other=Redirect(_detail),
            lead=200,
            staff=Redirect(_detail),
        ),
        kwargs=_slug,
        a_page=True,
    ),
    Entry(
        "communities:leave",
        "POST",
        answers(
            anonymous=LOGIN,
            member=Redirect(_detail),
            member_of_other=Redirect(_detail),
            lead_of_other=Redirect(_detail),
            lead=Redirect(_detail),
            staff=Redirect(_detail),
        ),
        kwargs=_slug,
        a_page=True,
    ),
    Entry(
        "communities:member_remove",
        "GET",
        answers(
            anonymous=LOGIN, member=403, member_of_other=404, lead_of_other=404, lead=200, staff=200
        ),
        kwargs=lambda world: {"slug": world.a.slug, "membership_id": world.a_extra_membership.pk},
        a_page=True,
    ),
    Entry(
        "communities:member_remove",
        "POST",
        answers(
            anonymous=LOGIN,
            member=403,
            member_of_other=404,
            lead_of_other=404,
            lead=Redirect(_detail),
            staff=Redirect(_detail),
        ),
        kwargs=lambda world: {"slug": world.a.slug, "membership_id": world.a_extra_membership.pk},
        data=_remove_data,
        state=_a_memberships,
        a_page=True,
    ),
    Entry(
        # B's membership asked for through A's address: not A's, so it does not exist there.
        "communities:member_remove",
        "POST",
        answers(
            anonymous=LOGIN, member=403, member_of_other=404, lead_of_other=404, lead=404, staff=404
        ),
        kwargs=lambda world: {
            "slug": world.a.slug,
            "membership_id": Membership.objects.get(member=world.people["member_of_other"]).pk,
        },
        data=_remove_data,
        state=lambda world, user: sorted(Membership.objects.values_list("pk", flat=True)),
        label="other_communitys_membership",
    ),
    Entry(
        "communities:request_detail",
        "GET",
        answers(
            anonymous=LOGIN, member=404, member_of_other=404, lead_of_other=404, lead=200, staff=200
        ),
        kwargs=lambda world: {"pk": world.a_request.pk},
        a_page=True,
    ),
    *[
        Entry(
            "communities:request_detail",
            "POST",
            answers(
                anonymous=LOGIN,
                member=404,
                member_of_other=404,
                lead_of_other=404,
                lead=Redirect(lambda world: "/communautes/demandes/"),
                staff=Redirect(lambda world: "/communautes/demandes/"),
            ),
            kwargs=lambda world: {"pk": world.a_request.pk},
            data=_decision(choice),
            state=_request_state,
            label=choice,
            a_page=True,
        )
        for choice in ("approve", "decline")
    ],
    Entry(
        "communities:request_withdraw",
        "POST",
        # Only the requester (none of these visitors) may withdraw; the leads know the request.
        answers(
            anonymous=LOGIN, member=404, member_of_other=404, lead_of_other=404, lead=403, staff=403
        ),
        kwargs=lambda world: {"pk": world.a_request.pk},
        state=_request_state,
    ),
    Entry(
        "communities:request_withdraw",
        "GET",
        everyone(405),
        kwargs=lambda world: {"pk": world.a_request.pk},
        state=_request_state,
    ),
    # Meetings
    Entry("meetings:mine", "GET", signed_in(200)),
    Entry(
        "meetings:feed_regenerate",
        "POST",
        signed_in(Redirect(lambda world: "/rencontres/mes-rencontres/")),
        state=_feed_token,
    ),
    Entry("meetings:feed_regenerate", "GET", everyone(405), state=_feed_token),
    Entry(
        # The address is the secret: whoever has it reads the member's feed, signed in or not.
        "meetings:feed",
        "GET",
        everyone(200),
        kwargs=lambda world: {"token": world.member_token},
        bearer="member",
    ),
    Entry("meetings:schedule", "GET", _MANAGERS_200, kwargs=_slug, a_page=True),
    Entry(
        "meetings:schedule",
        "POST",
        _managers_redirect(lambda world: r"^/rencontres/\d+/$", regex=True),
        kwargs=_slug,
        data=_meeting_form("Alpha programmée"),
        state=_a_meetings,
        a_page=True,
    ),
    Entry("meetings:detail", "GET", everyone(200), kwargs=_hybrid, a_page=True),
    # Past meetings: their follow-up's minutes and documents are the members' unless shared.
    Entry("meetings:detail", "GET", everyone(200), kwargs=_past, label="past", a_page=True),
    Entry(
        "meetings:detail",
        "GET",
        everyone(200),
        kwargs=lambda world: {"pk": world.a_talk.pk},
        label="talk",
        a_page=True,
    ),
    Entry(
        "meetings:rsvp",
        "POST",
        answers(
            anonymous=Login(next=_meeting_page(lambda world: world.a_hybrid)),
            member=Redirect(_meeting_page(lambda world: world.a_hybrid)),
            member_of_other=403,
            lead_of_other=403,
            lead=Redirect(_meeting_page(lambda world: world.a_hybrid)),
            staff=403,
        ),
        kwargs=_hybrid,
        data=lambda world: {"response": "online"},
        state=_rsvps,
        a_page=True,
    ),
    Entry("meetings:rsvp", "GET", everyone(405), kwargs=_hybrid, state=_rsvps),
    # The waiting list for a seat: the community's members (leads included); staff are not.
    Entry(
        "meetings:seat_request",
        "POST",
        answers(
            anonymous=Login(next=_meeting_page(lambda world: world.a_in_person)),
            member=Redirect(_meeting_page(lambda world: world.a_in_person)),
            member_of_other=403,
            lead_of_other=403,
            lead=Redirect(_meeting_page(lambda world: world.a_in_person)),
            staff=403,
        ),
        kwargs=lambda world: {"pk": world.a_in_person.pk},
        state=_seat_requests(lambda world: world.a_in_person),
        a_page=True,
    ),
    Entry(
        "meetings:seat_request",
        "GET",
        everyone(405),
        kwargs=lambda world: {"pk": world.a_in_person.pk},
        state=_seat_requests(lambda world: world.a_in_person),
    ),
    Entry(
        "meetings:seat_request_withdraw",
        "POST",
        answers(
            anonymous=Login(next=_meeting_page(lambda world: world.a_full)),
            member=Redirect(_meeting_page(lambda world: world.a_full)),
            member_of_other=403,
            lead_of_other=403,
            lead=Redirect(_meeting_page(lambda world: world.a_full)),
            staff=403,
        ),
        kwargs=lambda world: {"pk": world.a_full.pk},
        state=_seat_requests(lambda world: world.a_full),
        a_page=True,
    ),
    Entry(
        "meetings:seat_request_withdraw",
        "GET",
        everyone(405),
        kwargs=lambda world: {"pk": world.a_full.pk},
        state=_seat_requests(lambda world: world.a_full),
    ),
    Entry("meetings:edit", "GET", _MANAGERS_200, kwargs=_hybrid, a_page=True),
    Entry(
        "meetings:edit",
        "POST",
        _managers_redirect(_meeting_page(lambda world: world.a_hybrid)),
        kwargs=_hybrid,
        data=_meeting_form("Alpha hybride déplacée"),
        state=_meeting_state,
        a_page=True,
    ),
    Entry("meetings:cancel", "GET", _MANAGERS_200, kwargs=_hybrid, a_page=True),
    Entry(
        "meetings:cancel",
        "POST",
        _managers_redirect(_meeting_page(lambda world: world.a_hybrid)),
        kwargs=_hybrid,
        state=_meeting_state,
        a_page=True,
    ),
    Entry("meetings:roster", "GET", _MANAGERS_200, kwargs=_hybrid, a_page=True),
    Entry("meetings:roster_csv", "GET", _MANAGERS_200, kwargs=_hybrid, a_page=True),
    Entry(
        "meetings:remind_unanswered",
        "POST",
        _managers_redirect(lambda world: f"/rencontres/{world.a_hybrid.pk}/participants/"),
        kwargs=_hybrid,
        a_page=True,
    ),
    Entry("meetings:remind_unanswered", "GET", everyone(405), kwargs=_hybrid),
    Entry("meetings:attendance", "GET", _MANAGERS_200, kwargs=_past, a_page=True),
    Entry(
        "meetings:attendance",
        "POST",
        _managers_redirect(lambda world: f"/rencontres/{world.a_past.pk}/participants/"),
        kwargs=_past,
        data=_attendance_data,
        state=_attendance,
        a_page=True,
    ),
    Entry("meetings:followup", "GET", _MANAGERS_200, kwargs=_past, a_page=True),
    Entry(
        "meetings:followup",
        "POST",
        _managers_redirect(_meeting_page(lambda world: world.a_past)),
        kwargs=_past,
        data=_followup_data,
        state=_followup_state,
        a_page=True,
    ),
    Entry(
        "meetings:document_download",
        "GET",
        answers(
            anonymous=LOGIN, member=200, member_of_other=404, lead_of_other=404, lead=200, staff=200
        ),
        kwargs=lambda world: {"pk": world.a_past.pk, "document_pk": world.a_document.pk},
        a_page=True,
    ),
    Entry(
        # B's document asked for through A's meeting: it is not A's, so it does not exist there.
        "meetings:document_download",
        "GET",
        signed_in(404),
        kwargs=lambda world: {"pk": world.a_past.pk, "document_pk": world.b_document.pk},
        label="other_communitys_document",
    ),
    Entry(
        # Shared with everyone by a lead: anyone downloads it.
        "meetings:document_download",
        "GET",
        everyone(200),
        kwargs=lambda world: {"pk": world.a_talk.pk, "document_pk": world.a_talk_document.pk},
        label="shared",
        a_page=True,
    ),
    Entry(
        "meetings:document_remove",
        "GET",
        _MANAGERS_200,
        kwargs=_past_document,
        a_page=True,
    ),
    Entry(
        "meetings:document_remove",
        "POST",
        _managers_redirect(lambda world: f"/rencontres/{world.a_past.pk}/suivi/"),
        kwargs=_past_document,
        state=_documents,
        a_page=True,
    ),
    Entry(
        # B's document asked for through A's meeting: not A's, so it does not exist there.
        "meetings:document_remove",
        "POST",
        answers(
            anonymous=LOGIN, member=403, member_of_other=403, lead_of_other=403, lead=404, staff=404
        ),
        kwargs=lambda world: {"pk": world.a_past.pk, "document_pk": world.b_document.pk},
        state=_documents,
        label="other_communitys_document",
    ),
    Entry("meetings:ics", "GET", everyone(200), kwargs=_hybrid, a_page=True),
    Entry("meetings:ics", "GET", everyone(200), kwargs=_past, label="past", a_page=True),
    # Search: open to all; each finds what they may see (tests/search/test_visibility.py).
    Entry("search:search", "GET", everyone(200)),
    Entry("search:search", "GET", everyone(200), data=lambda world: {"q": "rencontre"}, label="q"),
    # Community health: A's page (and its CSV) for A's leads and staff; the overview of every
    # community (and its CSV) for staff. Others signed in know the community, not its figures.
    *[
        Entry(name, "GET", _A_HEALTH_200, kwargs=_slug, a_page=True)
        for name in ("health:community", "health:community_csv")
    ],
    *[
        Entry(name, "GET", staff_only(200, others=403) | {"anonymous": LOGIN})
        for name in ("health:overview", "health:overview_csv")
    ],
    *[
        Entry(name, "POST", signed_in(405, anonymous=405), kwargs=kwargs)
        for name, kwargs in (
            ("health:community", _slug),
            ("health:overview", lambda world: {}),
        )
    ],
    # The members' directory: for every signed-in member. Nobody in this world chose to be
    # listed, so no secret (a member's name, their contact details) may show there.
    Entry("directory:list", "GET", signed_in(200)),
    Entry("directory:list", "POST", everyone(405)),
    # Talks: the recordings leads shared with everyone, open to all.
    Entry("talks:list", "GET", everyone(200)),
    Entry("talks:feed_rss", "GET", everyone(200)),
    Entry("talks:feed_atom", "GET", everyone(200)),
    Entry(
        "talks:detail",
        "GET",
        everyone(200),
        kwargs=lambda world: {"pk": world.a_talk.pk},
        a_page=True,
    ),
    Entry(
        # A meeting whose recording is the members' only: no talk page.
        "talks:detail",
        "GET",
        everyone(404),
        kwargs=_past,
        label="not_shared",
    ),
    # The library: each resource seen by those it is shared with; changed by its author
    # (the member) or a lead of A.
    Entry("library:community", "GET", everyone(200), kwargs=_slug, a_page=True),
    Entry("library:create", "GET", _A_LIBRARY_WRITERS_200, kwargs=_slug, a_page=True),
    Entry(
        "library:create",
        "POST",
        answers(
            anonymous=LOGIN,
            member=_TO_A_RESOURCE,
            member_of_other=403,
            lead_of_other=403,
            lead=_TO_A_RESOURCE,
            staff=_TO_A_RESOURCE,
        ),
        kwargs=_slug,
        data=_resource_data,
        state=_resources,
        a_page=True,
    ),
    *[
        Entry(
            name,
            "GET",
            expected,
            kwargs=lambda world, visibility=visibility, name=name: _resource_kwargs(
                world, visibility, name
            ),
            label=visibility,
            a_page=True,
        )
        for name in ("library:detail", "library:download")
        for visibility, expected in (
            ("community", _A_MEMBERS_200),
            ("association", signed_in(200)),
            ("public", everyone(200)),
        )
    ],
    Entry("library:edit", "GET", _A_RESOURCE_CHANGERS_200, kwargs=_private_resource, a_page=True),
    Entry(
        "library:edit",
        "POST",
        answers(
            anonymous=LOGIN,
            member=_TO_PRIVATE_RESOURCE,
            member_of_other=404,
            lead_of_other=404,
            lead=_TO_PRIVATE_RESOURCE,
            staff=_TO_PRIVATE_RESOURCE,
        ),
        kwargs=_private_resource,
        data=_resource_data,
        state=_resources,
        a_page=True,
    ),
    Entry(
        # Shared with the association: others see it but may not change it.
        "library:edit",
        "GET",
        answers(
            anonymous=LOGIN, member=200, member_of_other=403, lead_of_other=403, lead=200, staff=200
        ),
        kwargs=lambda world: {"pk": world.library["association"].pk},
        label="association",
        a_page=True,
    ),
    Entry("library:remove", "GET", _A_RESOURCE_CHANGERS_200, kwargs=_private_resource, a_page=True),
    Entry(
        "library:remove",
        "POST",
        answers(
            anonymous=LOGIN,
            member=_TO_A_LIBRARY,
            member_of_other=404,
            lead_of_other=404,
            lead=_TO_A_LIBRARY,
            staff=_TO_A_LIBRARY,
        ),
        kwargs=lambda world: {"pk": world.library["removable"].pk},
        state=_resources,
    ),
    Entry("library:useful", "GET", signed_in(405), kwargs=_private_resource),
    Entry(
        "library:useful",
        "POST",
        answers(
            anonymous=LOGIN,
            member=_TO_PRIVATE_RESOURCE,
            member_of_other=404,
            lead_of_other=404,
            lead=_TO_PRIVATE_RESOURCE,
            # "Useful" counts members' marks: staff hold no seat.
            staff=403,
        ),
        kwargs=_private_resource,
        state=_marks,
    ),
    Entry(
        "library:useful",
        "POST",
        {
            **signed_in(Redirect(lambda world: f"/bibliotheque/{world.library['public'].pk}/")),
            "staff": 403,
        },
        kwargs=lambda world: {"pk": world.library["public"].pk},
        state=_marks,
        label="public",
    ),
    # Questions to peers: A's members and staff only. The member asked A's question (and may
    # edit it and say which answer solved it); the lead and staff moderate the answers.
    Entry("questions:list", "GET", _A_MEMBERS_200, kwargs=_slug, a_page=True),
    Entry("questions:ask", "GET", _A_MEMBERS_200, kwargs=_slug, a_page=True),
    Entry(
        "questions:ask",
        "POST",
        answers(
            anonymous=LOGIN,
            member=Redirect(
                lambda world: rf"/communautes/{world.a.slug}/questions/\d+/", regex=True
            ),
            member_of_other=404,
            lead_of_other=404,
            lead=Redirect(lambda world: rf"/communautes/{world.a.slug}/questions/\d+/", regex=True),
            staff=Redirect(
                lambda world: rf"/communautes/{world.a.slug}/questions/\d+/", regex=True
            ),
        ),
        kwargs=_slug,
        data=lambda world: {"title": "Question alpha nouvelle", "details": "Détails nouveaux"},
        state=_question_state,
        a_page=True,
    ),
    Entry("questions:detail", "GET", _A_MEMBERS_200, kwargs=_a_question, a_page=True),
    Entry("questions:attachment", "GET", _A_MEMBERS_200, kwargs=_a_question, a_page=True),
    Entry("questions:edit", "GET", _A_QUESTION_AUTHOR_200, kwargs=_a_question, a_page=True),
    Entry(
        "questions:edit",
        "POST",
        answers(
            anonymous=LOGIN,
            member=_TO_A_QUESTION,
            member_of_other=404,
            lead_of_other=404,
            lead=403,
            staff=403,
        ),
        kwargs=_a_question,
        data=lambda world: {"title": "Question alpha reformulée", "details": "Autres détails"},
        state=_question_state,
        a_page=True,
    ),
    Entry("questions:answer", "GET", signed_in(405), kwargs=_a_question),
    Entry(
        "questions:answer",
        "POST",
        answers(
            anonymous=LOGIN,
            member=_TO_AN_ANSWER,
            member_of_other=404,
            lead_of_other=404,
            lead=_TO_AN_ANSWER,
            staff=_TO_AN_ANSWER,
        ),
        kwargs=_a_question,
        data=lambda world: {"body": "Réponse alpha nouvelle"},
        state=_answer_state,
        a_page=True,
    ),
    Entry("questions:solve", "GET", signed_in(405), kwargs=_a_answer("a_answer")),
    Entry(
        "questions:solve",
        "POST",
        answers(
            anonymous=LOGIN,
            member=_TO_A_QUESTION,
            member_of_other=404,
            lead_of_other=404,
            lead=403,
            staff=403,
        ),
        kwargs=_a_answer("a_answer"),
        state=_answer_state,
    ),
    Entry("questions:unsolve", "GET", signed_in(405), kwargs=_a_question),
    Entry(
        "questions:unsolve",
        "POST",
        answers(
            anonymous=LOGIN,
            member=_TO_A_QUESTION,
            member_of_other=404,
            lead_of_other=404,
            lead=403,
            staff=403,
        ),
        kwargs=_a_question,
        state=_question_state,
    ),
    Entry(
        "questions:answer_edit",
        "GET",
        _A_QUESTION_AUTHOR_200,  # the member wrote this answer too
        kwargs=_a_answer("a_answer"),
        a_page=True,
    ),
    Entry(
        "questions:answer_edit",
        "POST",
        answers(
            anonymous=LOGIN,
            member=_TO_AN_ANSWER,
            member_of_other=404,
            lead_of_other=404,
            lead=403,
            staff=403,
        ),
        kwargs=_a_answer("a_answer"),
        data=lambda world: {"body": "Réponse alpha corrigée"},
        state=_answer_state,
        a_page=True,
    ),
    Entry(
        "questions:answer_remove",
        "GET",
        _A_MODERATORS_200,
        kwargs=_a_answer("a_answer"),
        a_page=True,
    ),
    Entry(
        "questions:answer_remove",
        "POST",
        answers(
            anonymous=LOGIN,
            member=403,
            member_of_other=404,
            lead_of_other=404,
            lead=_TO_AN_ANSWER,
            staff=_TO_AN_ANSWER,
        ),
        kwargs=_a_answer("a_solution"),
        state=_answer_state,
    ),
    Entry(
        # B's question under A's address: found under its own community only.
        "questions:detail",
        "GET",
        answers(
            anonymous=LOGIN, member=404, member_of_other=404, lead_of_other=404, lead=404, staff=404
        ),
        kwargs=lambda world: {"slug": world.a.slug, "pk": world.questions["b"].pk},
        label="other_community",
    ),
    # Date polls: A's members, its leads and staff see them; leads and staff propose, close
    # and schedule; members answer (staff, not members, do not).
    Entry("scheduling:list", "GET", _A_MEMBERS_200, kwargs=_slug, a_page=True),
    Entry("scheduling:create", "GET", _A_MODERATORS_200, kwargs=_slug, a_page=True),
    Entry(
        "scheduling:create",
        "POST",
        answers(
            anonymous=LOGIN,
            member=403,
            member_of_other=404,
            lead_of_other=404,
            lead=Redirect(lambda world: rf"/communautes/{world.a.slug}/sondages/\d+/", regex=True),
            staff=Redirect(lambda world: rf"/communautes/{world.a.slug}/sondages/\d+/", regex=True),
        ),
        kwargs=_slug,
        data=_poll_proposal,
        state=_poll_state,
        a_page=True,
    ),
    Entry("scheduling:detail", "GET", _A_MEMBERS_200, kwargs=_a_poll, a_page=True),
    Entry("scheduling:answer", "GET", signed_in(405), kwargs=_a_poll),
    Entry(
        "scheduling:answer",
        "POST",
        answers(
            anonymous=LOGIN,
            member=_TO_A_POLL,
            member_of_other=404,
            lead_of_other=404,
            lead=_TO_A_POLL,
            staff=403,
        ),
        kwargs=_a_poll,
        data=lambda world: {f"option_{o.pk}": "no" for o in world.polls["a"].options.all()},
        state=_poll_answer_state,
    ),
    Entry("scheduling:close", "GET", signed_in(405), kwargs=_a_poll),
    Entry(
        "scheduling:close",
        "POST",
        answers(
            anonymous=LOGIN,
            member=403,
            member_of_other=404,
            lead_of_other=404,
            lead=_TO_A_POLL,
            staff=_TO_A_POLL,
        ),
        kwargs=_a_poll,
        state=_poll_state,
    ),
    Entry("scheduling:edit", "GET", _A_MODERATORS_200, kwargs=_a_poll, a_page=True),
    # An empty form: leads and staff get it back with its errors, nothing saved.
    Entry("scheduling:edit", "POST", _A_MODERATORS_200, kwargs=_a_poll, state=_poll_state),
    Entry("scheduling:schedule", "GET", _A_MODERATORS_200, kwargs=_a_poll_option, a_page=True),
    Entry(
        "scheduling:schedule",
        "POST",
        answers(
            anonymous=LOGIN,
            member=403,
            member_of_other=404,
            lead_of_other=404,
            lead=Redirect(lambda world: r"/rencontres/\d+/", regex=True),
            staff=Redirect(lambda world: r"/rencontres/\d+/", regex=True),
        ),
        kwargs=_a_poll_option,
        data=_poll_meeting,
        state=_poll_meeting_state,
    ),
    Entry(
        # B's poll under A's address: found under its own community only.
        "scheduling:detail",
        "GET",
        answers(
            anonymous=LOGIN, member=404, member_of_other=404, lead_of_other=404, lead=404, staff=404
        ),
        kwargs=lambda world: {"slug": world.a.slug, "pk": world.polls["b"].pk},
        label="other_community",
    ),
    Entry(
        # Uploaded files are served only through the download above: the storage's own
        # address is no route at all outside development.
        "media",
        "GET",
        everyone(404),
        path=lambda world: f"/media/{world.a_document.file.name}",
    ),
]


# The admin: staff only. Per registered model, what staff may do there.

ADMIN_MODELS: dict[str, dict] = {
    "auth_group": {"object": lambda world: world.group.pk},
    "account_emailaddress": {
        "object": lambda world: EmailAddress.objects.get(email=world.people["member"].email).pk
    },
    # Accounts are closed (anonymised) by an action, never deleted: the history stays whole.
    "members_user": {"object": lambda world: world.people["member"].pk, "delete": 403},
    "communities_community": {"object": lambda world: world.a.pk},
    # Requests are decided through the services (actions), never added or deleted by hand.
    "communities_joinrequest": {
        "object": lambda world: world.a_request.pk,
        "add": 403,
        "delete": 403,
    },
    # The history is append-only.
    "communities_decision": {"object": lambda world: world.decision.pk, "add": 403, "delete": 403},
    # Meetings are scheduled and cancelled from the portal (which e-mails the members).
    "meetings_meeting": {"object": lambda world: world.a_hybrid.pk, "add": 403, "delete": 403},
    "meetings_meetingreminder": {
        "object": lambda world: world.reminder.pk,
        "add": 403,
        "delete": 403,
    },
    # The outbox is written by the services only; staff read it and resend failed messages.
    "notifications_outboxmessage": {
        "object": lambda world: world.outbox_message.pk,
        "add": 403,
        "delete": 403,
    },
    "meetings_followup": {"object": lambda world: world.a_past.followup.pk, "add": 403},
    # The vocabulary of areas of expertise, curated by staff.
    "members_expertisearea": {
        "object": lambda world: ExpertiseArea.objects.get(slug="eau-potable").pk
    },
    "library_resource": {"object": lambda world: world.library["community"].pk},
    "library_tag": {"object": lambda world: Tag.objects.get_or_create(name="alpha")[0].pk},
    "questions_question": {"object": lambda world: world.questions["a"].pk},
    # Polls are proposed and answered from the portal (its checks, its e-mails).
    "scheduling_datepoll": {"object": lambda world: world.polls["a"].pk, "add": 403},
    "scheduling_pollanswer": {
        "object": lambda world: PollAnswer.objects.filter(option__poll=world.polls["a"]).first().pk,
        "add": 403,
    },
    # The sweep's claims: read only (deleting one would remind the member again).
    "scheduling_pollreminder": {
        "object": lambda world: (
            PollReminder.objects.get_or_create(
                poll=world.polls["a"], member=world.people["member"]
            )[0].pk
        ),
        "add": 403,
        "delete": 403,
    },
    "questions_answer": {"object": lambda world: world.questions["a_answer"].pk},
    # Issued by the members' downloads; read only (its code is printed on a PDF somewhere).
    "attestations_attestation": {
        "object": lambda world: _attestation(world).pk,
        "add": 403,
        "delete": 403,
    },
    # The sweep's claims: read only (deleting one would send that week's digest again).
    "digest_digestsent": {
        "object": lambda world: (
            DigestSent.objects.get_or_create(
                member=world.people["member"],
                week=date(2026, 11, 30),
                defaults={"since": timezone.now()},
            )[0].pk
        ),
        "add": 403,
        "delete": 403,
    },
    "library_usefulmark": {
        "object": lambda world: (
            UsefulMark.objects.get_or_create(
                resource=world.library["public"], member=world.people["member"]
            )[0].pk
        )
    },
}


def _admin_entries() -> list[Entry]:
    entries = [
        Entry("admin:index", "GET", staff_only(200)),
        Entry(
            "admin:login",
            "GET",
            {
                **dict.fromkeys(VISITORS[:-1], 200),
                "staff": Redirect(lambda world: "/admin/"),
            },
        ),
        # The admin sends whoever is not staff to its index (hence its login page); staff log
        # out with a POST only, and land on the portal's home page.
        Entry("admin:logout", "GET", staff_only(405, others=Redirect(lambda world: "/admin/"))),
        Entry(
            "admin:logout",
            "POST",
            staff_only(Redirect(lambda world: "/"), others=Redirect(lambda world: "/admin/")),
        ),
        Entry("admin:password_change", "GET", staff_only(200)),
        Entry("admin:password_change_done", "GET", staff_only(200)),
        # Without the field it completes, the autocomplete refuses.
        Entry("admin:autocomplete", "GET", staff_only(403)),
        Entry("admin:jsi18n", "GET", staff_only(200)),
        Entry(
            # No model of the portal has get_absolute_url: nothing to show on the site.
            "admin:view_on_site",
            "GET",
            staff_only(404),
            kwargs=lambda world: {
                "content_type_id": ContentType.objects.get_for_model(Community).pk,
                "object_id": world.a.pk,
            },
        ),
        *[
            Entry(
                "admin:app_list",
                "GET",
                staff_only(200),
                kwargs=lambda world, label=label: {"app_label": label},
                label=label,
            )
            for label in (
                "auth",
                "account",
                "members",
                "communities",
                "meetings",
                "attestations",
                "library",
                "questions",
                "scheduling",
                "notifications",
            )
        ],
        Entry(
            "admin:auth_user_password_change",
            "GET",
            staff_only(200),
            kwargs=lambda world: {"id": world.people["member"].pk},
        ),
        Entry(
            "admin:communities_community_members_csv",
            "GET",
            staff_only(200),
            kwargs=lambda world: {"community_id": world.a.pk},
        ),
    ]
    for model, rules in ADMIN_MODELS.items():

        def object_id(world, rules=rules) -> dict:
            return {"object_id": rules["object"](world)}

        entries += [
            Entry(f"admin:{model}_changelist", "GET", staff_only(200)),
            Entry(f"admin:{model}_add", "GET", staff_only(rules.get("add", 200))),
            Entry(f"admin:{model}_change", "GET", staff_only(200), kwargs=object_id),
            Entry(f"admin:{model}_history", "GET", staff_only(200), kwargs=object_id),
            Entry(
                f"admin:{model}_delete",
                "GET",
                staff_only(rules.get("delete", 200)),
                kwargs=object_id,
            ),
        ]
    return entries


ADMIN = _admin_entries()
MATRIX: list[Entry] = [*PORTAL, *ADMIN]
