"""Security settings, proven where a visitor meets them.

Every HTML page is served with the strict Content-Security-Policy (django-csp) and respects it:
no inline script, no inline style, no event-handler attribute, no javascript: link, so the
policy never has to be loosened for the portal's own pages. Sessions expire, and allauth's
rate limits on login and sign-up refuse a flood. The production-only values (secure cookies,
HSTS, check --deploy) are checked in a fresh interpreter in tests/test_production_settings.py.
"""

from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meetings import services as meeting_services
from tests.factories import (
    PASSWORD,
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import page_text

# Schemes that run code when a link is followed or a frame loaded.
_SCRIPT_SCHEMES = ("javascript:", "vbscript:")
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}


class _PolicyChecker(HTMLParser):
    """Collects what a strict Content-Security-Policy (no 'unsafe-inline') would block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            kind = (attributes.get("type") or "").strip().lower()
            if "src" not in attributes and kind != "application/json":
                self.problems.append(f"inline <script> at line {self.getpos()[0]}")
                self._in_inline_script = True
        if tag == "style":
            self.problems.append(f"inline <style> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name}= handler on <{tag}> at line {self.getpos()[0]}")
            if name == "style":
                self.problems.append(f'style="" on <{tag}> at line {self.getpos()[0]}')
            if name in _URL_ATTRIBUTES and _is_script_url(value or ""):
                self.problems.append(f"{name}={value!r} on <{tag}> at line {self.getpos()[0]}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _is_script_url(value: str) -> bool:
    # Browsers ignore whitespace and control characters inside the scheme ("java\tscript:").
    squeezed = "".join(char for char in value if char > " ").lower()
    return squeezed.startswith(_SCRIPT_SCHEMES)


def policy_problems(html: str) -> list[str]:
    """What in this HTML a strict CSP would block (empty when the page respects it)."""
    checker = _PolicyChecker()
    checker.feed(html)
    checker.close()
    return checker.problems


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def test_the_checker_sees_what_a_strict_policy_blocks():
    """The checker must fail on the patterns it is meant to catch, or the page tests prove
    nothing."""
    html = (
        '<html><body><script>alert(1)</script><script src="/static/a.js"></script>'
        '<script type="application/json" id="d">{}</script>'
        '<p style="color:red" onclick="x()">a</p><style>p{}</style>'
        '<a href=" JaVa&#x09;Script:alert(1)">b</a><img src="/x.png" onerror="y()"/>'
        '<form action="javascript:void(0)"></form><a href="/ok">ok</a></body></html>'
    )

    problems = policy_problems(html)

    assert len(problems) == 7, problems
    assert policy_problems('<a href="/communautes/">x</a><script src="/s.js"></script>') == []


# The pages


@dataclass
class Portal:
    community: object
    lead: object
    member: object
    requester: object
    staff: object
    join_request: object
    meeting: object
    past_meeting: object
    membership: object


@pytest.fixture
def portal(db) -> Portal:
    community = CommunityFactory(slug="voirie", capacity=10)
    lead = LeadMembershipFactory(community=community).member
    membership = MembershipFactory(community=community)
    requester = UserFactory()
    join_request = JoinRequestFactory(community=community, member=requester)
    meeting = MeetingFactory(community=community, lunch_provided=True, in_person_seats=20)
    starts_at = timezone.now() - timedelta(days=2)
    past_meeting = MeetingFactory(
        community=community, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )
    meeting_services.followup_save(
        meeting=past_meeting,
        saved_by=lead,
        minutes="<p>Compte rendu</p>",
        recording_url="https://video.example.org/r/1",
    )
    meeting_services.followup_document_add(
        meeting=past_meeting,
        uploaded_by=lead,
        file=SimpleUploadedFile("ordre.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        title="Ordre du jour",
    )
    return Portal(
        community=community,
        lead=lead,
        member=membership.member,
        requester=requester,
        staff=StaffFactory(),
        join_request=join_request,
        meeting=meeting,
        past_meeting=past_meeting,
        membership=membership,
    )


# (name, who is signed in, how to build the address). Every page a visitor can reach with GET.
PAGES = [
    ("home", "anonymous", lambda p: reverse("home")),
    ("home signed in", "member", lambda p: reverse("home")),
    ("privacy", "anonymous", lambda p: reverse("privacy")),
    ("community list", "anonymous", lambda p: reverse("communities:list")),
    ("community", "anonymous", lambda p: reverse("communities:detail", args=["voirie"])),
    ("community as member", "member", lambda p: reverse("communities:detail", args=["voirie"])),
    ("community as lead", "lead", lambda p: reverse("communities:detail", args=["voirie"])),
    ("community as outsider", "requester", lambda p: reverse("communities:list")),
    ("my requests", "requester", lambda p: reverse("communities:my_requests")),
    ("inbox", "lead", lambda p: reverse("communities:inbox")),
    (
        "request",
        "lead",
        lambda p: reverse("communities:request_detail", args=[p.join_request.pk]),
    ),
    ("leave", "member", lambda p: reverse("communities:leave", args=["voirie"])),
    (
        "member removal",
        "lead",
        lambda p: reverse("communities:member_remove", args=["voirie", p.membership.pk]),
    ),
    ("meeting", "anonymous", lambda p: reverse("meetings:detail", args=[p.meeting.pk])),
    ("meeting with RSVP", "member", lambda p: reverse("meetings:detail", args=[p.meeting.pk])),
    (
        "past meeting with follow-up",
        "member",
        lambda p: reverse("meetings:detail", args=[p.past_meeting.pk]),
    ),
    ("my meetings", "member", lambda p: reverse("meetings:mine")),
    ("schedule", "lead", lambda p: reverse("meetings:schedule", args=["voirie"])),
    ("edit", "lead", lambda p: reverse("meetings:edit", args=[p.meeting.pk])),
    ("cancel", "lead", lambda p: reverse("meetings:cancel", args=[p.meeting.pk])),
    ("roster", "lead", lambda p: reverse("meetings:roster", args=[p.meeting.pk])),
    ("attendance", "lead", lambda p: reverse("meetings:attendance", args=[p.past_meeting.pk])),
    ("follow-up", "lead", lambda p: reverse("meetings:followup", args=[p.past_meeting.pk])),
    ("profile", "member", lambda p: reverse("members:profile")),
    ("profile form", "member", lambda p: reverse("members:profile_edit")),
    ("account closure", "member", lambda p: reverse("members:account_close")),
    ("login", "anonymous", lambda p: reverse("account_login")),
    ("sign-up", "anonymous", lambda p: reverse("account_signup")),
    ("verification sent", "anonymous", lambda p: reverse("account_email_verification_sent")),
    ("password reset", "anonymous", lambda p: reverse("account_reset_password")),
    ("password reset done", "anonymous", lambda p: reverse("account_reset_password_done")),
    (
        "password reset with a bad key",
        "anonymous",
        lambda p: reverse("account_reset_password_from_key", args=["1", "bad-key"]),
    ),
    (
        "e-mail confirmation with a bad key",
        "anonymous",
        lambda p: reverse("account_confirm_email", args=["bad-key"]),
    ),
    ("account inactive", "anonymous", lambda p: reverse("account_inactive")),
    ("e-mail addresses", "member", lambda p: reverse("account_email")),
    ("password change", "member", lambda p: reverse("account_change_password")),
    ("reauthenticate", "member", lambda p: reverse("account_reauthenticate")),
    ("logout", "member", lambda p: reverse("account_logout")),
    ("admin login", "anonymous", lambda p: reverse("admin:login")),
    ("admin index", "staff", lambda p: reverse("admin:index")),
    ("admin communities", "staff", lambda p: reverse("admin:communities_community_changelist")),
    ("admin meetings", "staff", lambda p: reverse("admin:meetings_meeting_changelist")),
    ("admin members", "staff", lambda p: reverse("admin:members_user_changelist")),
    (
        "admin member",
        "staff",
        lambda p: reverse("admin:members_user_change", args=[p.member.pk]),
    ),
    ("not found", "anonymous", lambda p: "/communautes/nulle-part/"),
]


def _client_for(client, portal: Portal, who: str):
    if who != "anonymous":
        client.force_login(getattr(portal, who))
    return client


def _assert_strict_policy(response) -> None:
    directives = csp_directives(response)
    assert directives, "no Content-Security-Policy header"
    assert "Content-Security-Policy-Report-Only" not in response.headers
    assert directives.get("script-src") == ["'self'"], directives
    assert directives.get("style-src") == ["'self'"], directives
    assert directives.get("default-src") == ["'self'"], directives
    assert directives.get("object-src") == ["'none'"], directives
    assert directives.get("frame-ancestors") == ["'none'"], directives
    for values in directives.values():
        assert "'unsafe-inline'" not in values
        assert "'unsafe-eval'" not in values


@pytest.mark.parametrize(("name", "who", "url"), PAGES, ids=[page[0] for page in PAGES])
def test_every_page_is_served_with_the_policy_and_respects_it(client, portal, name, who, url):
    response = _client_for(client, portal, who).get(url(portal))

    expected = 404 if name == "not found" else 200
    assert response.status_code == expected, f"{name}: {response.status_code}"
    assert response["Content-Type"].startswith("text/html")
    _assert_strict_policy(response)
    assert policy_problems(page_text(response)) == []


# Pages as they are shown again with errors after a POST.
FORM_ERROR_PAGES = [
    ("profile", "member", lambda p: reverse("members:profile_edit"), {"phone": "<b>x"}),
    (
        "join",
        "requester",
        lambda p: reverse("communities:join", args=["voirie"]),
        {"motivation": ""},
        "join_form",
    ),
    (
        "schedule",
        "lead",
        lambda p: reverse("meetings:schedule", args=["voirie"]),
        {"title": "x", "starts_at": "demain"},
    ),
    ("rsvp", "member", lambda p: reverse("meetings:rsvp", args=[p.meeting.pk]), {}, "rsvp_form"),
    (
        "removal",
        "lead",
        lambda p: reverse("communities:member_remove", args=["voirie", p.membership.pk]),
        {"reason": ""},
    ),
    (
        "follow-up",
        "lead",
        lambda p: reverse("meetings:followup", args=[p.past_meeting.pk]),
        {"recording_url": "javascript:alert(1)"},
    ),
    ("login", "anonymous", lambda p: reverse("account_login"), {"login": "x", "password": "y"}),
    ("sign-up", "anonymous", lambda p: reverse("account_signup"), {"email": "not an address"}),
    (
        "password change",
        "member",
        lambda p: reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": "a", "password2": "b"},
    ),
    ("admin login", "anonymous", lambda p: reverse("admin:login"), {"username": "x"}),
    (
        "account closure",
        "member",
        lambda p: reverse("members:account_close"),
        {"password": "not mine"},
    ),
]


@pytest.mark.parametrize("case", FORM_ERROR_PAGES, ids=[page[0] for page in FORM_ERROR_PAGES])
def test_forms_shown_with_errors_respect_the_policy(client, portal, case):
    name, who, url, data, *form_key = case
    response = _client_for(client, portal, who).post(url(portal), data)

    assert response.status_code == 200, f"{name}: {response.status_code}"
    assert response.context[form_key[0] if form_key else "form"].errors, f"{name}: no error"
    _assert_strict_policy(response)
    assert policy_problems(page_text(response)) == []


# Sessions


def test_session_has_a_finite_age_and_outlives_the_browser_on_purpose():
    assert 0 < settings.SESSION_COOKIE_AGE <= 60 * 60 * 24 * 30
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_a_session_expires_after_its_age_and_the_member_is_sent_to_login(client, member):
    profile = reverse("members:profile")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
        assert client.get(profile).status_code == 200

        traveller.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
        assert client.get(profile).status_code == 200

        traveller.shift(timedelta(seconds=120))
        response = client.get(profile)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# Rate limits (allauth's, on the cache)


def test_login_and_signup_rate_limits_are_configured():
    limits = settings.ACCOUNT_RATE_LIMITS

    assert limits["login"] and limits["login_failed"] and limits["signup"]
    assert "/key" in limits["login_failed"], "failures must be counted per address too"
    assert limits["reset_password"]


def test_repeated_failed_logins_lock_the_address_even_for_the_right_password(
    client, member, english
):
    login = reverse("account_login")
    refusals = []
    with time_machine.travel(timezone.now(), tick=False):
        for _attempt in range(12):
            response = client.post(login, {"login": member.email, "password": "wrong"})
            refusals.append("Too many failed login attempts" in page_text(response))
        locked_out = client.post(login, {"login": member.email, "password": PASSWORD})

    assert response.status_code == 200
    assert refusals[0] is False
    assert any(refusals), "allauth never refused the repeated failures"
    assert "Too many failed login attempts" in page_text(locked_out)
    assert locked_out.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_flood_of_login_posts_is_answered_429(client, member):
    login = reverse("account_login")
    statuses = []
    with time_machine.travel(timezone.now(), tick=False):
        for attempt in range(40):
            # A different address each time: the per-address limit never trips first.
            response = client.post(login, {"login": f"x{attempt}@example.org", "password": "x"})
            statuses.append(response.status_code)

    assert statuses[0] == 200
    assert 429 in statuses
    assert statuses[-1] == 429


def test_a_flood_of_signups_is_answered_429(client, db):
    signup = reverse("account_signup")
    statuses = []
    with time_machine.travel(timezone.now(), tick=False):
        for attempt in range(25):
            response = client.post(
                signup, {"email": f"n{attempt}@example.org", "password1": "a", "password2": "b"}
            )
            statuses.append(response.status_code)

    assert statuses[0] == 200
    assert statuses[-1] == 429
    assert "Trop de tentatives" in page_text(response)
    # The refusal page is a page of the portal too.
    _assert_strict_policy(response)
    assert policy_problems(page_text(response)) == []
