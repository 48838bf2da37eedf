"""Small readers of a test client's response, shared by the page tests."""


def page_text(response) -> str:
    return response.content.decode()


def shown_messages(response) -> list[str]:
    """The Django messages the page shows (the response must come from a rendered page)."""
    return [str(message) for message in response.context["messages"]]


def pager_links(response, label: str) -> dict[str, str]:
    """The links of the pager named ``label`` (its aria-label's msgid, read in French), by
    their text: "Suivante", "2"... Each link as the browser follows it (``&amp;`` read back
    as ``&``)."""
    import html
    import re

    from django.utils import translation

    with translation.override("fr"):
        label = translation.gettext(label)
    text = response.content.decode()
    nav = re.search(rf'<nav aria-label="{re.escape(html.escape(label))}">(.*?)</nav>', text, re.S)
    assert nav, f"no pager named {label!r}"
    link = re.compile(r'<a class="page-link" href="([^"]*)"[^>]*>([^<]*)</a>')
    return {html.unescape(name): html.unescape(href) for href, name in link.findall(nav[1])}
