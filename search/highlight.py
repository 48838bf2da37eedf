"""Results as safe HTML: the stored text escaped first, then only our own <mark> added around
the matches, so no indexed text (a title, a PDF's words) can bring markup into the page."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.text import MATCH_END, MATCH_START, normalise_char

EXCERPT_CHARS = 240


def marked_html(text: str) -> SafeString:
    """Text whose matches ts_headline wrapped in MATCH_START/MATCH_END (characters that no
    indexed text holds, search.text.clean), escaped, the wraps made <mark>."""
    html = escape(text or "")
    return mark_safe(html.replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>"))


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` normalised character by character, with the index in ``text`` of each
    character of the result, so that a match found without accents is marked on the text."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in normalise_char(char):
            folded.append(piece)
            origin.append(index)
    return "".join(folded), origin


def _spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Where in ``text`` the words occur (accents and case ignored), merged, in order."""
    folded, origin = _folded(text)
    spans = []
    for word in words:
        start = folded.find(word)
        while start != -1:
            end = start + len(word)
            # The whole word is marked: "égout" found in "égouts" marks "égouts".
            first, last = origin[start], origin[end - 1] + 1
            while first > 0 and text[first - 1].isalnum():
                first -= 1
            while last < len(text) and text[last].isalnum():
                last += 1
            spans.append((first, last))
            start = folded.find(word, end)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, spans: list[tuple[int, int]]) -> SafeString:
    html, position = [], 0
    for start, end in spans:
        html.append(escape(text[position:start]))
        html.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    html.append(escape(text[position:]))
    return mark_safe("".join(html))


def title_html(title: str, words: list[str]) -> SafeString:
    return _marked(title, _spans(title, words))


def excerpt_html(body: str, words: list[str], length: int = EXCERPT_CHARS) -> SafeString:
    """A window of ``body`` around its first match (its beginning when none), matches marked."""
    if not body:
        return mark_safe("")
    spans = _spans(body, words)
    first = spans[0][0] if spans else 0
    start = max(0, first - length // 3)
    if start:
        space = body.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(body), start + length)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > first else end
    window = [
        (max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start
    ]
    html = _marked(body[start:end], window)
    prefix = "… " if start else ""
    suffix = " …" if end < len(body) else ""
    return mark_safe(f"{prefix}{html}{suffix}")
