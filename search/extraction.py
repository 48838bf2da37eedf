"""The text of an uploaded document, for the search: PDF (pypdf) and Office files (Word, Excel,
PowerPoint and OpenDocument are ZIP archives of XML, read with the standard library).

Bounded in size, pages and time, and never failing: a file that cannot be read (broken,
encrypted, an image, a ZIP bomb) has no text, and its upload goes on."""

import io
import logging
import re
import time
import zipfile

from search.text import BODY_MAX_CHARS, clean

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_XML_BYTES = 20 * 1024 * 1024  # uncompressed, all parts of one Office file together
MAX_PDF_PAGES = 300
MAX_SECONDS = 5.0

OFFICE_PARTS = {
    "docx": re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml"),
    "pptx": re.compile(r"ppt/(slides/slide\d+|notesSlides/notesSlide\d+)\.xml"),
    "xlsx": re.compile(r"xl/sharedStrings\.xml"),
    "odt": re.compile(r"content\.xml"),
    "ods": re.compile(r"content\.xml"),
    "odp": re.compile(r"content\.xml"),
}
# Elements that hold text (Office Open XML: w:t, a:t, t) and those that end a line
# (paragraphs, shared strings, table cells), whatever their namespace.
_TEXT_TAGS = {"t"}
_BREAK_TAGS = {"p", "h", "si", "tc", "br", "tab", "list-item"}


class _OutOfTime(Exception):
    pass


def extract_text(name: str, data: bytes) -> str:
    """The text of the file ``name`` holding ``data``; "" when there is none to be had."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if len(data) > MAX_FILE_BYTES:
        return ""
    deadline = time.monotonic() + MAX_SECONDS
    try:
        if extension == "pdf":
            text = _pdf_text(data, deadline)
        elif extension in OFFICE_PARTS:
            text = _office_text(data, OFFICE_PARTS[extension], deadline)
        else:
            return ""
    except Exception:  # a broken file of any kind: no text, never a failed upload
        logger.info("No text could be read from %s.", name, exc_info=True)
        return ""
    return clean(text, BODY_MAX_CHARS)


def extract_file_text(field_file) -> str:
    """The text of a FieldFile, whether just uploaded (left open and rewound for its save) or
    already stored."""
    name = field_file.name or ""
    try:
        if not getattr(field_file, "_committed", True):
            upload = field_file.file
            upload.seek(0)
            data = upload.read(MAX_FILE_BYTES + 1)
            upload.seek(0)
        else:
            field_file.open("rb")
            try:
                data = field_file.read(MAX_FILE_BYTES + 1)
            finally:
                field_file.close()
    except (OSError, ValueError):
        logger.info("The file %s could not be read for its text.", name, exc_info=True)
        return ""
    return extract_text(name, data)


def _pdf_text(data: bytes, deadline: float) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        return ""
    parts: list[str] = []
    size = 0
    for number, page in enumerate(reader.pages):
        if number >= MAX_PDF_PAGES or size >= BODY_MAX_CHARS or time.monotonic() > deadline:
            break
        try:
            page_text = page.extract_text() or ""
        except Exception:  # one unreadable page: the others still count
            continue
        parts.append(page_text)
        size += len(page_text)
    return "\n".join(parts)


def _office_text(data: bytes, parts_pattern: re.Pattern, deadline: float) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [info for info in archive.infolist() if parts_pattern.fullmatch(info.filename)]
        members.sort(key=lambda info: _natural_key(info.filename))
        if sum(info.file_size for info in members) > MAX_XML_BYTES:
            return ""  # declared larger than any real document: a ZIP bomb, or too much
        texts: list[str] = []
        size = 0
        for info in members:
            if size >= BODY_MAX_CHARS or time.monotonic() > deadline:
                break
            with archive.open(info) as part:
                # The declared size may lie: never read more than the bound.
                xml = part.read(MAX_XML_BYTES + 1)
            if len(xml) > MAX_XML_BYTES:
                return ""
            try:
                part_text = _xml_text(xml, deadline)
            except _OutOfTime:
                break
            texts.append(part_text)
            size += len(part_text)
        return "\n".join(texts)


def _xml_text(xml: bytes, deadline: float) -> str:
    # Here, not at the top: the search sources import this module in every web worker, and only
    # an upload's text needs the XML parser (with pyexpat).
    from xml.etree import ElementTree

    # Office parts never declare a DTD: refusing one refuses entity expansion bombs.
    if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml:
        return ""
    chunks: list[str] = []
    for count, (_event, element) in enumerate(
        ElementTree.iterparse(io.BytesIO(xml), events=("end",))
    ):
        if count % 5000 == 0 and time.monotonic() > deadline:
            raise _OutOfTime
        local = element.tag.rsplit("}", 1)[-1]
        if local in _TEXT_TAGS and element.text:
            chunks.append(element.text)
        elif local in _BREAK_TAGS:
            # OpenDocument keeps a paragraph's text in the paragraph and its spans.
            if not _is_open_xml(element.tag):
                chunks.append("".join(element.itertext()))
            chunks.append("\n")
            element.clear()
    # Runs of one word may be split ("ég", "outs"): their spaces are in the text itself.
    return "".join(chunks)


def _is_open_xml(tag: str) -> bool:
    return "openxmlformats" in tag or "schemas.microsoft.com" in tag


def _natural_key(name: str) -> list:
    return [int(piece) if piece.isdigit() else piece for piece in re.split(r"(\d+)", name)]
