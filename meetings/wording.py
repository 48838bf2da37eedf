"""How hours of continuing education are written: on the meeting's page here, and on the
attestations (page and PDF) above, the same way."""

from decimal import Decimal

from django.template.defaultfilters import floatformat


def hours_words(hours: Decimal) -> str:
    """3,5, 3,25 and 4 (not 3,50 or 4,00), in the active language's decimal mark."""
    hundredths = int(hours * 100) % 100
    decimals = 0 if hundredths == 0 else 1 if hundredths % 10 == 0 else 2
    return floatformat(hours, decimals)
