"""Settings shared by every environment.

Every value comes from the environment (django-environ) with an embedded default that lets a
developer run the portal with nothing else installed: SQLite, a filesystem Celery broker and
e-mails written as files under var/mail/.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# What the embedded defaults write: the SQLite file, e-mails, the filesystem broker's folders.
VAR_DIR = Path(env.str("AIMQ_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Django's admin, on a site that validates its input and rate-limits its log-in.
    "aimq_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "aimq_portal",
    "notifications",
    "submit_once",
    "members",
    "communities",
    "search",
    "digest",
    "directory",
    "meetings",
    "scheduling",
    "attestations",
    "talks",
    "library",
    "questions",
    "health",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in member's preferred language applies. No i18n_patterns,
    # so CommonMiddleware does not need the language earlier.
    "aimq_portal.middleware.FrenchFirstLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A creating form sent twice: the second answer is the page of what the first created.
    "submit_once.middleware.SubmitOnceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication and messages: an account without consent (Loi 25) sees the consent
    # page first.
    "members.middleware.ConsentRequiredMiddleware",
    "csp.middleware.CSPMiddleware",
]

# Content-Security-Policy, in every environment so that tests and developers meet it first:
# scripts, styles and fonts come from the portal only, never inline. Bootstrap's CSS draws its
# icons (select arrows, checkboxes) as data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Behind a reverse proxy (nginx, a load balancer) that terminates TLS: the header it sets to
# say the visitor used https (SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto), and how the client's
# IP reaches allauth's per-IP rate limits: the number of proxies that append to
# X-Forwarded-For (ALLAUTH_TRUSTED_PROXY_COUNT), or a header the proxy sets to it
# (ALLAUTH_TRUSTED_CLIENT_IP_HEADER=X-Real-IP). Off unless set: when gunicorn is reached
# directly, anyone can send these headers, to pass for https or to dodge the rate limits.
_proxy_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="").strip()
if _proxy_ssl_header and not _proxy_ssl_header.upper().startswith("HTTP_"):
    _proxy_ssl_header = "HTTP_" + _proxy_ssl_header.upper().replace("-", "_")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header.upper(), "https") if _proxy_ssl_header else None
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default="") or None

ROOT_URLCONF = "aimq_portal.urls"
WSGI_APPLICATION = "aimq_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "communities.context_processors.lead_inbox",
            ],
        },
    },
    {
        # E-mail subjects and text bodies are plain text: nothing is HTML-escaped there (an
        # apostrophe must not arrive as &#x27;). Only notifications.rendering uses it.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "NAME": "text",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# Embedded default: a SQLite file under var/. DATABASE_URL=postgres://... switches to
# PostgreSQL through psycopg 3.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # allauth's, restricted to addresses that belong to the account (see the module).
    "members.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Sessions: a signed-in member stays signed in for two weeks, across browser restarts, then
# signs in again. Members come back every few weeks, from the links in meeting e-mails, and a
# login at each visit would push them to weak, remembered passwords; two weeks bounds what a
# forgotten session on a shared municipal computer exposes. The age counts from the session's
# last change (sign-in, a message, a form), not from each page read: no write per request.
# Sessions are read from the cache (Redis when configured) on each signed-in request, and
# written through to the database, which stays the reference (closing an account deletes them).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 24 * 14)
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_HTTPONLY = True

# django-allauth 65: e-mail is the login, no usernames, verification is mandatory.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# Which addresses are a member's (README, "Privacy and security"): an address belongs to an
# account once confirmed from its mailbox, or as the account's login address (User.email, unique,
# never set to an unconfirmed address while the account has a confirmed one). An address typed on
# /comptes/email/ and never confirmed belongs to nobody. allauth stores it (enumeration
# prevention forbids saying it is taken) and its own look-ups for log-in, password reset and
# sign-up still find the account that typed it; members.selectors.users_owning_email replaces
# them (members.auth_backends, members.forms), and the data download and the closure use
# members.selectors.member_addresses. Several confirmed addresses per account stay possible (an
# engineer changing employer keeps both for a while). ACCOUNT_CHANGE_EMAIL (one address, the new
# one pending until confirmed) would not be enough: its pending address is the same unverified
# row allauth's look-ups find; ACCOUNT_MAX_EMAIL_ADDRESSES only bounds how many are typed.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[AIMQ] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
# Sign-up adds the consent Loi 25 asks for and the choice to show one's contact details.
# The password reset looks an address up among confirmed ones only (members.forms).
ACCOUNT_FORMS = {
    "signup": "members.forms.SignupForm",
    "reset_password": "members.forms.ResetPasswordForm",
}
# allauth's own rate limits stay on (they are its defaults); spelled out so they are visible.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    # Also guards the password asked again to close an account (members.views.close_account).
    "reauthenticate": "10/m/user",
    # Not allauth's: the public page that checks an attestation's code
    # (attestations.views.verify), so that nobody tries codes in bulk.
    "attestation_verify": "30/m/ip",
}

# French first (fr-CA); English second. The language a visitor picks is kept in a cookie.
LANGUAGE_CODE = "fr-ca"
LANGUAGES = [("fr-ca", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["aimq_portal.formats"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
USE_I18N = True
TIME_ZONE = "America/Montreal"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

from django.contrib.messages import constants as message_constants  # noqa: E402

MESSAGE_TAGS = {message_constants.ERROR: "danger"}

# E-mail: files under var/mail/ by default, so a developer reads what the portal sent.
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")
_email_config = env.email_url("EMAIL_URL", default="filemail://")
# django-environ files `?timeout=` under OPTIONS, which Django's SMTP backend ignores: a mail
# server that accepts the connection and then says nothing would block a worker for ever.
_email_timeout = _email_config.pop("OPTIONS", {}).get("TIMEOUT")
if _email_config["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    EMAIL_BACKEND = _email_config["EMAIL_BACKEND"]
else:
    vars().update(_email_config)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=_email_timeout or 20)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="AIMQ – Communautés de pratique <portail@example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where join requests go when a community has no lead, and where late requests escalate.
STAFF_NOTIFICATION_EMAILS = env.list("STAFF_NOTIFICATION_EMAILS", default=["staff@example.org"])

# Celery: an embedded filesystem broker by default (no Redis needed); CELERY_BROKER_URL or
# REDIS_URL switch to Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=env.str("REDIS_URL", default="")) or (
    "filesystem://"
)

# The cache holds allauth's rate limits, so every process serving the portal (gunicorn's
# workers, several hosts) must share it: a per-process cache would multiply each limit by the
# number of workers. Redis when one is configured (CACHE_URL, else REDIS_URL, else a Redis
# broker: the same server, under the "aimq" key prefix; the portal never flushes the cache).
# Otherwise files under var/cache/, shared by the processes of one host (`make run`).
CACHE_URL = env.str("CACHE_URL", default=env.str("REDIS_URL", default=""))
if not CACHE_URL and CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CACHE_URL = CELERY_BROKER_URL
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "aimq",
            # A Redis that does not answer fails the request quickly rather than hanging it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # Past MAX_ENTRIES a third of the files are dropped, counters included.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# Rendered fragments that are the same for everyone (the community cards, per language) go to
# the "fragments" cache: the same Redis when one is configured, else each process's memory.
# Their version key lives in the shared "default" cache, so a change made in one process (a
# gunicorn worker, the Celery worker) makes every process render again.
# A member's community and meeting pages and a lead's inbox are kept whole per viewer until
# data changes or the clock changes them (aimq_portal.page_cache), in the "default" cache.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
CACHES["fragments"] = (
    {
        **CACHES["default"],
        "KEY_PREFIX": "aimq:fragments",
        # A day at most: entries of old versions are never read again and expire.
        "TIMEOUT": 60 * 60 * 24,
    }
    if CACHE_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "aimq-fragments",
        "TIMEOUT": 60 * 60 * 24,
        "OPTIONS": {"MAX_ENTRIES": 2_000},
    }
)
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        # A Redis that does not answer fails a publish within seconds (see the kick above).
        "socket_connect_timeout": 2,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No task runs for ever: the soft limit lets the outbox relay release its claims, the hard one
# kills a task stuck on a silent mail server.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
# A member's action kicks the outbox relay after its commit: with the broker down, that kick
# must fail fast (the beat sends the messages later), not hold the member's page.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)

# The outbox (notifications.relay): how many messages a relay claims at once, how long a claim
# holds (longer than any task may live, so only a dead worker's claims run out), how long one
# relay task sends before handing over, and after how many failed attempts a message is given
# up (staff can send it again from the admin).
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=100)
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
OUTBOX_RELAY_SECONDS = env.int("OUTBOX_RELAY_SECONDS", default=CELERY_TASK_SOFT_TIME_LIMIT // 2)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
if OUTBOX_LEASE_SECONDS <= CELERY_TASK_TIME_LIMIT:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "OUTBOX_LEASE_SECONDS must be longer than CELERY_TASK_TIME_LIMIT: a claim must outlive "
        "the task that holds it."
    )
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The periodic tasks themselves are in aimq_portal/celery.py: their crontab would import Celery
# into every web worker, which reads these settings and never runs beat.
# How long before a meeting its reminders go out (local wall-clock days; see meetings.services).
MEETING_REMINDER_OFFSETS = [
    timedelta(days=days)
    for days in env.list("MEETING_REMINDER_OFFSET_DAYS", cast=int, default=[7, 1])
]
# The waiting list for in-person seats (meetings.seats): how long a freed seat is held for the
# member it is offered to, and how long before the meeting every offer ends at the latest.
MEETING_SEAT_OFFER_HOURS = env.int("MEETING_SEAT_OFFER_HOURS", default=48)
MEETING_SEAT_OFFER_CUTOFF_HOURS = env.int("MEETING_SEAT_OFFER_CUTOFF_HOURS", default=3)
# How long before a date poll closes its members who have not answered are reminded (once).
SCHEDULING_REMINDER_HOURS = env.int("SCHEDULING_REMINDER_HOURS", default=48)
# How long an answer to a peer's question can be edited by its author after it is posted.
QUESTIONS_ANSWER_EDIT_MINUTES = env.int("QUESTIONS_ANSWER_EDIT_MINUTES", default=15)
# A community that leaves preparation: for this long only the members who said they were
# interested may ask to join; then it shows as "new" to everyone for COMMUNITIES_NEW_BADGE_DAYS.
COMMUNITIES_HEAD_START_HOURS = env.int("COMMUNITIES_HEAD_START_HOURS", default=48)
COMMUNITIES_NEW_BADGE_DAYS = env.int("COMMUNITIES_NEW_BADGE_DAYS", default=30)
CELERY_TASK_ALWAYS_EAGER = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Who answers for personal information (Loi 25), shown on the privacy page.
PRIVACY_OFFICER = env.str(
    "PRIVACY_OFFICER", default="Responsable de la protection des renseignements personnels, AIMQ"
)
PRIVACY_OFFICER_EMAIL = env.str("PRIVACY_OFFICER_EMAIL", default="vie-privee@example.org")

# Continuing-education attestations: hours are totalled per reference period, here two years
# from 1 April (one of them starting in 2025: 1 April 2025 to 31 March 2027), as the Ordre des
# ingénieurs du Québec counts them.
ATTESTATIONS_PERIOD_START = (
    env.int("ATTESTATIONS_PERIOD_START_MONTH", default=4),
    env.int("ATTESTATIONS_PERIOD_START_DAY", default=1),
)
ATTESTATIONS_PERIOD_YEARS = env.int("ATTESTATIONS_PERIOD_YEARS", default=2)
ATTESTATIONS_PERIOD_FIRST_YEAR = env.int("ATTESTATIONS_PERIOD_FIRST_YEAR", default=2025)
