"""Local development: debug on, a development-only secret key, local hosts."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

# A fresh checkout has no var/: SQLite cannot create its file in a missing folder.
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
