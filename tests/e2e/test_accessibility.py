"""WCAG 2.1 AA as measured in the browser: axe-core injected into each main page, at desktop and
phone width, in French (and the key pages in English), as the person who uses the page.

A violation of serious or critical impact fails the test with its rule, its help text and the
elements that fail it. axe is injected with page.evaluate (DevTools evaluation is not bound by
the page's Content-Security-Policy, so the policy stays as strict as in production)."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.conftest import AXE_SCRIPT, DESKTOP, PHONE

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # Only the violations are read: axe then spends no time listing what passes.
    "resultTypes": ["violations"],
}
BLOCKING_IMPACTS = {"serious", "critical"}


AXE_SOURCE = AXE_SCRIPT.read_text() if AXE_SCRIPT.exists() else ""


def axe_violations(page: Page) -> list[dict]:
    assert AXE_SOURCE, f"{AXE_SCRIPT} is missing: `make browser-tools` installs it from npm."
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(
        "options => axe.run(document, options).then(r => r.violations)", AXE_OPTIONS
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:6])
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"    {violation['helpUrl']}\n    on: {targets}"
        )
    return "\n".join(lines)


def assert_accessible(page: Page, where: str) -> None:
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe finds serious or critical violations on {where}:\n" + describe(
        blocking
    )


def assert_accessible_at_both_widths(page: Page, where: str) -> None:
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        assert_accessible(page, f"{where} ({label})")
    page.set_viewport_size(DESKTOP)


# Each main page as the person who uses it sees it: (person, its address in the lively data set).
# The person is "anonymous" or an attribute of the `lively` fixture.
PAGES = {
    "home-anonymous": ("anonymous", lambda w: reverse("home")),
    "home-member": ("member", lambda w: reverse("home")),
    "home-lead": ("lead", lambda w: reverse("home")),
    "community-list": ("member", lambda w: reverse("communities:list")),
    "community-page-lead": (
        "lead",
        lambda w: reverse("communities:detail", args=[w.community.slug]),
    ),
    "request-form": ("outsider", lambda w: reverse("communities:detail", args=[w.community.slug])),
    "lead-inbox": ("lead", lambda w: reverse("communities:inbox")),
    "meeting-page": ("member", lambda w: reverse("meetings:detail", args=[w.meeting.pk])),
    "meeting-form": ("lead", lambda w: reverse("meetings:schedule", args=[w.community.slug])),
    "roster": ("lead", lambda w: reverse("meetings:roster", args=[w.meeting.pk])),
    "my-meetings": ("member", lambda w: reverse("meetings:mine")),
    "my-requests": ("requester", lambda w: reverse("communities:my_requests")),
    "privacy": ("anonymous", lambda w: reverse("privacy")),
    "consent": ("unconsented", lambda w: reverse("members:consent")),
    "profile": ("member", lambda w: reverse("members:profile")),
    "profile-form": ("member", lambda w: reverse("members:profile_edit")),
    "account-close": ("lead", lambda w: reverse("members:account_close")),
    "sign-up": ("anonymous", lambda w: reverse("account_signup")),
    "log-in": ("anonymous", lambda w: reverse("account_login")),
}
KEY_PAGES_IN_ENGLISH = [
    "home-member",
    "community-page-lead",
    "request-form",
    "lead-inbox",
    "meeting-page",
    "sign-up",
    "log-in",
]


def open_page(page: Page, sign_in, lively, name: str) -> None:
    person, address = PAGES[name]
    if person != "anonymous":
        sign_in(getattr(lively, person))
    path = address(lively)
    response = page.goto(path)
    assert response.ok and page.url.endswith(path), f"{name}: {path} led to {page.url}"
    expect(page.locator("h1")).to_be_visible()


def test_the_measurement_catches_a_violation(page):
    """The harness itself: a button without a name, added to the page, must fail it."""
    page.goto(reverse("home"))
    page.evaluate(
        "() => { const b = document.createElement('button'); b.id = 'nameless';"
        " document.querySelector('main').appendChild(b); }"
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "home with a nameless button")
    assert "button-name (critical)" in str(failure.value)
    assert "#nameless" in str(failure.value)


@pytest.mark.parametrize("name", PAGES)
def test_main_page_in_french_has_no_serious_violation(page, sign_in, lively, name):
    open_page(page, sign_in, lively, name)
    assert page.evaluate("document.documentElement.lang") == "fr-CA"
    assert_accessible_at_both_widths(page, f"{name} (French)")


@pytest.mark.parametrize("name", KEY_PAGES_IN_ENGLISH)
def test_key_page_in_english_has_no_serious_violation(page, sign_in, lively, live_server, name):
    from django.conf import settings

    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    open_page(page, sign_in, lively, name)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert_accessible_at_both_widths(page, f"{name} (English)")


def test_phone_menu_and_member_menu_opened_have_no_serious_violation(page, sign_in, lively):
    page.set_viewport_size(PHONE)
    open_page(page, sign_in, lively, "home-lead")
    page.locator(".navbar-toggler").click()
    expect(page.locator("#main-nav.collapse.show")).to_be_visible()
    page.locator("#account-menu-button").click()
    expect(page.locator(".navbar .dropdown-menu.show")).to_be_visible()
    assert_accessible(page, "home with the phone menu and the member's menu open (phone)")


def test_member_menu_opened_on_desktop_has_no_serious_violation(page, sign_in, lively):
    open_page(page, sign_in, lively, "home-lead")
    page.locator("#account-menu-button").click()
    expect(page.locator(".navbar .dropdown-menu.show")).to_be_visible()
    assert_accessible(page, "home with the member's menu open (desktop)")


def test_page_after_a_request_is_sent_shows_an_accessible_message(page, sign_in, lively):
    """The message of a successful POST and the "request pending" badge, read by axe."""
    open_page(page, sign_in, lively, "request-form")
    page.locator("#id_motivation").fill("Je coordonne le plan d'intervention de ma ville.")
    submit(page, "form[action$='/rejoindre/']")
    expect(page.locator("main .alert-success[role=status]")).to_be_visible()
    assert_accessible_at_both_widths(page, "community page after a request is sent")


# The form pages after a failed submit: the errors are shown beside the fields and tied to them.
ERRORS_TIED_TO_FIELDS = """() => {
  const problems = [];
  const shown = [...document.querySelectorAll('.invalid-feedback, .errorlist')]
    .filter(error => error.getClientRects().length > 0);
  for (const error of shown) {
    const owner = error.id
      && document.querySelector(`[aria-describedby~="${CSS.escape(error.id)}"]`);
    if (!owner) problems.push(`no field is described by the error "${error.textContent.trim()}"`);
  }
  for (const field of document.querySelectorAll('.is-invalid')) {
    if (field.getAttribute('aria-invalid') !== 'true')
      problems.push(`${field.name} is shown invalid without aria-invalid="true"`);
  }
  return {problems, count: shown.length};
}"""


def submit(page: Page, form: str) -> None:
    page.locator(f"main {form} [type=submit]").last.click()


FAILED_SUBMITS = {
    # The join request without a motivation.
    "request-form": lambda page: submit(page, "form[action$='/rejoindre/']"),
    # "Schedule the meeting" (the last button previews the agenda).
    "meeting-form": lambda page: page.locator("main form[method=post] .btn-primary").click(),
    "profile-form": lambda page: (
        page.locator("#id_first_name").fill(" "),
        submit(page, "form[method=post]"),
    ),
    "sign-up": lambda page: (
        page.locator("#id_email").fill("nouvelle@example.org"),
        page.locator("#id_password1").fill("court"),
        page.locator("#id_password2").fill("autre"),
        submit(page, "form[method=post]"),
    ),
    "meeting-page": lambda page: submit(page, "form[action$='/reponse/']"),
    # The consent box left unticked.
    "consent": lambda page: submit(page, "form[method=post]"),
}


@pytest.mark.parametrize("name", FAILED_SUBMITS)
def test_form_after_a_failed_submit_ties_its_errors_to_the_fields(page, sign_in, lively, name):
    open_page(page, sign_in, lively, name)
    FAILED_SUBMITS[name](page)
    page.wait_for_load_state()
    expect(page.locator(".is-invalid").first).to_be_visible()
    tied = page.evaluate(ERRORS_TIED_TO_FIELDS)
    assert tied["count"] > 0, f"{name}: no error is shown after the failed submit"
    assert not tied["problems"], f"{name}: " + "; ".join(tied["problems"])
    assert_accessible_at_both_widths(page, f"{name} after a failed submit")


def test_log_in_with_a_wrong_password_shows_an_accessible_alert(page, sign_in, lively):
    open_page(page, sign_in, lively, "log-in")
    page.locator("#id_login").fill(lively.member.email)
    page.locator("#id_password").fill("pas-le-bon-mot-de-passe")
    submit(page, "form[method=post]")
    expect(page.locator("main [role=alert]")).to_be_visible()
    assert_accessible_at_both_widths(page, "log-in after a wrong password")
