"""The release: a fingerprint of the running code and of what it renders with.

Whatever is cached across processes and outlives a deploy (whole pages, rendered fragments,
the community cards and rows) holds it in its key: the next release never reads what the
previous code rendered or shaped, even when no data changed in between.
"""

import functools
import hashlib
import os

from django.conf import settings

# What a release is made of, under the project's folder (not its libraries, data or tests).
_RELEASE_SUFFIXES = (".py", ".html", ".txt", ".mo", ".css", ".js", ".svg", ".json")
_NOT_RELEASE = {"var", "media", "tests", "docs", "bench", "node_modules", "__pycache__"}


@functools.cache
def fingerprint() -> str:
    """A fingerprint of the running code and what it renders with (names, sizes and times of
    modification) under the project's folder, read once per process: a few milliseconds, the
    first time a cache key needs it."""
    digest = hashlib.blake2b(digest_size=12)
    for directory, folders, files in os.walk(settings.BASE_DIR):
        folders[:] = sorted(f for f in folders if f not in _NOT_RELEASE and not f.startswith("."))
        for name in sorted(files):
            if name.endswith(_RELEASE_SUFFIXES):
                path = os.path.join(directory, name)
                stat = os.stat(path)
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()
