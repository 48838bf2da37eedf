"""The production settings for tests that start gunicorn: the same configuration, with static
files served from the source folders (tests do not run collectstatic, which the production
storage's manifest needs)."""

from aimq_portal.settings.production import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
