"""Production: refuses to start on an unsafe configuration."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, SECRET_KEY, env

DEBUG = env.bool("DEBUG", default=False)

_UNSAFE_KEY_MARKERS = ("insecure", "dev-only", "change-me", "changeme", "test-only")
if not DEBUG:
    if len(SECRET_KEY) < 50 or any(marker in SECRET_KEY for marker in _UNSAFE_KEY_MARKERS):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters."
        )
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:  # noqa: F405
        raise ImproperlyConfigured("ALLOWED_HOSTS must list the portal's host names.")
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env.bool(
        "ALLOW_SQLITE", default=False
    ):
        raise ImproperlyConfigured("DATABASE_URL must point at the production database.")

# SECURE_PROXY_SSL_HEADER and the trusted proxies are in base.py: off unless set.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The session's age and HttpOnly flag are in base.py: every environment expires sessions alike.
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
# Links in e-mails use https; a local docker compose served over plain http sets "http".
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="https")
