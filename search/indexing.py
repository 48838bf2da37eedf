"""Writing the index: one object's entry (on change), or a whole source (the rebuild)."""

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from search import registry
from search.models import Audience, SearchEntry
from search.text import TITLE_MAX_CHARS, clean, normalise

REBUILD_BATCH = 500


def _fields(document: registry.Document) -> dict:
    if document.audience == Audience.COMMUNITY and document.community_id is None:
        raise ImproperlyConfigured("An entry for the community's members needs its community.")
    title = clean(document.title, TITLE_MAX_CHARS)
    body = clean(document.body)
    # The normalised copies serve the SQLite search only: PostgreSQL reads its vector, and
    # narrower rows keep its scans of the matches short.
    plain = connection.vendor != "postgresql"
    return {
        "title": title,
        "body": body,
        "url": document.url,
        "community_id": document.community_id,
        "audience": document.audience,
        "updated_at": document.updated_at,
        "plain_title": normalise(title) if plain else "",
        "plain": normalise(f"{title}\n{body}") if plain else "",
    }


def _source(name: str) -> registry.SearchSource:
    found = registry.source(name)
    if found is None:
        raise ImproperlyConfigured(f"No search source named {name!r} is registered.")
    return found


def index_object(source_name: str, object_id: int) -> None:
    """Writes the entry of one object as it is now, or removes it when the object is gone or
    its source leaves it out. Called in the transaction of the change."""
    search_source = _source(source_name)
    instance = search_source.queryset().filter(pk=object_id).first()
    document = search_source.document(instance) if instance is not None else None
    if document is None:
        SearchEntry.objects.filter(source=source_name, object_id=object_id).delete()
        return
    SearchEntry.objects.update_or_create(
        source=source_name, object_id=object_id, defaults=_fields(document)
    )


def remove_object(source_name: str, object_id: int) -> None:
    SearchEntry.objects.filter(source=source_name, object_id=object_id).delete()


def rebuild(source_names: list[str] | None = None) -> dict[str, int]:
    """Rebuilds the entries of the named sources (all when None), each in one transaction;
    returns how many entries each has now."""
    names = source_names or [search_source.name for search_source in registry.sources()]
    counts = {}
    for name in names:
        search_source = _source(name)
        with transaction.atomic():
            SearchEntry.objects.filter(source=name).delete()
            batch: list[SearchEntry] = []
            count = 0
            for instance in search_source.queryset().order_by("pk").iterator(REBUILD_BATCH):
                document = search_source.document(instance)
                if document is None:
                    continue
                batch.append(SearchEntry(source=name, object_id=instance.pk, **_fields(document)))
                if len(batch) >= REBUILD_BATCH:
                    count += len(SearchEntry.objects.bulk_create(batch))
                    batch = []
            count += len(SearchEntry.objects.bulk_create(batch))
        counts[name] = count
    return counts


def forget_removed_sources() -> int:
    """Removes the entries of sources no longer registered (an app taken out)."""
    names = [search_source.name for search_source in registry.sources()]
    deleted, _ = SearchEntry.objects.exclude(source__in=names).delete()
    return deleted
