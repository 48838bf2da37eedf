"""The portal side of `make bench`, run in the portal's environment (DATABASE_URL etc.):

    probe.py pages     the pages to load and the sessions to load them with (JSON)
    probe.py queries   queries and bytes per page, cold (nothing cached) and warm (JSON)

Personas: the bench accounts of build_bench_data when they exist, else the demo data's."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _personas() -> dict:
    from django.utils import timezone

    from communities.models import Membership
    from meetings.management.commands import build_bench_data as bench
    from meetings.models import CalendarFeedToken, Meeting
    from members.models import User

    if User.objects.filter(email=bench.STAFF_EMAIL).exists():
        staff_email, member_email = bench.STAFF_EMAIL, bench.MEMBER_EMAIL
    else:
        staff_email, member_email = "admin@example.org", "membre01@example.org"
    staff = User.objects.get(email=staff_email)
    member = User.objects.get(email=member_email)
    community = (
        Membership.objects.filter(member=member)
        .select_related("community")
        .order_by("community__slug")
        .first()
        .community
    )
    meeting = (
        Meeting.objects.filter(
            community=community, starts_at__gte=timezone.now(), cancelled_at__isnull=True
        )
        .order_by("starts_at")
        .first()
    )
    token, _ = CalendarFeedToken.objects.get_or_create(member=member)
    return {
        "staff": staff,
        "member": member,
        "community": community,
        "meeting": meeting,
        "token": token.token,
    }


def _search_url() -> str | None:
    """The search page, if the portal has one (an app of another issue)."""
    from django.urls import NoReverseMatch, reverse

    for name in ("search:index", "search:search", "search:results", "directory:search"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def pages() -> list[dict]:
    from django.urls import reverse

    who = _personas()
    listed = [
        ("staff inbox", "staff", reverse("communities:inbox"), "list"),
        ("community list", "member", reverse("communities:list"), "list"),
        (
            "community page, member",
            "member",
            reverse("communities:detail", args=[who["community"].slug]),
            "detail",
        ),
        (
            "meeting page, member",
            "member",
            reverse("meetings:detail", args=[who["meeting"].pk]),
            "detail",
        ),
        ("calendar feed", None, reverse("meetings:feed", args=[who["token"]]), "list"),
        # References, without a target: what any page costs a signed-in member before its own
        # content (the privacy page: static text, the navbar, the session, the user), the
        # member pages when they are rendered rather than served from the page cache
        # (aimq_portal.page_cache), and the community page as a visitor sees it.
        ("reference: privacy page, member", "member", reverse("privacy"), "detail"),
        # The same member pages rendered (a query string is never served from the page cache):
        # what a member's first reading costs, and each reading after any change.
        (
            "reference: community page, member, rendered",
            "member",
            reverse("communities:detail", args=[who["community"].slug]) + "?render",
            "detail",
        ),
        (
            "reference: meeting page, member, rendered",
            "member",
            reverse("meetings:detail", args=[who["meeting"].pk]) + "?render",
            "detail",
        ),
        (
            "reference: community page, visitor",
            None,
            reverse("communities:detail", args=[who["community"].slug]),
            "detail",
        ),
    ]
    search = _search_url()
    if search:
        listed.append(("search page", "member", search, "list"))
    return [
        {"page": page, "persona": persona, "path": path, "baseline": baseline}
        for page, persona, path, baseline in listed
    ]


def sessions() -> dict:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    who = _personas()
    keys = {}
    for persona in ("staff", "member"):
        user = who[persona]
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys[persona] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    return keys


def queries() -> list[dict]:
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    who = _personas()
    results = []
    for page in pages():
        client = Client(HTTP_HOST="127.0.0.1")
        if page["persona"]:
            client.force_login(who[page["persona"]])
        counts, size, status = [], 0, None
        for each in caches.all():
            each.clear()  # the probe runs on caches of its own, never the load's Redis
        for _ in range(2):  # cold, then warm
            with CaptureQueriesContext(connection) as captured:
                response = client.get(page["path"])
            counts.append(len(captured))
            size, status = len(response.content), response.status_code
        results.append(
            {**page, "cold": counts[0], "warm": counts[1], "bytes": size, "status": status}
        )
    return results


if __name__ == "__main__":
    _setup()
    command = sys.argv[1]
    if command == "pages":
        from communities import cards

        # The database was just built again behind the portal's back (bulk inserts send no
        # signal): cards cached in Redis by an earlier run must not be served.
        cards.invalidate()
        print(json.dumps({"pages": pages(), "cookies": sessions()}))
    elif command == "queries":
        print(json.dumps(queries()))
    else:
        raise SystemExit(__doc__)
