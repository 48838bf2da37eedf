"""The text of uploaded documents: real small files made here, and broken or hostile ones that
give no text and never an error."""

import io
import zipfile

from search import extraction
from search.extraction import extract_text
from tests.search.documents import make_docx, make_odt, make_pdf, make_pptx


def test_a_pdfs_text_is_read_with_its_accents():
    text = extract_text("guide.pdf", make_pdf("Réfection des égouts", "Ponceaux (béton)"))

    assert text == "Réfection des égouts\nPonceaux (béton)"


def test_a_word_documents_runs_are_joined_into_its_words():
    text = extract_text("devis.DOCX", make_docx("Appels d'offres", "Égouts pluviaux"))

    assert text == "Appels d'offres\nÉgouts pluviaux"


def test_slides_are_read_in_their_order():
    slides = [f"Diapositive {number}" for number in range(1, 12)]

    assert extract_text("p.pptx", make_pptx(*slides)).split("\n") == slides


def test_an_opendocument_text_is_read():
    assert extract_text("note.odt", make_odt("Premier paragraphe", "Deuxième")) == (
        "Premier paragraphe\nDeuxième"
    )


def test_a_spreadsheets_shared_strings_are_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            "<si><t>Bordereau de prix</t></si>"
            "<si><r><t>Enrobé </t></r><r><t>bitumineux</t></r></si>"
            "</sst>",
        )

    assert extract_text("prix.xlsx", out.getvalue()) == "Bordereau de prix\nEnrobé bitumineux"


def test_broken_files_have_no_text():
    assert extract_text("a.pdf", b"%PDF-1.4 rien d'autre") == ""
    assert extract_text("a.docx", b"PK\x03\x04 pas une archive") == ""
    assert extract_text("image.png", b"\x89PNG\r\n\x1a\n") == ""
    assert extract_text("sans-extension", b"texte") == ""


def test_an_xml_entity_bomb_is_not_expanded():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", bomb)

    assert extract_text("bombe.docx", out.getvalue()) == ""


def test_a_zip_bomb_is_not_inflated(monkeypatch):
    monkeypatch.setattr(extraction, "MAX_XML_BYTES", 1000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:t>" + "a" * 100_000 + "</w:t>")

    assert len(out.getvalue()) < 1000
    assert extract_text("gonfle.docx", out.getvalue()) == ""


def test_the_text_is_bounded(monkeypatch):
    monkeypatch.setattr(extraction, "BODY_MAX_CHARS", 50)
    text = extract_text("long.pdf", make_pdf(*(f"Ligne numéro {n}" for n in range(40))))

    assert 0 < len(text) <= 50


def test_reading_stops_at_the_time_limit(monkeypatch):
    monkeypatch.setattr(extraction, "MAX_SECONDS", -1)  # already out of time

    assert extract_text("p.pptx", make_pptx("Une", "Deux")) == ""
