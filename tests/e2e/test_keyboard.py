"""Every form filled and sent with the keyboard alone: Tab reaches each field (the focus always
visible), the values are typed, boxes and answers are ticked with Space and the arrow keys,
lists are chosen by typing, and Enter on the submit button sends the form."""

from datetime import datetime, timedelta

from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from communities.models import JoinRequest
from meetings.models import Meeting, Rsvp
from members.models import User
from tests.factories import PASSWORD

MAX_TABS = 60

FOCUSED_ELEMENT = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return {
    description: element.outerHTML.slice(0, 120),
    ringed: outline || style.boxShadow !== 'none',
  };
}"""


def assert_focus_visible(page: Page) -> None:
    focused = page.evaluate(FOCUSED_ELEMENT)
    assert focused["ringed"], f"no visible focus (outline or shadow) on {focused['description']}"


def tab_to(page: Page, selector: str) -> None:
    """Presses Tab until the element `selector` has the focus, as a keyboard user moves on."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            assert_focus_visible(page)
            return
    last = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
    raise AssertionError(f"{MAX_TABS} presses of Tab never reach {selector}; focus on {last}")


def tab_and_type(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(text)


def submit_with_enter(page: Page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_local_datetime(page: Page, when: datetime) -> None:
    """Chromium's date and time field, in the order it shows its parts here (month, day, year,
    hours, minutes, AM/PM); the year takes up to six digits, so ArrowRight leaves it."""
    page.keyboard.type(when.strftime("%m%d%Y"))
    page.keyboard.press("ArrowRight")
    page.keyboard.type(when.strftime("%I%M") + when.strftime("%p")[0])


# --- The skip link and the member's menu ---


def test_first_tab_shows_the_skip_link_and_enter_moves_focus_to_the_main_content(page):
    page.goto(reverse("home"))
    page.keyboard.press("Tab")
    skip_link = page.locator(".skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    box = skip_link.bounding_box()
    assert box["width"] > 20 and box["height"] > 10, f"the skip link stays hidden: {box}"
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()
    # The next Tab goes on from the main content, not from the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_member_menu_opens_with_the_keyboard_and_logs_out(page, sign_in, lively):
    sign_in(lively.lead)
    page.goto(reverse("home"))
    tab_to(page, "#account-menu-button")
    page.keyboard.press("Enter")
    menu = page.locator(".navbar .dropdown-menu")
    expect(menu).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(menu.locator(f"a[href='{reverse('members:profile')}']")).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(page.locator("#account-menu-button")).to_be_focused()

    page.keyboard.press("Enter")
    page.keyboard.press("ArrowUp")  # from the top, the last item: log out
    expect(menu.get_by_role("button")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#account-menu-button")).to_have_count(0)
    expect(page.locator(f".navbar a[href^='{reverse('account_login')}']")).to_be_visible()


def test_lead_opens_the_phone_menu_with_the_keyboard(page, sign_in, lively):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(lively.lead)
    page.goto(reverse("home"))
    tab_to(page, ".navbar-toggler")
    page.keyboard.press("Enter")
    expect(page.locator("#main-nav")).to_be_visible()
    expect(page.locator(".navbar-toggler")).to_have_attribute("aria-expanded", "true")
    tab_to(page, f"a[href='{reverse('communities:inbox')}']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(reverse("communities:inbox"))


# --- The forms ---


def test_log_in_with_the_keyboard(page, lively):
    page.goto(reverse("account_login"))
    tab_and_type(page, "#id_login", lively.member.email)
    tab_and_type(page, "#id_password", PASSWORD)
    tab_to(page, "#id_remember")
    page.keyboard.press("Space")
    expect(page.locator("#id_remember")).to_be_checked()
    submit_with_enter(page, "main form button[type=submit]")
    expect(page.locator("#account-menu-button")).to_have_text(lively.member.display_name)


def test_sign_up_with_the_keyboard(page, db):
    page.goto(reverse("account_signup"))
    tab_and_type(page, "#id_email", "claire.cote@example.org")
    tab_and_type(page, "#id_password1", "Ponceau-Fluvial-2026")
    tab_and_type(page, "#id_password2", "Ponceau-Fluvial-2026")
    tab_to(page, "#id_privacy_consent")
    page.keyboard.press("Space")
    expect(page.locator("#id_privacy_consent")).to_be_checked()
    submit_with_enter(page, "main form button[type=submit]")
    assert User.objects.filter(email="claire.cote@example.org").exists()
    assert [m.to for m in mail.outbox] == [["claire.cote@example.org"]]
    assert page.url.endswith(reverse("account_email_verification_sent"))


def test_consent_with_the_keyboard(page, sign_in, lively):
    sign_in(lively.unconsented)
    page.goto(reverse("communities:list"))  # sent to the consent page first
    tab_to(page, "#id_privacy_consent")
    page.keyboard.press("Space")
    expect(page.locator("#id_privacy_consent")).to_be_checked()
    submit_with_enter(page, "main form button[type=submit]")
    assert page.url.endswith(reverse("communities:list"))
    lively.unconsented.refresh_from_db()
    assert lively.unconsented.privacy_consent_at is not None
    assert lively.unconsented.contact_visible is False


def test_profile_edit_with_the_keyboard(page, sign_in, lively):
    sign_in(lively.member)
    page.goto(reverse("members:profile_edit"))
    tab_and_type(page, "#id_job_title", "Directrice du génie")
    tab_to(page, "#id_organisation_type")
    page.keyboard.type("Firme")  # type-ahead in the closed list, as in any desktop program
    tab_to(page, "#id_region")
    page.keyboard.type("Laur")  # Laurentides, not Laval nor Lanaudière
    tab_and_type(page, "#id_expertise", "Plans d'intervention, chaussées")
    submit_with_enter(page, "main form button[type=submit]")
    assert page.url.endswith(reverse("members:profile"))
    lively.member.refresh_from_db()
    assert lively.member.job_title == "Directrice du génie"
    assert lively.member.organisation_type == "firm"
    assert lively.member.get_region_display() == "Laurentides"
    assert lively.member.expertise == "Plans d'intervention, chaussées"


def test_join_request_with_the_keyboard(page, sign_in, lively):
    sign_in(lively.outsider)
    page.goto(reverse("communities:detail", args=[lively.community.slug]))
    tab_and_type(page, "#id_motivation", "Je coordonne le plan d'intervention de ma ville.")
    submit_with_enter(page, "form[action$='/rejoindre/'] button[type=submit]")
    join_request = JoinRequest.objects.get(member=lively.outsider)
    assert join_request.motivation == "Je coordonne le plan d'intervention de ma ville."
    expect(page.locator("main [role=status], main [role=alert]").first).to_be_visible()


def test_meeting_schedule_with_the_keyboard(page, sign_in, lively):
    starts_at = (datetime.now() + timedelta(days=30)).replace(hour=9, minute=30)
    sign_in(lively.lead)
    page.goto(reverse("meetings:schedule", args=[lively.community.slug]))
    tab_and_type(page, "#id_title", "Gestion des ponceaux")
    tab_to(page, "#id_format")
    page.keyboard.press("ArrowUp")  # from hybrid, the default and last, to online and back
    expect(page.locator("#id_format")).to_have_value("online")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_format")).to_have_value("hybrid")
    tab_to(page, "#id_starts_at")
    type_local_datetime(page, starts_at)
    expect(page.locator("#id_starts_at")).to_have_value(starts_at.strftime("%Y-%m-%dT%H:%M"))
    tab_to(page, "#id_ends_at")
    type_local_datetime(page, starts_at + timedelta(hours=3))
    tab_and_type(page, "#id_venue_name", "Centre communautaire")
    tab_and_type(page, "#id_address", "12 rue des Érables, Rimouski")
    tab_and_type(page, "#id_in_person_seats", "25")
    tab_to(page, "#id_lunch_provided")
    page.keyboard.press("Space")
    tab_and_type(page, "#id_meeting_url", "https://meet.example.org/ponceaux")
    tab_and_type(page, "#id_agenda", "Inventaire des ponceaux")
    submit_with_enter(page, "main form button[type=submit]")
    meeting = Meeting.objects.get(title="Gestion des ponceaux")
    assert meeting.lunch_provided and meeting.in_person_seats == 25
    assert meeting.format == "hybrid"
    assert page.url.endswith(reverse("meetings:detail", args=[meeting.pk]))


def test_rsvp_with_the_keyboard(page, sign_in, lively):
    sign_in(lively.member)
    page.goto(reverse("meetings:detail", args=[lively.meeting.pk]))
    # Tab enters the group of answers on its first; the arrow keys choose within it.
    tab_to(page, "input[name=response]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    expect(page.locator("input[name=response][value=in_person]")).to_be_checked()
    tab_to(page, "#id_stays_for_lunch")
    page.keyboard.press("Space")
    tab_and_type(page, "#id_dietary_needs", "Sans arachides")
    submit_with_enter(page, "form[action$='/reponse/'] button[type=submit]")
    rsvp = Rsvp.objects.get(meeting=lively.meeting, member=lively.member)
    assert (rsvp.response, rsvp.stays_for_lunch, rsvp.dietary_needs) == (
        "in_person",
        True,
        "Sans arachides",
    )


def test_lead_declines_a_request_with_a_reason_with_the_keyboard(page, sign_in, lively):
    join_request = JoinRequest.objects.filter(member=lively.requester).get()
    sign_in(lively.lead)
    page.goto(reverse("communities:inbox"))
    card = f"#request-{join_request.pk}-heading"
    expect(page.locator(card)).to_be_visible()
    form = f"form[action='{reverse('communities:request_detail', args=[join_request.pk])}']"
    tab_and_type(page, f"{form} textarea", "La communauté vise les ingénieurs municipaux.")
    submit_with_enter(page, f"{form} button[value=decline]")
    join_request.refresh_from_db()
    assert join_request.status == "declined"
    assert join_request.decision_message == "La communauté vise les ingénieurs municipaux."
    assert page.url.endswith(reverse("communities:inbox"))
