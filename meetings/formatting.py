"""The agenda and the minutes: kept as the lead typed them (plain text with a little Markdown),
shown formatted on the pages and in the HTML part of e-mails, as typed in the text part of
e-mails and in calendar files.

What is formatted, and nothing else: paragraphs (a blank line), line breaks (kept as typed),
bulleted lists (lines starting with "-", "*" or "+") and numbered lists ("1." or "1)"), bold
(``**…**``), italic (``*…*``), links (``[text](https://…)``, ``<https://…>`` or a bare
https:// address). Headings, quotes, code, images, tables and raw HTML are not Markdown here:
they show as typed. The HTML that comes out is then cleaned by nh3 to that short list of tags
(and ``href`` on links, with http, https and mailto only), so nothing a lead types can become a
script, a style or a tracking image, whatever the Markdown library does."""

import functools
import re
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# A bare address in the text: http(s)://, up to a space or "<"; a final punctuation mark
# (a sentence's full stop, a closing parenthesis) is the sentence's, not the address's.
_BARE_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]'»]")


def _linkify_bare_urls(state) -> None:
    """A core rule: turns bare https:// addresses in text (outside links) into links, so the
    library needs no linkify dependency."""
    from markdown_it.token import Token

    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        inside_link = 0
        for token in block.children:
            if token.type == "link_open":
                inside_link += 1
            elif token.type == "link_close":
                inside_link -= 1
            if token.type != "text" or inside_link or "http" not in token.content:
                children.append(token)
                continue
            position = 0
            for match in _BARE_URL.finditer(token.content):
                if match.start() > position:
                    children.append(_text(token.content[position : match.start()]))
                url = match.group(0)
                link = Token("link_open", "a", 1)
                link.attrs = {"href": url}
                children += [link, _text(url), Token("link_close", "a", -1)]
                position = match.end()
            if position < len(token.content):
                children.append(_text(token.content[position:]))
        block.children = children


def _text(content: str) -> "Token":
    from markdown_it.token import Token

    token = Token("text", "", 0)
    token.content = content
    return token


@functools.cache
def _parser() -> "MarkdownIt":
    """Built on first use: markdown-it (and nh3) are loaded by the processes that format a
    text, not by every web worker (a page whose formatted parts come from the fragments cache
    never needs them)."""
    from markdown_it import MarkdownIt

    # "zero" enables nothing; each rule below is one of the formats listed above. breaks: a
    # single line break is kept as typed (<br>), as people who never heard of Markdown expect.
    parser = MarkdownIt("zero", {"breaks": True, "html": False}).enable(
        ["list", "emphasis", "link", "autolink", "newline", "escape"]
    )
    parser.core.ruler.push("bare_urls", _linkify_bare_urls)
    return parser


def to_html(text: str) -> SafeString:
    """The typed text as safe HTML: formatted, then cleaned to the short list of tags."""
    if not (text or "").strip():
        return mark_safe("")
    import nh3

    html = _parser().render(text)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    # nh3 removed whatever was not in the list, and escaped the text: safe to show.
    return mark_safe(cleaned.strip())  # noqa: S308


def to_plain_text(text: str) -> str:
    """The typed text for plain-text places (the text part of e-mails, calendar files): as
    typed, with the line ends normalised and the trailing spaces removed."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()
