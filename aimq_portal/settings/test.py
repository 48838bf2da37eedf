"""The test suite: fast and strict.

DATABASE_URL and CELERY_BROKER_URL may point at PostgreSQL and Redis (CI does both runs);
otherwise SQLite in memory and an in-memory broker.
"""

from .base import *  # noqa: F403
from .base import TEMPLATES, env

DEBUG = False
SECRET_KEY = "test-only-secret-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DATABASES = {"default": env.db("DATABASE_URL", default="sqlite://:memory:")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file-backed test database lets live-server and threaded tests share it.
    DATABASES["default"]["TEST"] = {"NAME": ""}
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# allauth rate limits use the cache; each test starts on a fresh local-memory cache.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
    },
}
LANGUAGE_COOKIE_SECURE = False


class _InvalidTemplateVariable(str):
    """Fails the test when a template names a variable that does not exist."""

    def __mod__(self, other):
        raise AssertionError(f"Invalid template variable: {other}")


for _engine in TEMPLATES:
    _engine["OPTIONS"]["string_if_invalid"] = _InvalidTemplateVariable("%s")

# Tests do not run collectstatic; autorefresh keeps WhiteNoise from warning, on every test,
# that STATIC_ROOT does not exist.
WHITENOISE_AUTOREFRESH = True
