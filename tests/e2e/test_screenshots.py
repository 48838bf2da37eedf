"""A screenshot of each main page at desktop and phone width, kept by CI in
test-artifacts/screenshots/, and a check that no page is wider than a phone's screen."""

from django.urls import reverse

from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS

# (file name, person, address in the lively data set); the person is "anonymous" or an
# attribute of the `lively` fixture.
PAGES = [
    ("home", "anonymous", lambda w: reverse("home")),
    ("home-lead", "lead", lambda w: reverse("home")),
    ("community-list", "member", lambda w: reverse("communities:list")),
    ("community-page", "lead", lambda w: reverse("communities:detail", args=[w.community.slug])),
    ("request-form", "outsider", lambda w: reverse("communities:detail", args=[w.community.slug])),
    ("lead-inbox", "lead", lambda w: reverse("communities:inbox")),
    ("meeting-page", "member", lambda w: reverse("meetings:detail", args=[w.meeting.pk])),
    ("meeting-form", "lead", lambda w: reverse("meetings:schedule", args=[w.community.slug])),
    ("roster", "lead", lambda w: reverse("meetings:roster", args=[w.meeting.pk])),
    ("my-requests", "requester", lambda w: reverse("communities:my_requests")),
    ("my-meetings", "member", lambda w: reverse("meetings:mine")),
    ("profile", "member", lambda w: reverse("members:profile")),
    ("search", "member", lambda w: reverse("search:search") + "?q=conduites"),
    ("directory", "member", lambda w: reverse("directory:list")),
    ("privacy", "anonymous", lambda w: reverse("privacy")),
    ("sign-up", "anonymous", lambda w: reverse("account_signup")),
    ("log-in", "anonymous", lambda w: reverse("account_login")),
]

PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def test_every_main_page_is_saved_at_desktop_and_phone_width(page, sign_in, lively, screenshot):
    too_wide = []
    for name, person, address in PAGES:
        page.context.clear_cookies()
        if person != "anonymous":
            sign_in(getattr(lively, person))
        response = page.goto(address(lively))
        assert response.ok, f"{name}: {response.status}"
        screenshot(name)
        for label in ("desktop", "phone"):
            assert (SCREENSHOTS / f"{name}-{label}.png").stat().st_size > 0
        page.set_viewport_size(PHONE)
        if page.evaluate(PAGE_WIDTH) > PHONE["width"]:
            too_wide.append(f"{name}: {page.evaluate(PAGE_WIDTH)} px")
    assert not too_wide, "wider than a phone's screen: " + ", ".join(too_wide)


NAV_LINK_LINES = """() => [...document.querySelectorAll('.navbar .nav-link')].map(link => {
  const style = getComputedStyle(link);
  const box = link.getBoundingClientRect();
  const text = box.height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  return {name: link.textContent.trim(), lines: text / parseFloat(style.lineHeight),
          middle: box.top + box.height / 2};
})"""


def test_a_leads_navbar_holds_on_one_line_at_desktop_width(page, sign_in, lively):
    lively.lead.is_staff = True  # one more link in the member's menu, none in the bar
    lively.lead.save(update_fields=["is_staff"])
    sign_in(lively.lead)
    page.goto(reverse("home"))
    links = page.evaluate(NAV_LINK_LINES)
    assert lively.lead.display_name in [link["name"] for link in links]
    wrapped = [link["name"] for link in links if link["lines"] > 1.5]
    assert not wrapped, f"navbar links wrap at 1280 px: {wrapped}"
    middles = [link["middle"] for link in links]
    assert max(middles) - min(middles) < 4, f"navbar links on several rows: {links}"
    assert page.evaluate(PAGE_WIDTH) <= DESKTOP["width"]
