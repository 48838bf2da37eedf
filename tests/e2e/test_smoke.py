from playwright.sync_api import expect


def test_home_page_loads_its_styles_without_csp_violation(page, csp_violations):
    page.goto("/")
    expect(page.locator("main")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).fontFamily")
    assert csp_violations == []


def test_an_inline_script_is_refused_and_reported(page, csp_violations):
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = 1'; document.body.appendChild(s); }"
    )
    assert page.evaluate("window.injected") is None
    assert csp_violations, "the policy should refuse an inline script"
