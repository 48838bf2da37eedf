"""Small real documents made in the tests: a PDF with text (a minimal PDF writer) and Office
files built with zipfile."""

import io
import zipfile


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("cp1252") + b")"


def make_pdf(*lines: str) -> bytes:
    """A one-page PDF showing ``lines`` in Helvetica (WinAnsi, so accents survive)."""
    content = (
        b"BT /F1 12 Tf 72 720 Td 14 TL "
        + b" ".join(_pdf_string(line) + b" Tj T*" for line in lines)
        + b" ET"
    )
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]"
        b"/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        b"<</Length " + str(len(content)).encode() + b">>stream\n" + content + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def make_docx(*paragraphs: str) -> bytes:
    """A Word document: each paragraph's words split over two runs, as Word often does."""
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{text[:3]}</w:t></w:r>'
        f'<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{text[3:]}</w:t></w:r></w:p>'
        for text in paragraphs
    )
    return _zip(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?>'
            f"<w:document {W}><w:body>{body}</w:body></w:document>",
        }
    )


def make_pptx(*slides: str) -> bytes:
    a = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    p = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
    return _zip(
        {
            f"ppt/slides/slide{number}.xml": f"<p:sld {p} {a}><p:cSld><p:spTree><a:p><a:r>"
            f"<a:t>{text}</a:t></a:r></a:p></p:spTree></p:cSld></p:sld>"
            for number, text in enumerate(slides, start=1)
        }
    )


def make_odt(*paragraphs: str) -> bytes:
    text_ns = 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    office = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    body = "".join(
        f"<text:p>{paragraph[:4]}<text:span>{paragraph[4:]}</text:span></text:p>"
        for paragraph in paragraphs
    )
    return _zip(
        {
            "content.xml": f"<office:document-content {office} {text_ns}><office:body>"
            f"<office:text>{body}</office:text></office:body></office:document-content>"
        }
    )


def _zip(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return out.getvalue()
