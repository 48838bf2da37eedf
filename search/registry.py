"""The sources of the index: each app above this one registers, in its own
``search_sources.py``, how its objects become entries (see SearchConfig's docstring), and
``watch``es the models whose changes alter them."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

from search.models import Audience

__all__ = [
    "Audience",
    "Document",
    "SearchSource",
    "register",
    "source",
    "sources",
    "watch",
    "watch_many_to_many",
    "watch_signal",
]


@dataclass(frozen=True)
class Document:
    """What the index keeps of one object. ``community_id`` is required when the audience is
    the community's members; with another audience it only names the community on the result."""

    title: str
    url: str
    audience: Audience | str
    updated_at: datetime
    body: str = ""
    community_id: int | None = None


@dataclass(frozen=True)
class SearchSource:
    name: str  # unique and stable: it is stored in the index, e.g. "library.resource"
    label: Any  # a lazy translated label: what each result of this source is
    queryset: Callable[[], models.QuerySet]  # every object, with what document() reads
    document: Callable[[Any], Document | None]  # None: this object is not in the index


_SOURCES: dict[str, SearchSource] = {}


def register(search_source: SearchSource) -> SearchSource:
    _SOURCES[search_source.name] = search_source
    return search_source


def source(name: str) -> SearchSource | None:
    return _SOURCES.get(name)


def sources() -> list[SearchSource]:
    return list(_SOURCES.values())


def watch(
    model: type[models.Model],
    search_source: SearchSource,
    *,
    pks: Callable[[Any], Iterable[int]] | None = None,
    fields: Iterable[str] | None = None,
) -> None:
    """Re-indexes, in the transaction of the change, the entries of ``search_source`` that a
    saved or deleted ``model`` instance touches: by default the instance itself, else the
    primary keys ``pks(instance)`` gives. A save limited by ``update_fields`` to none of
    ``fields`` (when given) is ignored, as a log-in that only sets ``last_login``."""
    from search import indexing

    pks_of = pks or (lambda instance: [instance.pk])
    relevant = frozenset(fields) if fields is not None else None

    def _saved(sender, instance, raw=False, update_fields=None, **kwargs):
        if raw or (relevant is not None and update_fields and relevant.isdisjoint(update_fields)):
            return
        for pk in list(pks_of(instance)):
            indexing.index_object(search_source.name, pk)

    def _deleted(sender, instance, **kwargs):
        for pk in list(pks_of(instance)):
            indexing.index_object(search_source.name, pk)

    uid = f"search:{search_source.name}:{model._meta.label}"
    post_save.connect(_saved, sender=model, weak=False, dispatch_uid=f"{uid}:save")
    post_delete.connect(_deleted, sender=model, weak=False, dispatch_uid=f"{uid}:delete")


def watch_many_to_many(through: type[models.Model], search_source: SearchSource) -> None:
    """Re-indexes the objects of ``search_source`` whose many-to-many set (``through``, from
    the source's model) changes, as a resource's tags."""
    from search import indexing

    def _changed(sender, instance, action, reverse, pk_set, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if not reverse:
            indexing.index_object(search_source.name, instance.pk)
        else:
            for pk in pk_set or ():
                indexing.index_object(search_source.name, pk)

    m2m_changed.connect(
        _changed, sender=through, weak=False, dispatch_uid=f"search:{search_source.name}:m2m"
    )


def watch_signal(
    signal: Signal, search_source: SearchSource, *, pks: Callable[..., Iterable[int]]
) -> None:
    """Re-indexes, in the transaction of the sender, the objects of ``search_source`` whose
    primary keys ``pks(**kwargs)`` gives when ``signal`` is sent: for an app's change made in
    bulk, which sends no model signal (a merge of expertise areas)."""
    from search import indexing

    def _sent(sender, **kwargs):
        for pk in list(pks(**kwargs)):
            indexing.index_object(search_source.name, pk)

    signal.connect(_sent, weak=False, dispatch_uid=f"search:{search_source.name}:{id(signal)}")
