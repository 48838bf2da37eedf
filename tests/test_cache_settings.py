"""Which cache the portal uses: one shared by every process (allauth's rate limits count
there), Redis when one is configured, files under var/cache/ otherwise. Each case reads the
settings in a fresh interpreter, with nothing from the shell's environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent
PRINT_CACHE = (
    "import json, django\n"
    "from django.conf import settings\n"
    "django.setup()\n"
    "print(json.dumps(settings.CACHES[ALIAS]))\n"
)
FILES = "django.core.cache.backends.filebased.FileBasedCache"
REDIS = "django.core.cache.backends.redis.RedisCache"


def _cache(tmp_path, alias="default", **env_vars) -> dict:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "aimq_portal.settings.dev",
        "AIMQ_VAR_DIR": str(tmp_path / "var"),
        **env_vars,
    }
    result = subprocess.run(
        [sys.executable, "-c", PRINT_CACHE.replace("ALIAS", repr(alias))],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("env_vars", "location"),
    [
        ({"CACHE_URL": "redis://cache:6379/2"}, "redis://cache:6379/2"),
        ({"REDIS_URL": "redis://redis:6379/0"}, "redis://redis:6379/0"),
        (
            {"CACHE_URL": "redis://cache:6379/2", "REDIS_URL": "redis://redis:6379/0"},
            "redis://cache:6379/2",
        ),
        # CI's PostgreSQL/Redis run sets only the broker: the same Redis serves the cache.
        ({"CELERY_BROKER_URL": "redis://127.0.0.1:6379/7"}, "redis://127.0.0.1:6379/7"),
    ],
    ids=["cache-url", "redis-url", "cache-url-first", "redis-broker"],
)
def test_a_configured_redis_is_the_cache(tmp_path, env_vars, location):
    cache = _cache(tmp_path, **env_vars)

    assert cache["BACKEND"] == REDIS
    assert cache["LOCATION"] == location
    assert cache["KEY_PREFIX"] == "aimq"  # apart from the broker's keys on a shared Redis


@pytest.mark.parametrize("env_vars", [{}, {"CELERY_BROKER_URL": "filesystem://"}])
def test_the_embedded_defaults_share_a_cache_in_files_under_var(tmp_path, env_vars):
    cache = _cache(tmp_path, **env_vars)

    assert cache["BACKEND"] == FILES
    assert cache["LOCATION"] == str(tmp_path / "var" / "cache")


def test_the_test_suite_keeps_a_fresh_memory_cache_per_test():
    assert settings.CACHES["default"]["BACKEND"] == (
        "django.core.cache.backends.locmem.LocMemCache"
    )


def test_shared_fragments_go_to_the_configured_redis_apart_from_other_keys(tmp_path):
    fragments = _cache(tmp_path, alias="fragments", CACHE_URL="redis://cache:6379/2")

    assert fragments["BACKEND"] == REDIS
    assert fragments["LOCATION"] == "redis://cache:6379/2"
    assert fragments["KEY_PREFIX"] == "aimq:fragments"


def test_without_redis_shared_fragments_stay_in_each_process_s_memory(tmp_path):
    """Their version key is in the default cache, shared by the processes (see
    communities.cards), so a process's memory never serves a stale card."""
    fragments = _cache(tmp_path, alias="fragments")

    assert fragments["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
