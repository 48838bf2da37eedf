"""Text as the index keeps it: one line of words, no control characters, bounded; and its
normalised form (lower case, no accents) for the embedded SQLite search."""

import re
import unicodedata

BODY_MAX_CHARS = 100_000
TITLE_MAX_CHARS = 300
# Marks of a highlighted match inside ts_headline's answer, turned into <mark> once the text is
# escaped. Private-use characters, removed from every indexed text, so no text can forge one.
MATCH_START, MATCH_END = "\ue000", "\ue001"

_UNWANTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff]")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})


def clean(text: str, limit: int = BODY_MAX_CHARS) -> str:
    """Without control or private-use characters, spaces collapsed, at most ``limit``."""
    text = _UNWANTED.sub(" ", text or "")
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n", text)
    return text.strip()[:limit]


def normalise_char(char: str) -> str:
    """One character lower-cased without its accents ("É" → "e", "œ" → "oe"); "" for a mark."""
    decomposed = unicodedata.normalize("NFKD", char.lower().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Lower case, accents stripped, anything but letters and digits a single space."""
    folded = "".join(normalise_char(char) for char in text or "")
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def query_words(query: str, limit: int = 10) -> list[str]:
    """The words of a query for the SQLite search: normalised, without one-letter words (the
    "d" of "d'offres"), with a plural's final s or x dropped ("ponceaux" finds "ponceau",
    "égouts" finds "égout"), since each word is matched as a part of the text."""
    words = []
    for word in normalise(query).split():
        if len(word) < 2:
            continue
        if len(word) > 3 and word[-1] in "sx":
            word = word[:-1]
        if word not in words:
            words.append(word)
    return words[:limit]


def in_both_languages(label) -> str:
    """A translated label (a kind, a region) in French and in English, so that it is found in
    either: "Gabarit Template"."""
    from django.utils import translation

    seen: list[str] = []
    for language in ("fr-ca", "en"):
        with translation.override(language):
            text = str(label)
        if text not in seen:
            seen.append(text)
    return " ".join(seen)
