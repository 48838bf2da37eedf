"""The French catalogue is complete, and the compiled .mo says what the .po says.

Fails until every string is translated and `make messages` has compiled the catalogue.
"""

from pathlib import Path

import polib
import pytest

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "locale" / "fr" / "LC_MESSAGES"
PO_PATH = CATALOGUE_DIR / "django.po"
MO_PATH = CATALOGUE_DIR / "django.mo"


def _key(entry) -> tuple:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _translation(entry) -> tuple:
    if entry.msgid_plural:
        return tuple(sorted(entry.msgstr_plural.items()))
    return (entry.msgstr,)


@pytest.fixture(scope="module")
def po():
    assert PO_PATH.exists(), f"{PO_PATH} is missing; run `make messages`"
    return polib.pofile(str(PO_PATH))


def _live_entries(po) -> list:
    return [entry for entry in po if not entry.obsolete]


def test_french_catalogue_has_no_untranslated_entry(po):
    untranslated = [entry.msgid for entry in _live_entries(po) if not entry.translated()]
    # polib counts fuzzy entries as untranslated; they are reported by the next test.
    untranslated = [
        msgid for msgid in untranslated if msgid not in {e.msgid for e in po.fuzzy_entries()}
    ]

    assert untranslated == []


def test_french_catalogue_has_no_fuzzy_entry(po):
    assert [entry.msgid for entry in po.fuzzy_entries() if not entry.obsolete] == []


def test_compiled_catalogue_matches_the_po(po):
    # File dates mean nothing after a git checkout, so the .mo is compared by content: what
    # Django will serve must be exactly the .po's translated entries.
    assert MO_PATH.exists(), f"{MO_PATH} is missing; run `make messages`"
    mo = polib.mofile(str(MO_PATH))
    expected = {_key(entry): _translation(entry) for entry in po.translated_entries()}
    compiled = {_key(entry): _translation(entry) for entry in mo if entry.msgid}

    assert sorted(set(expected) - set(compiled)) == [], "translated in the .po, not in the .mo"
    assert sorted(set(compiled) - set(expected)) == [], "in the .mo, no longer in the .po"
    differing = [key for key in expected if expected[key] != compiled[key]]
    assert differing == [], "the .mo says something else than the .po"
