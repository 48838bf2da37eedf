import importlib
import os
from datetime import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from tests.factories import StaffFactory, UserFactory


def _on_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _on_redis() -> bool:
    return settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))


def pytest_configure(config):
    """AIMQ_TEST_CLOCK=<ISO instant> starts the whole run at that instant, the clock ticking
    from there, as if the suite were run at that hour: CI runs the suite so at awkward instants
    (13:30 UTC, just before midnight in Montréal, the night of the autumn time change) to prove
    no test depends on the hour or the day it runs. A test that freezes the clock itself still
    does so inside this one."""
    instant = os.environ.get("AIMQ_TEST_CLOCK")
    if instant:
        moment = datetime.fromisoformat(instant)
        if moment.tzinfo is None:
            raise pytest.UsageError("AIMQ_TEST_CLOCK needs an offset, as 2026-11-01T06:30:00+00:00")
        config._aimq_clock = time_machine.travel(moment, tick=True)
        config._aimq_clock.start()


def pytest_unconfigure(config):
    clock = getattr(config, "_aimq_clock", None)
    if clock is not None:
        clock.stop()


def pytest_report_header(config):
    instant = os.environ.get("AIMQ_TEST_CLOCK")
    return f"clock: starts at {instant} (AIMQ_TEST_CLOCK)" if instant else None


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` or `broker` need the real services; elsewhere they are skipped
    with a reason. With AIMQ_REQUIRE_SERVICES=1 (CI's PostgreSQL/Redis run) the run refuses to
    start without them, so those tests can never be skipped silently there."""
    if os.environ.get("AIMQ_REQUIRE_SERVICES") == "1" and not (_on_postgresql() and _on_redis()):
        raise pytest.UsageError(
            "AIMQ_REQUIRE_SERVICES=1 but DATABASE_URL/CELERY_BROKER_URL are not PostgreSQL/Redis."
        )
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
    skip_redis = pytest.mark.skip(reason="needs a Redis broker (set CELERY_BROKER_URL=redis://…)")
    for item in items:
        if "postgres" in item.keywords and not _on_postgresql():
            item.add_marker(skip_pg)
        if "broker" in item.keywords and not _on_redis():
            item.add_marker(skip_redis)


_SEEDS = importlib.import_module("communities.migrations.0002_three_communities_of_the_association")


@pytest.fixture(autouse=True)
def _rows_the_migrations_seed(request, django_db_blocker):
    """The migrations seed the association's three communities and the vocabulary of areas of
    expertise; a transactional test (the browser tests, the concurrency tests) empties every
    table when it ends, those rows included. Every test that uses the database finds them, as
    it would in a run of its own: they are put back (committed) when they are missing."""
    uses_database = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if uses_database:
        from django.apps import apps

        from communities.models import Community
        from members.models import ExpertiseArea
        from members.vocabulary import vocabulary_seed

        slugs = [fields["slug"] for fields in _SEEDS.COMMUNITIES]
        with django_db_blocker.unblock():
            if Community.objects.filter(slug__in=slugs).count() < len(slugs):
                _SEEDS.create_communities(apps, None)
            if not ExpertiseArea.objects.exists():
                vocabulary_seed()
    yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth's rate limits live in the cache; without this a mail sent in one test (say a
    confirmation, limited to one per address every 3 minutes) silences the next test's."""
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture(autouse=True)
def _language_reset():
    """A page asked in English leaves English active in the test's thread (the locale
    middleware activates it, nothing deactivates it): the next test would start in English.
    Each test starts and ends in the portal's language."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def member(db):
    """A signed-up member with a verified address, who belongs to no community."""
    return UserFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def english(client):
    """Switches the test client to English, as the language switcher's cookie does."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Runs what the code enqueues, as a worker would: on-commit callbacks are executed and
    Celery tasks run eagerly in the test's process. Use as a context manager:
    ``with run_tasks(): service(...)``."""
    from contextlib import contextmanager

    from aimq_portal.celery import app

    @contextmanager
    def _run():
        previous = app.conf.task_always_eager, app.conf.task_eager_propagates
        app.conf.task_always_eager = True
        app.conf.task_eager_propagates = True
        try:
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                yield callbacks
        finally:
            app.conf.task_always_eager, app.conf.task_eager_propagates = previous

    return _run
