"""Django's own French says, in the admin, "Ajouter un objet Nouveau membre supplémentaire"
under an inline. Listed here, never called, so that `makemessages` copies the string into
locale/fr, whose translation comes before Django's own (LOCALE_PATHS)."""

from django.utils.translation import gettext_noop

DJANGO_STRINGS_REWORDED = (
    # The button under an admin inline; %(verbose_name)s is the inline's name, capitalised.
    gettext_noop("Add another %(verbose_name)s"),
)
