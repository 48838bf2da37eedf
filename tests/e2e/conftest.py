"""Browser tests: pytest-playwright driving Debian's Chromium against a live server.

`make test` installs what they need (`make browser-tools`): Chromium from apt when
/usr/bin/chromium is missing, and axe-core from the npm registry into tests/e2e/node_modules.
No browser is ever downloaded by a test tool. Screenshots go to test-artifacts/screenshots/.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in the test's thread; the test's own ORM calls
# (fixtures, assertions on the database) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Without these, Chromium keeps trying to reach Google's services, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser-tools` installs it with apt.")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative addresses (page.goto("/")) go to the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": DESKTOP,
        "locale": "fr-CA",
        "timezone_id": "America/Montreal",
    }


@pytest.fixture(autouse=True)
def _live_database(transactional_db, live_server):
    """The live server runs in another thread: the test's data must be committed."""


@pytest.fixture(autouse=True)
def _tasks_run_in_the_server(settings):
    """What the portal enqueues runs at once in the live server's thread, as a worker would
    soon after: the journeys read the e-mails it sends."""
    from aimq_portal.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def csp_violations(page):
    """Every Content-Security-Policy violation the browser reports on this page's console."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return seen


@pytest.fixture
def screenshot(page):
    """Saves the page at desktop and phone width: screenshot("community-list")."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _take(name: str) -> None:
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
        page.set_viewport_size(DESKTOP)

    return _take


# --- Signed-in visitors and a lively community (accessibility, keyboard and screenshot tests) ---


@pytest.fixture
def sign_in(page, live_server):
    """Signs a user in in the browser, as the log-in form would: sign_in(member).
    `language="en"` also sets the language switcher's cookie."""
    from django.conf import settings
    from django.test import Client

    def _sign_in(user, language: str | None = None) -> None:
        client = Client()
        client.force_login(user)
        cookies = [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "url": live_server.url,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            }
        ]
        if language:
            cookies.append(
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
            )
        page.context.add_cookies(cookies)

    return _sign_in


@pytest.fixture
def lively(db):
    """A community with a lead, members, pending requests and a hybrid meeting with lunch and
    answers; the people are attributes: lively.lead, lively.member, lively.requester (whose
    request is pending), lively.outsider, lively.unconsented (an account opened by staff, not
    consented to yet)."""
    from types import SimpleNamespace

    from tests.factories import (
        CommunityFactory,
        JoinRequestFactory,
        LeadMembershipFactory,
        MeetingFactory,
        MembershipFactory,
        RsvpFactory,
        UserFactory,
    )

    community = CommunityFactory(
        slug="gestion-des-actifs",
        name_fr="Gestion des actifs municipaux",
        name_en="Municipal asset management",
        capacity=6,
    )
    lead = LeadMembershipFactory(
        community=community, member__first_name="Louise", member__last_name="Lavoie-Tremblay"
    ).member
    members = [
        MembershipFactory(community=community, member__organisation=f"Ville de {town}").member
        for town in ("Rimouski", "Sherbrooke", "Gatineau")
    ]
    requesters = UserFactory.create_batch(2)
    for requester in requesters:
        JoinRequestFactory(community=community, member=requester)
    meeting = MeetingFactory(
        community=community,
        title="Plan d'intervention des conduites",
        lunch_provided=True,
        in_person_seats=30,
        invited_experts="Julie Gagnon, ing., CERIU",
    )
    RsvpFactory(meeting=meeting, member=members[1], response="online")
    RsvpFactory(meeting=meeting, member=lead, response="in_person", stays_for_lunch=True)
    return SimpleNamespace(
        community=community,
        lead=lead,
        member=members[0],
        requester=requesters[0],
        outsider=UserFactory(first_name="Olivier", last_name="Ouellet"),
        # An account staff opened: its owner meets the consent page first (Loi 25).
        unconsented=UserFactory(first_name="Nadia", last_name="Nadeau", privacy_consent_at=None),
        meeting=meeting,
    )


# --- Journeys: a person types into the forms and reads the e-mails (test_*_journey.py) ---

CONFIRMATION_LINK = re.compile(r"https?://\S+/comptes/confirm-email/[^\s/]+/")


def field(page, label: str):
    """The form field labelled `label`, whether or not crispy-forms marks it required with an
    asterisk: field(page, "Mot de passe") does not also find "Mot de passe (confirmation)"."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def log_in(page, email: str, password: str) -> None:
    """Logs in through the log-in form, in French, as a person types it."""
    page.goto("/")
    navigation(page).get_by_role("link", name="Se connecter").click()
    field(page, "Courriel").fill(email)
    field(page, "Mot de passe").fill(password)
    page.get_by_role("button", name="Connexion").click()
    # allauth greets the member by name (or by address while the profile has none).
    expect(
        page.get_by_role("status").filter(has_text=re.compile(r"Connexion avec .+ réussie\."))
    ).to_be_visible()


def navigation(page):
    """The main navigation bar, in either language."""
    return page.get_by_role(
        "navigation", name=re.compile(r"^(Navigation principale|Main navigation)$")
    )


def status_message(page, text: str):
    """A confirmation the page announces politely (a Django message with role="status")."""
    return page.get_by_role("status").filter(has_text=text)


def open_account_menu(page, display_name: str) -> None:
    """Opens the menu under the signed-in member's name (profile, log out)."""
    navigation(page).get_by_role("button", name=display_name).click()


def log_out(page, display_name: str) -> None:
    open_account_menu(page, display_name)
    navigation(page).get_by_role("button", name="Se déconnecter").click()
    expect(navigation(page).get_by_role("link", name="Se connecter")).to_be_visible()


def mails_to(address: str) -> list:
    """The e-mails the portal (the live server included) sent to `address`, oldest first."""
    from django.core import mail

    return [message for message in mail.outbox if address in message.to]


def confirmation_link(address: str) -> str:
    """The confirmation link in the last sign-up e-mail sent to `address`."""
    messages = mails_to(address)
    assert messages, f"no e-mail was sent to {address}"
    match = CONFIRMATION_LINK.search(messages[-1].body)
    assert match, f"no confirmation link in the e-mail:\n{messages[-1].body}"
    return match.group(0)
