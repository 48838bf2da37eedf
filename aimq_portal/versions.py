"""Versions kept in the shared "default" cache: a cache that cannot know when the rows behind
its entries change holds the current version in their keys, and whatever changes those rows
sets a new one, which every process reads (entries under old versions expire unread)."""

import uuid

from django.core.cache import cache


def current(key: str) -> str:
    """The version under ``key``, made now if there is none (first use, or evicted)."""
    version = cache.get(key)
    if version is None:
        version = uuid.uuid4().hex
        # add(): two processes starting at once agree on the first version.
        if not cache.add(key, version, timeout=None):
            version = cache.get(key) or version
    return version


def renew(key: str) -> None:
    """Every entry under the version at ``key`` is stale."""
    cache.set(key, uuid.uuid4().hex, timeout=None)
