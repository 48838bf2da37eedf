"""The attestation as a PDF, drawn server-side with ReportLab in the member's language.

The built-in Helvetica covers French: ReportLab writes the standard fonts in WinAnsi, which has
é è à ç ô, « », the apostrophes and the no-break space (tests/attestations read them back)."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from attestations.models import Attestation
from attestations.selectors import Activity
from attestations.wording import day_words, hours_words
from meetings.services import LOCAL_ZONE

ASSOCIATION = "Association des ingénieurs municipaux du Québec"
AIMQ_BLUE = colors.HexColor("#003b71")


def _styles() -> dict[str, ParagraphStyle]:
    sheet = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=sheet["BodyText"], fontName="Helvetica", fontSize=10.5)
    return {
        "title": ParagraphStyle(
            "title", parent=sheet["Title"], fontName="Helvetica-Bold", textColor=AIMQ_BLUE
        ),
        "association": ParagraphStyle(
            "association", parent=body, fontName="Helvetica-Bold", fontSize=12, alignment=1
        ),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=9.5, leading=12),
        "small": ParagraphStyle("small", parent=body, fontSize=9, textColor=colors.dimgrey),
    }


def attestation_pdf(
    *,
    attestation: Attestation,
    activities: list[Activity],
    language: str,
    verify_url: str,
    holder: str,
) -> bytes:
    """``holder``: the name printed (the member's address when they gave no name)."""
    with translation.override(language):
        return _draw(attestation, activities, verify_url, holder)


def _draw(
    attestation: Attestation, activities: list[Activity], verify_url: str, holder: str
) -> bytes:
    styles = _styles()
    buffer = BytesIO()
    title = _("Continuing-education attestation")
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=f"{title} {attestation.year}",
        author=ASSOCIATION,
    )
    text = lambda words, style="body": Paragraph(escape(words), styles[style])  # noqa: E731
    rows = [[_("Date"), _("Community"), _("Subject"), _("Hours")]]
    rows += [
        [
            text(dateformat.format(activity.day, "Y-m-d"), "cell"),
            text(activity.community, "cell"),
            text(activity.subject, "cell"),
            hours_words(activity.hours),
        ]
        for activity in activities
    ]
    rows.append(["", "", _("Total"), hours_words(attestation.hours)])
    table = Table(rows, colWidths=[2.4 * cm, 4.6 * cm, 8.0 * cm, 2.0 * cm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, AIMQ_BLUE),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, AIMQ_BLUE),
                ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
                ("ALIGN", (2, -1), (2, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    issued_on = timezone.localdate(attestation.issued_at, LOCAL_ZONE)
    story = [
        text(ASSOCIATION, "association"),
        Spacer(1, 0.4 * cm),
        text(f"{title} {attestation.year}", "title"),
        text(
            _(
                "The Association des ingénieurs municipaux du Québec attests that %(name)s "
                "took part in the following activities of its communities of practice in "
                "%(year)d, for a total of %(hours)s hours of continuing education."
            )
            % {
                "name": holder,
                "year": attestation.year,
                "hours": hours_words(attestation.hours),
            }
        ),
        Spacer(1, 0.4 * cm),
        table,
        Spacer(1, 0.6 * cm),
        text(_("Issued on %(date)s.") % {"date": day_words(issued_on)}),
        Spacer(1, 0.3 * cm),
        text(_("Verification code: %(code)s") % {"code": attestation.display_code}),
        text(
            _("Anyone can check that this attestation is genuine at %(url)s") % {"url": verify_url},
            "small",
        ),
    ]
    document.build(story)
    return buffer.getvalue()
