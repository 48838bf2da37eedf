"""Whole pages cached per viewer, valid until the data changes or the clock changes them.

A member's community page or meeting page, or a lead's inbox, reads rows and renders them with
their status, forms and links: most of its time goes to work whose result is the same as the
last time this viewer looked, as long as nothing was written since. ``per_viewer`` keeps each
viewer's page and serves it again while both of these hold:

- **No write since.** Every statement that writes (INSERT, UPDATE, DELETE, whatever issues it:
  a model's save, a ``queryset.update()``, a bulk insert, raw SQL, in a web worker, the Celery
  worker or a management command) sets a new data version once it commits, through an execute
  wrapper on every database connection. A page is kept under the version read before its rows,
  so a write committed while it renders leaves it stale under an old version nobody asks for.
  A statement that changed no row counts for nothing, nor a write to a table no kept page reads
  (sessions, the e-mail outbox, the reminders' log: ``unshown_table``).
- **Not past its horizon.** What changes with the clock alone (a meeting starting or ending, a
  poll closing, a community's phase, a seat offer expiring) is declared where the decision is
  taken, with ``expires_at(when)``: the page is kept until the earliest such instant, and
  ``TIMEOUT`` at most.

The key holds everything else a page varies with: the view and its path, the viewer, the
language, the time zone, the host (absolute links) and the release (a fingerprint of the
project's code, templates, translations and static files: a deploy never serves a page the
previous code rendered). What a page must never repeat from one
response to the next is kept as a hole and made afresh at each serving (``fill_afresh``): the
forms' CSRF token, masked anew as Django does (so a page is served again after a new CSRF
secret, at each log-in, or to a client that keeps no cookie), and the one-time token of a
creating form (submit_once registers it). A request with a query string or with messages
waiting to be shown is never served from or stored in the cache, and neither is a response
that is not a plain 200 or that sets a cookie.

Inside a test's transaction nothing commits: a connection that wrote in a transaction not yet
committed sets a new version before its next page is looked up, so a test that changes data
and reads the page again sees the change.
"""

import contextvars
import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection as default_connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone
from django.utils.translation import get_language

from aimq_portal import release, versions

VERSION_KEY = "portal:data:version"
# A page is kept this long at most; the data version and the horizon usually end it sooner.
TIMEOUT = timedelta(minutes=15)

# Statements that read or only steer a transaction; anything else counts as a write.
_READ_PREFIXES = (
    "SELECT",
    "SAVEPOINT",
    "RELEASE",
    "ROLLBACK",
    "BEGIN",
    "COMMIT",
    "SET ",
    "SHOW",
    "EXPLAIN",
    "PRAGMA",
)
# Tables no kept page reads: writing them changes no page. Sessions are saved as members
# browse; apps add the bookkeeping they write in volume (the e-mail outbox, the reminders' log)
# with ``unshown_table``. tests/test_page_cache.py checks that no kept page reads them.
_IGNORED_TABLES: set[str] = {"django_session"}
_IGNORED_TABLES_QUOTED: tuple[str, ...] = ('"django_session"',)


# --- The data version -----------------------------------------------------------------------


def data_version() -> str:
    return versions.current(VERSION_KEY)


def new_version() -> None:
    """Every cached page is stale."""
    versions.renew(VERSION_KEY)


def unshown_table(table: str) -> None:
    """Called by an app's ready(): no kept page reads ``table``, so writing it changes none."""
    global _IGNORED_TABLES_QUOTED
    _IGNORED_TABLES.add(table)
    _IGNORED_TABLES_QUOTED = tuple(f'"{name}"' for name in sorted(_IGNORED_TABLES))


def ignored_tables() -> frozenset[str]:
    return frozenset(_IGNORED_TABLES)


def _is_write(sql: str) -> bool:
    head = sql[:80].lstrip()
    if head.upper().startswith(_READ_PREFIXES):
        return False
    # The table comes first after the verb: INSERT INTO "t", UPDATE "t", DELETE FROM "t".
    return not any(table in head for table in _IGNORED_TABLES_QUOTED)


def new_version_on_commit(connection) -> None:
    """The on_commit callback of a transaction that wrote."""
    connection.aimq_unseen_write = False
    new_version()


def _registered(connection) -> bool:
    # One callback per transaction; one registered inside a savepoint that was rolled back is
    # gone from the list, and the next write registers it again.
    return any(
        getattr(callback, "func", None) is new_version_on_commit
        for _savepoints, callback, _robust in connection.run_on_commit
    )


def _changed_rows(sql: str, cursor) -> bool:
    """False for a write that changed no row (a sweep with nothing due), which leaves the pages
    as they were. With RETURNING, SQLite counts the rows only once they are fetched: such a
    statement counts as a change."""
    return cursor.rowcount != 0 or "RETURNING" in sql


def record_writes(execute, sql, params, many, context):
    """An execute wrapper (installed on every connection): a statement that changed rows (or
    may have: -1, unknown) sets a new data version, at once in autocommit, else when its
    transaction commits."""
    result = execute(sql, params, many, context)
    if _is_write(sql) and _changed_rows(sql, context["cursor"]):
        connection = context["connection"]
        if connection.in_atomic_block:
            # Seen by this connection's own reads before the commit (a test's transaction).
            connection.aimq_unseen_write = True
            if not _registered(connection):
                connection.on_commit(functools.partial(new_version_on_commit, connection))
        else:
            new_version()
    return result


