"""Every URL of the portal, for every kind of visitor, gives the answer tests/authz_matrix.py
states; no page, feed, export or e-mail shows a community's people, requests or meeting
details to someone who may not see them.

One world (tests/authz_matrix.py: two communities A and B, their people, requests, meetings
of each format, a follow-up with a document, calendar feeds) is built once for the module; each
test runs in its own savepoint inside it, so what a test changes is undone after it."""

import html
import io
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from icalendar import Calendar
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from communities import services as community_services
from communities import tasks as community_tasks
from communities.models import JoinRequest
from meetings import services as meeting_services
from tests.authz_matrix import (
    MATRIX,
    VISITORS,
    AdminLogin,
    Entry,
    Login,
    Redirect,
    World,
    build_world,
    community_b_strings,
    person_named_by,
    secrets_hidden_from,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once; rolled back when the module's tests are done."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


class Cell:
    def __init__(self, entry: Entry, visitor: str) -> None:
        self.entry = entry
        self.visitor = visitor
        self.expected = entry.expected[visitor]
        self.id = f"{entry.id}-{visitor}"


CELLS = [Cell(entry, visitor) for entry in MATRIX for visitor in VISITORS]


def _url(entry: Entry, world: World) -> str:
    if entry.path is not None:
        return entry.path(world)
    return reverse(entry.name, kwargs=entry.kwargs(world))


def _ask(client, cell: Cell, world: World):
    user = world.people[cell.visitor]
    if user is not None:
        client.force_login(user)
    url = _url(cell.entry, world)
    send = getattr(client, cell.entry.method.lower())
    return url, send(url, cell.entry.data(world))


def _assert_answer(response, expected, url: str, world: World) -> None:
    location = response.get("Location", "")
    where = f"{response.status_code} {location}".strip()
    if isinstance(expected, Login | AdminLogin):
        login = reverse("account_login") if isinstance(expected, Login) else reverse("admin:login")
        wanted_next = expected.next(world) if isinstance(expected, Login) and expected.next else url
        assert response.status_code == 302, where
        parts = urlsplit(location)
        assert parts.path == login, where
        assert parse_qs(parts.query)["next"] == [wanted_next], where
    elif isinstance(expected, Redirect):
        assert response.status_code == 302, where
        target = expected.to(world)
        if expected.regex:
            assert re.fullmatch(target, location), where
        else:
            assert location == target, where
    else:
        assert response.status_code == expected, where


@pytest.mark.parametrize("cell", CELLS, ids=lambda cell: cell.id)
def test_answer(cell, world, client):
    user = world.people[cell.visitor]
    state = cell.entry.state
    before = state(world, user) if state else None

    url, response = _ask(client, cell, world)

    _assert_answer(response, cell.expected, url, world)
    if state is None:
        return
    after = state(world, user)
    if isinstance(cell.expected, Redirect):
        assert after != before, "the action reported success but changed nothing"
    else:
        assert after == before, "a refused or invalid request changed the database"


# The matrix covers the portal, and only the portal as it is


def _named_urls(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            names |= _named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_named_url_of_the_portal_is_in_the_matrix():
    covered = {entry.name for entry in MATRIX}

    missing = _named_urls(get_resolver().url_patterns) - covered

    assert not missing, f"add these pages to tests/authz_matrix.py: {sorted(missing)}"


def test_every_entry_of_the_matrix_resolves(world):
    not_found = []
    for entry in MATRIX:
        if entry.path is not None:
            continue
        try:
            reverse(entry.name, kwargs=entry.kwargs(world))
        except NoReverseMatch:
            not_found.append(entry.id)

    assert not not_found, f"these matrix entries no longer resolve: {not_found}"


def test_every_cell_has_a_readable_unique_id():
    ids = [cell.id for cell in CELLS]

    assert len(ids) == len(set(ids))
    assert "communities:inbox-GET-member_of_other" in ids


# Nothing leaks: pages, feeds, .ics and CSV


def _text(response) -> str:
    """The response as the visitor reads it: HTML and JSON unescaped, .ics lines unfolded."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    text = body.decode("utf-8", errors="replace")
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/json"):
        return json.dumps(json.loads(text), ensure_ascii=False)
    if content_type.startswith("application/pdf"):
        # A PDF the portal draws (an attestation) is read as its reader sees it; the uploaded
        # "PDFs" of the world are a few bytes of text, read as they are.
        try:
            reader = PdfReader(io.BytesIO(body))
            return "\n".join(page.extract_text() for page in reader.pages)
        except PyPdfError:
            return text
    if content_type.startswith("text/calendar"):
        text = text.replace("\r\n ", "").replace("\r\n\t", "")
        for escaped, plain in (("\\,", ","), ("\\;", ";"), ("\\n", "\n"), ("\\N", "\n")):
            text = text.replace(escaped, plain)
        return text.replace("\\\\", "\\")
    return html.unescape(text)


# The admin shows staff everything, by design.
SEEN_CELLS = [
    cell
    for cell in CELLS
    if cell.expected == 200
    and not (cell.entry.name.startswith("admin:") and cell.visitor == "staff")
]


@pytest.mark.parametrize("cell", SEEN_CELLS, ids=lambda cell: cell.id)
def test_nothing_leaks(cell, world, client):
    """What the visitor may not see of A or B is nowhere in the page; a page of A shows
    nothing of B to anyone (staff included)."""
    _url, response = _ask(client, cell, world)
    assert response.status_code == 200
    text = _text(response)

    hidden = secrets_hidden_from(world, cell.visitor, bearer=cell.entry.bearer)
    leaked = [secret for secret in hidden if secret in text]
    if cell.entry.a_page:
        leaked += [
            text_of_b for text_of_b in community_b_strings(world, cell.visitor) if text_of_b in text
        ]

    assert not leaked


def test_the_secrets_are_where_they_belong(world, client):
    """The leak checks look for strings that really are on the pages of those who may see
    them: a check for a string never shown would prove nothing."""
    client.force_login(world.people["lead"])
    page = _text(client.get(reverse("meetings:detail", args=[world.a_hybrid.pk])))
    roster = _text(client.get(reverse("meetings:roster_csv", args=[world.a_hybrid.pk])))
    community = _text(client.get(reverse("communities:detail", args=[world.a.slug])))
    ics = _text(client.get(reverse("meetings:ics", args=[world.a_hybrid.pk])))

    for secret in (world.a_hybrid.venue_name, world.a_hybrid.address, world.a_hybrid.meeting_url):
        assert secret in page and secret in ics
    assert world.people["member"].email in roster and "Sans arachides Alphadiet" in roster
    assert "Agathe Alphaextra" in community and "Rémi Alpharequester" in community
    client.force_login(world.people["member"])
    fellow_view = _text(client.get(reverse("communities:detail", args=[world.a.slug])))
    assert world.a_extra_member.email in fellow_view  # she shows her contact to fellow members
    assert world.people["lead"].email not in fellow_view  # the lead does not


def _feed_events(response) -> list:
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


@pytest.mark.parametrize(
    ("owner", "own", "other"), [("member", "a", "b"), ("member_of_other", "b", "a")]
)
def test_a_members_calendar_feed_holds_only_their_communitys_meetings(
    world, client, owner, own, other
):
    token = world.member_token if owner == "member" else world.member_of_other_token
    own_meetings = getattr(world, own).meetings.all()
    other_meetings = getattr(world, other).meetings.all()

    response = client.get(reverse("meetings:feed", args=[token]))

    summaries = {str(event["SUMMARY"]) for event in _feed_events(response)}
    assert summaries == {meeting.title for meeting in own_meetings}
    text = _text(response)
    leaked = [secret for kind in world.secrets[other].values() for secret in kind if secret in text]
    assert not leaked
    assert not summaries & {meeting.title for meeting in other_meetings}


@pytest.mark.parametrize("visitor", VISITORS[1:])
def test_the_data_export_holds_the_visitors_own_data_only(world, client, visitor):
    user = world.people[visitor]
    client.force_login(user)

    response = client.get(reverse("members:data_export"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    text = _text(response)
    assert user.email in text and user.last_name in text
    everyone_else = [
        person for name, person in world.people.items() if person is not None and name != visitor
    ] + [world.a_extra_member, world.a_requester, world.b_requester]
    strings = [text for person in everyone_else for text in (person.email, person.last_name)]
    assert not [other for other in strings if other in text]


# E-mails about A's events go to A's people only and carry nothing of B


def _fresh(instance):
    """A copy read from the database: services may change or delete what they are given, and
    the world's instances must stay as built for the other tests."""
    return type(instance).objects.get(pk=instance.pk)


def _mail_text(message) -> str:
    parts = [message.subject, message.body]
    parts += [content for content, _mimetype in getattr(message, "alternatives", [])]
    for attachment in message.attachments:
        content = attachment[1] if isinstance(attachment, tuple) else attachment.get_payload()
        if isinstance(content, bytes):
            content = content.decode("utf-8", errors="replace")
        parts.append(str(content).replace("\r\n ", "").replace("\\,", ","))
    return html.unescape("\n".join(parts))


def _emails(*people) -> set[str]:
    return {person.email for person in people}


def _a_members(world: World) -> set[str]:
    return _emails(world.people["lead"], world.people["member"], world.a_extra_member)


def _assert_mails_of_a(world: World, expected_recipients: set[str]) -> None:
    """Each message goes to one of ``expected_recipients``, carries nothing of B and nothing
    of A its recipient may not see (a plain member is not told who asked to join)."""
    assert mail.outbox, "the event sent no e-mail"
    recipients = set()
    for message in mail.outbox:
        assert not message.cc and not message.bcc
        assert len(message.to) == 1
        recipients |= set(message.to)
        recipient = person_named_by(world, message.to[0])
        text = _mail_text(message)
        forbidden = community_b_strings(world, "anonymous") + secrets_hidden_from(world, recipient)
        leaked = [secret for secret in forbidden if secret in text]
        assert not leaked, f"{message.subject} → {recipient}"
    assert recipients == expected_recipients


def test_invitation_goes_to_as_members_only(world, run_tasks):
    starts_at = world.a_hybrid.starts_at + timedelta(days=3)
    with run_tasks():
        meeting_services.meeting_schedule(
            community=_fresh(world.a),
            scheduled_by=world.people["lead"],
            title="Alpha invitation",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            format="hybrid",
            venue_name="Salle Alphainvitation",
            address="15 rue Alphainvitation",
            meeting_url="https://meet.example.org/alpha-invitation",
        )

    _assert_mails_of_a(world, _a_members(world))
    assert all("Salle Alphainvitation" in _mail_text(message) for message in mail.outbox)


def test_update_and_cancellation_go_to_as_members_only(world, run_tasks):
    with run_tasks():
        meeting_services.meeting_update(
            meeting=_fresh(world.a_hybrid),
            updated_by=world.people["lead"],
            venue_name="Salle Alphahybride agrandie",
        )
    _assert_mails_of_a(world, _a_members(world))

    mail.outbox.clear()
    with run_tasks():
        meeting_services.meeting_cancel(
            meeting=_fresh(world.a_hybrid), cancelled_by=world.people["lead"]
        )
    _assert_mails_of_a(world, _a_members(world))


def test_reminders_go_to_as_members_only(world, run_tasks):
    # Two hours after the seven-day reminder fell due, whatever a time change in between.
    seven_days_before = world.a_hybrid.starts_at - timedelta(days=7)

    with time_machine.travel(seven_days_before + timedelta(hours=2), tick=False), run_tasks():
        meeting_services.reminders_enqueue_due()

    _assert_mails_of_a(world, _a_members(world))


def test_request_to_answer_goes_to_as_silent_members_only(world, run_tasks):
    with run_tasks():
        meeting_services.remind_unanswered(meeting=_fresh(world.a_hybrid), by=world.people["lead"])

    # The member answered already.
    _assert_mails_of_a(world, _emails(world.people["lead"], world.a_extra_member))


@pytest.mark.parametrize("decide", ["join_request_approve", "join_request_decline"])
def test_decision_goes_to_the_requester_only(world, run_tasks, decide):
    with run_tasks():
        getattr(community_services, decide)(
            join_request=_fresh(world.a_request),
            decided_by=world.people["lead"],
            message="Bienvenue",
        )

    _assert_mails_of_a(world, _emails(world.a_requester))


def test_new_request_goes_to_as_leads_only(world, run_tasks):
    newcomer = UserFactory(first_name="Nadia", last_name="Alphanouvelle")
    with run_tasks():
        community_services.join_request_create(
            community=_fresh(world.a), member=newcomer, motivation="Je gère les eaux pluviales."
        )

    _assert_mails_of_a(world, _emails(world.people["lead"]))


def test_removal_goes_to_the_removed_member_and_as_leads_only(world, run_tasks):
    with run_tasks():
        community_services.membership_remove(
            membership=_fresh(world.a_extra_membership),
            removed_by=world.people["lead"],
            reason="Absent depuis un an.",
        )

    # The leads are told too: a seat freed for A's pending request. And the removed member's
    # seat at the full meeting is offered to the first on its waiting list, the member.
    _assert_mails_of_a(
        world, _emails(world.a_extra_member, world.people["lead"], world.people["member"])
    )


def test_undecided_requests_nudge_their_own_communitys_leads_and_staff(world, run_tasks):
    JoinRequest.objects.filter(pk=world.b_request.pk).delete()  # A's request only

    with time_machine.travel(world.a_request.created_at + timedelta(days=15)), run_tasks():
        community_tasks.sweep_undecided_join_requests()

    _assert_mails_of_a(world, _emails(world.people["lead"], world.people["staff"]))
