"""Whole pages kept per viewer (aimq_portal.page_cache): a member's community page and meeting
page. Each test reads a page, changes what it shows (by a form, a service, a queryset update,
raw SQL, another connection, or the clock alone) and reads it again: the page must be the one
a fresh rendering gives, and what one viewer sees must never reach another."""

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from aimq_portal import page_cache, release
from communities.models import Community, CommunityStatus
from meetings.models import Meeting, Rsvp, SeatRequest
from scheduling.models import DatePoll
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Made afresh for each response: the CSRF token (masked anew) and a form's one-time token.
_TOKENS = re.compile(r'name="(csrfmiddlewaretoken|submit_token)" value="[^"]+"')


def _french(msgid: str) -> str:
    with translation.override("fr"):
        return translation.gettext(msgid)


def _signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _meeting_url(meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def _community_url(community) -> str:
    return reverse("communities:detail", args=[community.slug])


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return _TOKENS.sub(r'name="\1" value="…"', response.content.decode())


def _fresh(client, url, settings) -> str:
    """The page as rendered now, without the page cache."""
    settings.PAGE_CACHE_ENABLED = False
    try:
        return _page(client, url)
    finally:
        settings.PAGE_CACHE_ENABLED = True


@pytest.fixture
def community(db):
    return CommunityFactory(capacity=40)


@pytest.fixture
def member(community):
    return MembershipFactory(community=community, member__first_name="Annie").member


@pytest.fixture
def lead(community):
    return LeadMembershipFactory(community=community, member__first_name="Léa").member


@pytest.fixture
def meeting(community):
    # Two days ahead: a test that travels to its end stays within the session's life.
    starts_at = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    return MeetingFactory(
        community=community,
        title="Bilan des actifs",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
    )


# --- Kept, and cheap --------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["community", "meeting"])
def test_the_same_member_reading_the_page_again_costs_one_query(
    page, community, member, meeting, django_assert_num_queries
):
    url = _community_url(community) if page == "community" else _meeting_url(meeting)
    client = _signed_in(member)
    first = _page(client, url)

    with django_assert_num_queries(1):  # the member's own row, for the key
        again = _page(client, url)

    assert again == first


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        _page(client, url)
    return len(captured)


def test_the_page_is_rendered_again_when_the_cache_is_off(community, member, settings):
    client = _signed_in(member)
    _page(client, _community_url(community))
    assert _queries(client, _community_url(community)) == 1
    settings.PAGE_CACHE_ENABLED = False

    assert _queries(client, _community_url(community)) > 1


def test_a_new_release_renders_the_pages_and_fragments_again(community, member, monkeypatch):
    """Kept pages, fragments and cards hold the release in their keys (aimq_portal.release)."""
    client = _signed_in(member)
    for url in (_community_url(community), reverse("communities:list")):
        _page(client, url)
    warm = {
        url: _queries(client, url)
        for url in (_community_url(community), reverse("communities:list"))
    }

    monkeypatch.setattr(release, "fingerprint", lambda: "next-release")

    assert _queries(client, _community_url(community)) > warm[_community_url(community)]
    assert _queries(client, reverse("communities:list")) > warm[reverse("communities:list")]


def test_the_release_follows_the_projects_files(tmp_path, settings):
    template = tmp_path / "templates" / "page.html"
    template.parent.mkdir()
    template.write_text("<p>Avant</p>")
    (tmp_path / "var").mkdir()
    settings.BASE_DIR = tmp_path
    first = release.fingerprint.__wrapped__()

    (tmp_path / "var" / "db.sqlite3").write_text("data, not code")
    assert release.fingerprint.__wrapped__() == first
    template.write_text("<p>Après, corrigé</p>")
    assert release.fingerprint.__wrapped__() != first


def test_a_query_string_is_rendered_and_not_kept(community, member):
    client = _signed_in(member)
    _page(client, _community_url(community) + "?utm_source=courriel")

    assert _queries(client, _community_url(community) + "?utm_source=courriel") > 1


# --- Any write, by any path -------------------------------------------------------------------


def _rename_by_save(meeting, title):
    meeting.title = title
    meeting.save()


def _rename_by_update(meeting, title):
    Meeting.objects.filter(pk=meeting.pk).update(title=title)


def _rename_by_raw_sql(meeting, title):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Meeting._meta.db_table} SET title = %s WHERE id = %s", [title, meeting.pk]
        )