def watch_connection(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver (PortalConfig.ready). First in the list, so that a
    ``connection.execute_wrapper()`` block that opens a connection pops its own wrapper."""
    if record_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, record_writes)


def settings_changed(**kwargs) -> None:
    new_version()


def _version_and_entry(key: str) -> tuple[str, "_Entry | None"]:
    """The data version and the page kept under ``key``: one round trip to the cache."""
    if getattr(default_connection, "aimq_unseen_write", False):
        default_connection.aimq_unseen_write = False
        new_version()
    found = cache.get_many([VERSION_KEY, key])
    return found.get(VERSION_KEY) or data_version(), found.get(key)


# --- The horizon: when what is shown changes by the clock alone ------------------------------

_horizon: contextvars.ContextVar[list[datetime] | None] = contextvars.ContextVar(
    "page_cache_horizon", default=None
)


def expires_at(when: datetime | None) -> None:
    """What the page being rendered shows changes by itself at ``when`` (a meeting starts, a
    poll closes): it is not served from the cache from then on. An instant already past, or
    None, changes nothing. Costs nothing outside a cached page's rendering."""
    instants = _horizon.get()
    if instants is not None and when is not None:
        instants.append(when)


# --- The pages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    version: str
    valid_until: datetime
    pieces: tuple[bytes, ...]  # the page, cut around its holes
    holes: tuple[int, ...]  # which of _holes goes between two pieces
    content_type: str


def _page_key(request: HttpRequest, view_name: str) -> str:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(
        repr(
            (
                release.fingerprint(),
                view_name,
                request.path,
                request.user.pk,
                get_language(),
                timezone.get_current_timezone_name(),
                request.get_host(),
                request.scheme,
            )
        ).encode()
    )
    return "portal:page:" + digest.hexdigest()


@dataclass(frozen=True)
class _Hole:
    """A value a page must not repeat from one response to the next (a CSRF token, a form's
    one-time token): kept as a hole, filled afresh by ``make(request)`` at each serving.
    ``pattern``'s first group is the value; ``kept(value, request)`` tells it is one."""

    pattern: re.Pattern
    make: Callable[[HttpRequest], str]
    kept: Callable[[bytes, HttpRequest], bool] = lambda value, request: True


def _masked_from_visitors_secret(token: bytes, request: HttpRequest) -> bool:
    secret = request.META.get("CSRF_COOKIE")
    return secret is not None and _unmask_cipher_token(token.decode()) == secret


_holes: list[_Hole] = [
    # Django's masked CSRF token (64 letters and digits), masked afresh for each response as a
    # rendering does; for a visitor who has no CSRF cookie yet, get_token() makes the secret
    # and the cookie is set, as a rendering sets it.
    _Hole(re.compile(rb'"([A-Za-z0-9]{64})"'), get_token, _masked_from_visitors_secret),
]


def fill_afresh(pattern: bytes, make: Callable[[HttpRequest], str]) -> None:
    """Called by an app's ready(): values matching ``pattern`` (its first group) are made
    afresh for each response of a kept page."""
    _holes.append(_Hole(re.compile(pattern), make))


def _with_holes(content: bytes, request: HttpRequest) -> tuple[tuple[bytes, ...], tuple[int, ...]]:
    """``content`` cut around its holes: the pieces between them, and which hole each is."""
    found = sorted(
        (match.start(1), match.end(1), index)
        for index, hole in enumerate(_holes)
        for match in hole.pattern.finditer(content)
        if hole.kept(match.group(1), request)
    )
    pieces, kinds, position = [], [], 0
    for start, end, index in found:
        if start < position:
            continue  # inside a hole already cut
        pieces.append(content[position:start])
        kinds.append(index)
        position = end
    pieces.append(content[position:])
    return tuple(pieces), tuple(kinds)


def _filled(pieces: tuple[bytes, ...], kinds: tuple[int, ...], request: HttpRequest) -> bytes:
    parts = [pieces[0]]
    for kind, piece in zip(kinds, pieces[1:], strict=True):
        parts.append(_holes[kind].make(request).encode())
        parts.append(piece)
    return b"".join(parts)


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_ENABLED
        and request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        # Messages waiting: the page shows them once, so it is rendered for this request.
        and not len(get_messages(request))
    )


def per_viewer(view):
    """Serves ``view``'s page again to the same viewer while no data changed and its horizon
    (``expires_at``) is not reached. The view must read nothing but the database, the path,
    the viewer and the clock (declared with ``expires_at``)."""
    view_name = f"{view.__module__}.{view.__qualname__}"

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _page_key(request, view_name)
        version, entry = _version_and_entry(key)
        now = timezone.now()
        if entry is not None and entry.version == version and now < entry.valid_until:
            return HttpResponse(
                _filled(entry.pieces, entry.holes, request), content_type=entry.content_type
            )
        instants: list[datetime] = []
        token = _horizon.set(instants)
        try:
            response = view(request, *args, **kwargs)
        finally:
            _horizon.reset(token)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            valid_until = min([now + TIMEOUT, *(i for i in instants if i > now)])
            pieces, holes = _with_holes(response.content, request)
            cache.set(
                key,
                _Entry(
                    version=version,
                    valid_until=valid_until,
                    pieces=pieces,
                    holes=holes,
                    content_type=response["Content-Type"],
                ),
                timeout=max(int((valid_until - now).total_seconds()), 1),
            )
        return response

    return wrapped
