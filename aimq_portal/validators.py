"""Validators shared by the apps (the bottom layer: no app imports here)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Unicode's own line and paragraph separators break a line as surely as CR and LF do.
_LINE_SEPARATORS = {"\u2028", "\u2029"}


def has_control_characters(value: str) -> bool:
    return any(
        unicodedata.category(character) == "Cc" or character in _LINE_SEPARATORS
        for character in value
    )


def validate_single_line(value: str) -> None:
    """For names, titles and other one-line fields: a line break or a control character there
    is a paste accident, and would break the headers and calendar files the value goes into."""
    if value and has_control_characters(value):
        raise ValidationError(
            _("Write this on one line, without line breaks or control characters."),
            code="control_characters",
        )
