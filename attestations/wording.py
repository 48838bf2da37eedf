"""How dates, periods and hours are written on the page and the PDF, in the active language."""

from datetime import date

from django.utils import dateformat, translation
from django.utils.translation import gettext as _

from attestations.selectors import Period
from meetings.wording import hours_words

__all__ = ["day_words", "hours_words", "period_words"]


def day_words(day: date) -> str:
    """« 1er avril 2025 », « 31 mars 2027 »; "April 1, 2025" in English."""
    if translation.get_language().startswith("fr"):
        ordinal = "1er" if day.day == 1 else str(day.day)
        return f"{ordinal} {dateformat.format(day, 'F Y')}"
    return dateformat.format(day, "F j, Y")


def period_words(period: Period) -> str:
    return _("%(first_day)s to %(last_day)s") % {
        "first_day": day_words(period.first_day),
        "last_day": day_words(period.last_day),
    }
