"""The sections of the weekly digest, contributed by the apps above (see the app docstring):
``@digest_section(name, title=..., order=...)`` registers a provider
``(DigestRequest) -> {(member_id, community_id): [DigestItem]}``."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class DigestItem:
    """One line of a section: a title, its absolute link and a short detail (a date, a kind),
    already in the reader's language. ``is_new``: the item makes the digest worth sending."""

    title: str
    url: str
    detail: str = ""
    is_new: bool = True


@dataclass(frozen=True)
class DigestRequest:
    """What the providers are asked, for a batch of members: the communities each member's
    digest covers, since when each member hears of news, and the present instant."""

    communities: dict[int, frozenset[int]]  # member id -> community ids
    since: dict[int, datetime]  # member id -> news since
    now: datetime

    @property
    def all_communities(self) -> set[int]:
        return set().union(*self.communities.values()) if self.communities else set()

    @property
    def earliest(self) -> datetime:
        """The earliest ``since`` of the batch: one query from there covers every member."""
        return min(self.since.values(), default=self.now)

    def per_member(
        self,
        rows: Iterable[Any],
        *,
        item: Callable[[Any], DigestItem],
        created: Callable[[Any], datetime] = lambda row: row.created_at,
        community: Callable[[Any], int] = lambda row: row.community_id,
        news_only: bool = True,
    ) -> dict[tuple[int, int], list[DigestItem]]:
        """Shares rows read once for the batch among its members: each member gets, in the
        rows' order, those of their communities created since their own ``since`` (all of
        them, marked new or not, when ``news_only`` is False)."""
        rows = list(rows)
        by_community: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            by_community[community(row)].append(row)
        answer: dict[tuple[int, int], list[DigestItem]] = {}
        built: dict[tuple[int, bool], DigestItem] = {}
        for member_id, community_ids in self.communities.items():
            since = self.since[member_id]
            for community_id in community_ids:
                items = []
                for row in by_community.get(community_id, ()):
                    is_new = created(row) >= since
                    if news_only and not is_new:
                        continue
                    key = (id(row), is_new)
                    if key not in built:
                        built[key] = _with_news(item(row), is_new)
                    items.append(built[key])
                if items:
                    answer[(member_id, community_id)] = items
        return answer


def _with_news(item: DigestItem, is_new: bool) -> DigestItem:
    if item.is_new == is_new:
        return item
    return DigestItem(title=item.title, url=item.url, detail=item.detail, is_new=is_new)


Provider = Callable[[DigestRequest], dict[tuple[int, int], list[DigestItem]]]


@dataclass(frozen=True)
class Section:
    name: str
    title: Any  # a lazy translation, shown in the reader's language
    order: int
    collect: Provider


_sections: dict[str, Section] = {}


def digest_section(name: str, *, title, order: int) -> Callable[[Provider], Provider]:
    def register(collect: Provider) -> Provider:
        existing = _sections.get(name)
        if existing is not None and existing.collect is not collect:
            raise ImproperlyConfigured(f"Two digest sections named {name!r}.")
        _sections[name] = Section(name=name, title=title, order=order, collect=collect)
        return collect

    return register


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.name))
