"""Sign-up answers as fast for an address that has an account as for a new one: otherwise the
answer's speed tells who has an account (ACCOUNT_PREVENT_ENUMERATION hides it in the words).

A timing depends on the machine, so no test asserts one (tests/members/test_signup.py counts
the password hashings instead); this measures it: `make bench`. It runs the test settings with
the production password hasher (PBKDF2, Django's default), on SQLite in memory, and prints the
median time of each path."""

import os
import statistics
import sys
import time

os.environ["DJANGO_SETTINGS_MODULE"] = "aimq_portal.settings.test"
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 15
PASSWORD = "motdepasse-Solide-42"


def _sign_up(client: Client, email: str) -> float:
    cache.clear()  # the rate limits would stop the run, not a visitor
    started = time.perf_counter()
    response = client.post(
        "/comptes/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, "privacy_consent": "on"},
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed


def main() -> None:
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    default_hashers = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ]
    with override_settings(PASSWORD_HASHERS=default_hashers):
        client = Client()
        _sign_up(client, "existante@example.org")  # the account, and a warm-up
        new, existing = [], []
        for round_ in range(ROUNDS):
            new.append(_sign_up(client, f"nouvelle{round_}@example.org"))
            existing.append(_sign_up(client, "existante@example.org"))
        hasher = settings.PASSWORD_HASHERS[0].rsplit(".", 1)[-1]
    print(f"Sign-up, median of {ROUNDS} rounds ({hasher}):")
    print(f"  new address:      {statistics.median(new) * 1000:7.1f} ms")
    print(f"  existing address: {statistics.median(existing) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