@pytest.mark.parametrize("rename", [_rename_by_save, _rename_by_update, _rename_by_raw_sql])
def test_a_change_shows_at_once_whatever_wrote_it(rename, community, member, meeting, settings):
    client = _signed_in(member)
    for url in (_community_url(community), _meeting_url(meeting)):
        assert "Bilan des actifs" in _page(client, url)

    rename(meeting, "Plan d'intervention")

    for url in (_community_url(community), _meeting_url(meeting)):
        page = _page(client, url)
        assert "Plan d&#x27;intervention" in page and "Bilan des actifs" not in page
        assert page == _fresh(client, url, settings)


def test_a_new_row_shows_at_once(community, member, meeting):
    """An INSERT … RETURNING: SQLite tells how many rows it wrote only once they are read."""
    coming = MembershipFactory(
        community=community, member=UserFactory(first_name="Odile", last_name="Ouverte")
    ).member
    client = _signed_in(member)
    assert "Odile Ouverte" not in _page(client, _meeting_url(meeting))

    Rsvp.objects.create(meeting=meeting, member=coming, response="in_person")

    assert "Odile Ouverte" in _page(client, _meeting_url(meeting))


def test_a_leads_edit_through_the_form_shows_on_the_members_page(community, member, lead, meeting):
    member_client, lead_client = _signed_in(member), _signed_in(lead)
    assert "Bilan des actifs" in _page(member_client, _meeting_url(meeting))
    form = lead_client.get(reverse("meetings:edit", args=[meeting.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["title"] = "Bilan annuel des actifs"

    response = lead_client.post(reverse("meetings:edit", args=[meeting.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Bilan annuel des actifs" in _page(member_client, _meeting_url(meeting))


def test_a_members_own_answer_and_its_message_show_after_answering(member, meeting):
    client = _signed_in(member)
    _page(client, _meeting_url(meeting))
    _page(client, _meeting_url(meeting))  # kept

    response = client.post(
        reverse("meetings:rsvp", args=[meeting.pk]), {"response": "online"}, follow=True
    )

    page = response.content.decode()
    assert response.context is not None  # rendered, not served from the cache: a message waits
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert _french("Online") in page
    # The message is shown once; the next reading is kept again without it.
    assert _page(client, _meeting_url(meeting)) == _page(client, _meeting_url(meeting))


def test_no_kept_page_reads_a_table_whose_writes_are_ignored(
    community, member, lead, meeting, settings
):
    """The tables left out of the data version (sessions, the e-mail outbox, the reminders'
    log) must be tables no kept page reads (community, meeting, inbox), whoever reads it."""
    from meetings import services

    services.rsvp_set(meeting=meeting, member=member, response="in_person")
    staff = UserFactory(is_staff=True)
    settings.PAGE_CACHE_ENABLED = False  # every reading renders
    ignored = page_cache.ignored_tables()
    assert {"django_session", "notifications_outboxmessage"} <= ignored
    JoinRequestFactory(community=community)
    pages = (_community_url(community), _meeting_url(meeting))
    for client, urls in (
        (_signed_in(member), pages),
        (_signed_in(lead), (*pages, reverse("communities:inbox"))),
        (_signed_in(staff), (*pages, reverse("communities:inbox"))),
        (Client(), pages),
    ):
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                _page(client, url)
            read = " ".join(query["sql"] for query in captured)
            assert not [table for table in ignored if f'"{table}"' in read], url


def test_a_write_to_the_sessions_alone_keeps_the_pages():
    assert not page_cache._is_write('UPDATE "django_session" SET "session_data" = %s')
    assert not page_cache._is_write('INSERT INTO "django_session" ("session_key") VALUES (%s)')
    assert not page_cache._is_write('UPDATE "notifications_outboxmessage" SET "status" = %s')
    assert not page_cache._is_write('SELECT "x" FROM "meetings_meeting" FOR UPDATE')
    assert not page_cache._is_write("  SAVEPOINT s1")
    assert page_cache._is_write('UPDATE "meetings_meeting" SET "title" = %s')
    assert page_cache._is_write('INSERT INTO "meetings_rsvp" ("x") VALUES (%s)')
    assert page_cache._is_write('DELETE FROM "communities_membership" WHERE id = 1')
    assert page_cache._is_write("WITH due AS (SELECT 1) UPDATE t SET sent = true")


# --- Never to another viewer ------------------------------------------------------------------


def test_what_one_viewer_sees_never_reaches_another(community, member, lead, meeting):
    outsider = MembershipFactory(member__first_name="Omer").member
    staff = UserFactory(is_staff=True)
    clients = {
        "member": _signed_in(member),
        "lead": _signed_in(lead),
        "outsider": _signed_in(outsider),
        "staff": _signed_in(staff),
        "visitor": Client(),
    }
    address = "1 rue Principale"
    for_leads = _french("For the leads")
    pages = {}
    for _ in range(2):  # the second round is served from the cache
        for name, client in clients.items():
            pages[name] = _page(client, _meeting_url(meeting))

    assert address in pages["member"] and for_leads not in pages["member"]
    assert address in pages["lead"] and for_leads in pages["lead"]
    assert address in pages["staff"]
    assert address not in pages["outsider"] and address not in pages["visitor"]
    assert for_leads not in pages["outsider"]


def test_a_member_sees_the_page_in_the_language_they_chose(community, member, meeting):
    client = _signed_in(member)
    french = _page(client, _community_url(community))
    client.cookies["django_language"] = "en"
    english = _page(client, _community_url(community))
    assert "Upcoming meetings" in english and "Upcoming meetings" not in french
    del client.cookies["django_language"]
    assert _page(client, _community_url(community)) == french


def test_the_forms_of_a_kept_page_carry_a_valid_token(member, meeting):
    client = _signed_in(member, enforce_csrf_checks=True)
    client.get(_meeting_url(meeting))
    kept = client.get(_meeting_url(meeting))
    assert kept.context is None  # served from the cache
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept.content.decode())[1]

    response = client.post(
        reverse("meetings:rsvp", args=[meeting.pk]),
        {"response": "declined", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302


# --- The leads' inbox --------------------------------------------------------------------------


def _form_of(page: str, join_request) -> dict:
    """The hidden fields of ``join_request``'s decision form on the inbox page."""
    start = page.index(f'action="{reverse("communities:request_detail", args=[join_request.pk])}')
    form = page[start : page.index("</form>", start)]
    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]+)"', form))


def test_the_inbox_is_kept_and_each_serving_has_its_own_tokens(community, lead):
    first = JoinRequestFactory(community=community, member__first_name="Rachel")
    client = _signed_in(lead, enforce_csrf_checks=True)
    url = reverse("communities:inbox")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        kept = client.get(url)
    assert len(captured) == 1 and kept.context is None  # served from the cache
    again = client.get(url).content.decode()
    tokens = _form_of(kept.content.decode(), first)
    token_name = f"request-{first.pk}-submit_token"
    assert tokens[token_name] != _form_of(again, first)[token_name]

    second = JoinRequestFactory(community=community, member__first_name="Samuel")
    assert second.member.display_name in client.get(url).content.decode()

    response = client.post(
        reverse("communities:request_detail", args=[first.pk]),
        {**tokens, f"request-{first.pk}-decision": "approve", "next": url},
        follow=True,
    )

    assert response.redirect_chain == [(url, 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    page = response.content.decode()
    assert reverse("communities:request_detail", args=[first.pk]) not in page
    assert reverse("communities:request_detail", args=[second.pk]) in page


# --- The clock alone --------------------------------------------------------------------------


def test_answers_close_on_the_kept_page_when_the_meeting_starts(member, meeting, settings):
    client = _signed_in(member)
    with time_machine.travel(meeting.starts_at - timedelta(minutes=5), tick=False):
        before = _page(client, _meeting_url(meeting))
        _page(client, _meeting_url(meeting))
    closed = _french("The meeting has started: answers are closed.")
    assert closed not in before

    with time_machine.travel(meeting.starts_at + timedelta(seconds=1), tick=False):
        after = _page(client, _meeting_url(meeting))
        assert after == _fresh(client, _meeting_url(meeting), settings)
    assert closed in after


def test_the_community_page_follows_its_meetings_and_polls_through_time(
    community, member, lead, meeting, settings
):
    poll = DatePoll.objects.create(
        community=community,
        title="Date de la rencontre d'hiver",
        closes_at=meeting.starts_at - timedelta(days=1),
        created_by=lead,
    )
    client = _signed_in(member)
    url = _community_url(community)
    instants = [
        timezone.now(),
        poll.closes_at - timedelta(seconds=1),
        poll.closes_at + timedelta(seconds=1),
        meeting.ends_at - timedelta(seconds=1),
        meeting.ends_at + timedelta(seconds=1),
    ]
    seen = []
    for instant in instants:
        with time_machine.travel(instant, tick=False):
            kept = [_page(client, url), _page(client, url)]
            assert kept[0] == kept[1] == _fresh(client, url, settings)
            seen.append(kept[0])

    assert "Date de la rencontre d&#x27;hiver" in seen[1]
    assert "Date de la rencontre d&#x27;hiver" not in seen[2]
    assert seen[3] != seen[4]  # the meeting moved to the past


def test_the_community_page_follows_its_phase(member, settings):
    community = Community.objects.get(pk=MembershipFactory(member=member).community_id)
    Community.objects.filter(pk=community.pk).update(
        status=CommunityStatus.OPEN, opened_at=timezone.now()
    )
    head_start_ends = timezone.now() + timedelta(hours=settings.COMMUNITIES_HEAD_START_HOURS)
    client = _signed_in(member)
    url = _community_url(community)
    pages = []
    for instant in (head_start_ends - timedelta(minutes=1), head_start_ends + timedelta(minutes=1)):
        with time_machine.travel(instant, tick=False):
            pages.append(_page(client, url))
            assert _page(client, url) == _fresh(client, url, settings)
    assert pages[0] != pages[1]


def test_a_seat_offer_leaves_the_kept_page_as_it_expires(community, member, meeting, settings):
    Meeting.objects.filter(pk=meeting.pk).update(in_person_seats=1)
    expires = timezone.now() + timedelta(hours=2)
    SeatRequest.objects.create(
        meeting=meeting,
        member=member,
        status="offered",
        offered_at=timezone.now(),
        offer_expires_at=expires,
    )
    client = _signed_in(member)
    url = _meeting_url(meeting)
    with time_machine.travel(expires - timedelta(minutes=1), tick=False):
        offered = _page(client, url)
        _page(client, url)
    with time_machine.travel(expires + timedelta(minutes=1), tick=False):
        expired = _page(client, url)
        assert expired == _fresh(client, url, settings)
    assert offered != expired


# --- Other connections, committed or not (PostgreSQL) -----------------------------------------


def _in_another_connection(work) -> threading.Thread:
    """Runs ``work`` in a thread, so on a connection of its own (as another process would)."""

    def run():
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_another_connection_shows_once_committed():
    meeting = MeetingFactory(title="Bilan des actifs")
    member = MembershipFactory(community=meeting.community).member
    client = _signed_in(member)
    url = _meeting_url(meeting)
    _page(client, url)
    written, commit = threading.Event(), threading.Event()

    def rename():
        with transaction.atomic():
            Meeting.objects.filter(pk=meeting.pk).update(title="Plan d'intervention")
            written.set()
            commit.wait(timeout=10)

    thread = _in_another_connection(rename)
    assert written.wait(timeout=10)
    # Not committed: the page read meanwhile is the old one, and is kept under the old version.
    assert "Bilan des actifs" in _page(client, url)
    commit.set()
    thread.join(timeout=10)

    page = _page(client, url)
    assert "Plan d&#x27;intervention" in page and "Bilan des actifs" not in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_commit_landing_while_a_page_renders_does_not_stay_behind(monkeypatch):
    """The version is read before the rows: a page rendered from rows that a commit changed
    right after is kept under the version that commit replaced, and never served again."""
    from meetings import views

    meeting = MeetingFactory(title="Bilan des actifs")
    member = MembershipFactory(community=meeting.community).member
    client = _signed_in(member)
    url = _meeting_url(meeting)
    render = views._render_detail

    def render_then_commit(*args, **kwargs):
        response = render(*args, **kwargs)
        rename = _in_another_connection(
            lambda: Meeting.objects.filter(pk=meeting.pk).update(title="Plan d'intervention")
        )
        rename.join(timeout=10)
        return response

    monkeypatch.setattr(views, "_render_detail", render_then_commit)
    assert "Bilan des actifs" in _page(client, url)
    monkeypatch.undo()

    page = _page(client, url)
    assert "Plan d&#x27;intervention" in page and "Bilan des actifs" not in page


# --- When the version changes -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_transaction_sets_a_new_version_once_it_commits_and_not_if_it_rolls_back(meeting):
    before = page_cache.data_version()
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint that writes, then rolls back
                Meeting.objects.filter(pk=meeting.pk).update(title="Brouillon")
                raise RuntimeError
        except RuntimeError:
            pass
        Meeting.objects.filter(pk=meeting.pk).update(title="Plan d'intervention")
        assert page_cache.data_version() == before  # nothing committed yet
    committed = page_cache.data_version()
    assert committed != before

    with pytest.raises(RuntimeError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(title="Jamais enregistré")
        raise RuntimeError
    assert page_cache.data_version() == committed


@pytest.mark.django_db(transaction=True)
def test_a_write_in_autocommit_sets_a_new_version_at_once(meeting):
    before = page_cache.data_version()
    Meeting.objects.filter(pk=meeting.pk).update(title="Plan d'intervention")
    assert page_cache.data_version() != before


@pytest.mark.django_db(transaction=True)
def test_a_write_that_changes_no_row_keeps_the_version(meeting):
    """The beat's sweeps run every few minutes and mostly find nothing to do."""
    before = page_cache.data_version()
    Meeting.objects.filter(pk=meeting.pk + 1000).update(title="Personne")
    Meeting.objects.filter(pk=meeting.pk + 1000).delete()
    assert page_cache.data_version() == before
