"""The community cards, rendered once per language and shared by every visitor.

A card (name, summary, leads, seats, open or full) is the same for everyone; only the visitor's
own status (member, lead, request pending, place on the waiting list) differs, and the list
page renders it beside the cached card, never into it. The same goes for the public home
page's section of communities (anonymous visitors only, so nothing in it is per visitor).

Invalidation is by version: every cached fragment's key holds the current version, read from
the shared "default" cache (Redis, or files on one host), and any change to what a card shows
(a community, a membership, a join request, a lead's name or account) sets a new version, so
every process renders again and entries of old versions expire unread. The fragments
themselves live in the "fragments" cache (Redis when configured, else each process's memory).

The version changes when the change is saved and again when its transaction commits: a
visitor who read the old rows just before the commit cannot keep them under the new version.
"""

from dataclasses import dataclass

from django.core.cache import caches
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from aimq_portal import release, versions
from communities import selectors
from communities.models import Community, JoinRequest, Membership, Phase, phase_of
from members.models import User

VERSION_KEY = "communities:cards:version"
# What a lead's card shows of them: their name (``display_name``: e-mail when no name, "Former
# member" once their account is closed). A save of other fields (last_login) keeps the cards.
_SHOWN_USER_FIELDS = frozenset({"first_name", "last_name", "email", "closed_at"})


def _fragments():
    return caches["fragments"]


def current_version() -> str:
    return versions.current(VERSION_KEY)


def _new_version() -> None:
    versions.renew(VERSION_KEY)


def invalidate() -> None:
    """Every cached card and front-door section is stale: now, and once the change commits."""
    _new_version()
    transaction.on_commit(_new_version)


@dataclass
class Card:
    """One community of the list: its shared HTML, and what the visitor's status and the
    "I am interested" button need."""

    pk: int
    is_full: bool
    html: SafeString
    slug: str = ""
    name: str = ""
    phase_now: str = Phase.OPEN
    viewer_status: str | None = None
    viewer_position: int | None = None


def _timeout(communities) -> dict:
    """A card shows its community's phase ("Opening", "New community"), which changes with
    time and no saved row: the fragment expires when the first of them changes."""
    changes = [phase_of(c.status, c.opened_at)[1] for c in communities]
    changes = [change for change in changes if change is not None]
    if not changes:
        return {}
    seconds = (min(changes) - timezone.now()).total_seconds()
    default = _fragments().default_timeout
    if default is not None:
        seconds = min(seconds, default)
    return {"timeout": max(int(seconds), 1)}


def _key(version: str, *parts) -> str:
    return ":".join(
        [
            "communities:cards",
            release.fingerprint(),  # a deploy renders the cards and reads the rows again
            version,
            get_language() or "",
            *map(str, parts),
        ]
    )


def cards_page(*, page_number, per_page: int) -> Page:
    """A page of the community list as cards (``Card``); the page's number resolves against
    the cached number of communities, so an odd ``?page=`` adds no entry to the cache.
    On a hit: two cache reads and no query."""
    version = current_version()
    fragments = _fragments()
    count_key = _key(version, "count")
    count = fragments.get(count_key)
    if count is None:
        count = Community.objects.count()
        fragments.set(count_key, count)
    page = Paginator(range(count), per_page).get_page(page_number)
    key = _key(version, "page", per_page, page.number)
    entry = fragments.get(key)
    if entry is None:
        template = get_template("communities/includes/community_card.html")
        rows = selectors.community_cards(offset=(page.number - 1) * per_page, limit=per_page)
        entry = [
            (
                community.pk,
                community.is_full,
                template.render({"community": community}),
                community.slug,
                community.name,
                community.status,
                community.opened_at,
            )
            for community in rows
        ]
        fragments.set(key, entry, **_timeout(rows))
    page.object_list = [
        Card(
            pk=pk,
            is_full=is_full,
            html=mark_safe(html),  # noqa: S308 (rendered by us)
            slug=slug,
            name=name,
            phase_now=phase_of(status, opened_at)[0],
        )
        for pk, is_full, html, slug, name, status, opened_at in entry
    ]
    return page


def front_door_html() -> SafeString:
    """The public home page's section of communities, in the active language."""
    key = _key(current_version(), "front-door")
    html = _fragments().get(key)
    if html is None:
        communities = selectors.front_door_communities()
        html = render_to_string(
            "communities/includes/front_door.html", {"communities": communities}
        )
        _fragments().set(key, html, **_timeout(communities))
    return mark_safe(html)  # noqa: S308 (rendered by us from escaped templates)


def community_detail(*, slug: str, user) -> Community | None:
    """``selectors.community_detail``, the community's own row, member count and leads read
    once per version (every change to them gives a new one); the visitor's status is read for
    them on each request."""
    key = _key(current_version(), "row", slug)
    fragments = _fragments()
    row = fragments.get(key)
    if row is None:
        row = selectors.community_row(slug=slug)
        if row is None:
            return None
        fragments.set(key, row)
    return selectors.community_detail(slug=slug, user=user, row=row)


def lead_inbox_badge(user) -> selectors.LeadInboxBadge:
    """The navbar's inbox badge, on every page a signed-in member sees, read once per version:
    it counts memberships and join requests, whose every change gives a new version."""
    key = _key(current_version(), "badge", user.pk, user.is_staff)
    fragments = _fragments()
    cached = fragments.get(key)
    if cached is not None:
        return selectors.LeadInboxBadge(*cached)
    badge = selectors.lead_inbox_badge(user=user)
    fragments.set(key, (badge.shown, badge.pending))
    return badge


def _changed(sender, **kwargs) -> None:
    invalidate()


def _user_changed(sender, instance, update_fields=None, created=False, **kwargs) -> None:
    if created:
        return  # a new account leads nothing yet
    if update_fields is None or _SHOWN_USER_FIELDS & set(update_fields):
        invalidate()


def connect() -> None:
    """Called by the app's ready(): what a card shows changes with these rows. Queryset
    ``update()`` sends no signal: the services that change these rows save them instead."""
    for model in (Community, Membership, JoinRequest):
        uid = f"communities.cards.{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}.delete")
    post_save.connect(_user_changed, sender=User, dispatch_uid="communities.cards.user.save")
    post_delete.connect(_changed, sender=User, dispatch_uid="communities.cards.user.delete")
