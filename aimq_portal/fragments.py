"""Rendered fragments cached under a fingerprint of the rows they show.

A page reads its rows anyway (a few cheap queries); what costs is rendering them: a community's
meetings or its members table, with their dates, translations and links, take longer to render
than to read. Such a fragment is cached under a key made of everything it shows (the loaded
fields of its rows, the language, the time zone, the viewer's role where it matters), so it
needs no invalidation: a change to any shown row gives a new key, and stale entries expire
unread. A template caches the fragment with Django's ``{% cache %}`` tag in the "fragments"
cache (Redis when configured, else each process's memory)::

    {% load cache %}{% cache fragment_timeout meetings-section fingerprint using="fragments" %}

The fingerprint must cover whatever the fragment renders: pass every row it reads (and
whatever else varies it, such as a permission), and let the fragment use only fields loaded
with those rows.
"""

import hashlib
from collections.abc import Iterable

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import get_language

from aimq_portal import release

# Entries of old fingerprints are never read again: a day is plenty for the live ones.
TIMEOUT = 60 * 60 * 24


def row_values(instance: Model) -> tuple:
    """The loaded concrete fields of ``instance`` (deferred ones are left out: reading them
    here would query)."""
    loaded = instance.__dict__
    return (
        type(instance).__name__,
        tuple(loaded.get(field.attname) for field in instance._meta.concrete_fields),
    )


def rows_values(instances: Iterable[Model]) -> tuple:
    return tuple(row_values(instance) for instance in instances)


def fingerprint(*parts: object) -> str:
    """A key for a fragment that shows ``parts``, in the active language and time zone, as
    this release renders it."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(
        repr(
            (release.fingerprint(), get_language(), timezone.get_current_timezone_name(), parts)
        ).encode()
    )
    return digest.hexdigest()
