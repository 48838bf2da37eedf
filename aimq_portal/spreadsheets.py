"""Cells of the CSV files people open in a spreadsheet (the roster, the admin's member lists)."""

# A cell starting with one of these is run as a formula by Excel or LibreOffice (CSV
# injection): "=HYPERLINK(...)" typed as a dietary need would become a link on the lead's screen.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> str:
    """The value as text a spreadsheet shows as typed: a leading quote keeps a would-be
    formula as text. None is an empty cell."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text
