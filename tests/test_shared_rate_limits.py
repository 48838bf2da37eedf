"""allauth's rate limits hold across gunicorn's workers: they count in the shared cache (Redis,
or files under var/cache/ on the embedded defaults), not in each process's memory.

A real gunicorn with two sync workers serves the portal on the production settings, against
the test database (PostgreSQL: a subprocess cannot reach SQLite's in-memory test database).
Which worker answers is made certain, not left to chance: a sync worker serves one connection at
a time, so a request left unfinished on one connection holds one worker, and every other request
goes to the other. The access log (with each worker's process id) shows who answered what."""

import http.client
import os
import secrets
import signal
import socket
import string
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parent.parent
CSRF = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    database = connection.settings_dict
    credentials = quote(database["USER"] or "")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"])
    host = database["HOST"] or "127.0.0.1"
    port = database["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{database['NAME']}"


class Gunicorn:
    def __init__(self, tmp_path: Path, cache_env: dict[str, str]) -> None:
        self.port = _free_port()
        self.log = tmp_path / "access.log"
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", ""),
            # The production settings, static files aside (tests/gunicorn_settings.py).
            "DJANGO_SETTINGS_MODULE": "tests.gunicorn_settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": _database_url(),
            "SECURE_SSL_REDIRECT": "False",
            "SECURE_HSTS_SECONDS": "0",
            "AIMQ_VAR_DIR": str(tmp_path / "var"),
            "EMAIL_URL": "filemail://",
            "EMAIL_FILE_PATH": str(tmp_path / "mail"),
            # Nothing reaches the run's broker; the cache is what the case sets.
            "CELERY_BROKER_URL": "memory://",
            **cache_env,
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "aimq_portal.wsgi",
                "--workers=2",
                f"--bind=127.0.0.1:{self.port}",
                f"--access-logfile={self.log}",
                "--access-logformat=%(p)s %(m)s %(U)s %(q)s %(s)s",
                # gunicorn's control socket is one path per user: tests may run side by side.
                "--no-control-socket",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_until_serving()

    def _wait_until_serving(self) -> None:
        for _ in range(300):
            if self.process.poll() is not None:
                raise AssertionError(self.process.stderr.read().decode())
            try:
                self.request("GET", "/healthz")
                return
            except OSError:
                time.sleep(0.1)  # polls the server's start, not the clock
        raise AssertionError("gunicorn did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def request(self, method: str, path: str, form: dict | None = None) -> int:
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": f"csrftoken={CSRF}", "Connection": "close"}
        body = None
        if form is not None:
            body = urlencode({"csrfmiddlewaretoken": CSRF, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        client.request(method, path, body=body, headers=headers)
        status = client.getresponse().status
        client.close()
        return status

    def access_log(self) -> list[list[str]]:
        """[process id, method, path, query, status] of every request served. A worker writes
        its line once the client has its answer: the order of lines is not the order of
        requests."""
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        return [line.split(" ") for line in lines]

    def served_by(self, query: str) -> str:
        """The process id of the worker that served the request with this query string."""
        for _ in range(500):
            for pid, _method, _path, logged_query, _status in self.access_log():
                if logged_query == query:
                    return pid
            time.sleep(0.01)  # polls the log being written, not the clock
        raise AssertionError(f"no request ?{query} in the access log")

    def hold_a_worker(self) -> "HeldWorker":
        """Sends a request's first line and headers but not their end: the worker that
        accepted it waits for the rest, and serves nothing else meanwhile."""
        held = socket.create_connection(("127.0.0.1", self.port))
        held.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
        # A request after it goes to the other worker: the one that is free says who it is.
        probe = f"probe-{secrets.token_hex(4)}"
        self.request("GET", f"/healthz?{probe}")
        return HeldWorker(held, self.served_by(probe))


class HeldWorker:
    def __init__(self, held: socket.socket, free_pid: str) -> None:
        self.held = held
        self.free_pid = free_pid

    def release(self) -> None:
        self.held.sendall(b"\r\n")
        while self.held.recv(65536):
            pass
        self.held.close()


@pytest.fixture
def serve(tmp_path):
    servers = []

    def _serve(cache_env: dict[str, str]) -> Gunicorn:
        servers.append(Gunicorn(tmp_path, cache_env))
        return servers[-1]

    yield _serve
    for server in servers:
        server.stop()


def _redis_cache_env() -> dict[str, str]:
    """The run's Redis (CI sets CELERY_BROKER_URL=redis://…/<n>), as CACHE_URL. The keys a
    previous run may have left in the window are removed first."""
    import redis

    url = settings.CELERY_BROKER_URL
    client = redis.Redis.from_url(url)
    for key in client.scan_iter("aimq:*allauth:rl:*"):
        client.delete(key)
    return {"CACHE_URL": url}


CACHES = [
    pytest.param(lambda: {}, id="files-under-var"),
    pytest.param(_redis_cache_env, id="redis", marks=pytest.mark.broker),
]


def _on_each_worker(server: Gunicorn, first: int, then: int, send) -> tuple[list, list, set]:
    """Sends ``first`` requests to one worker and ``then`` to the other. Returns both lists of
    statuses and the process ids that served them."""
    held = server.hold_a_worker()
    on_one = [send(index) for index in range(first)]
    held.release()
    for _ in range(20):
        # Hold a worker again until the free one is the other worker.
        other = server.hold_a_worker()
        if other.free_pid != held.free_pid:
            break
        other.release()
    else:
        pytest.fail("the same worker took every held request")
    on_other = [send(first + index) for index in range(then)]
    other.release()
    return on_one, on_other, {held.free_pid, other.free_pid}


def _posts_served_by(server: Gunicorn) -> set[str]:
    return {pid for pid, method, *_ in server.access_log() if method == "POST"}


@pytest.mark.parametrize("cache_env", CACHES)
def test_password_reset_for_one_address_is_limited_across_workers(serve, cache_env):
    member = UserFactory(email="cible@example.org")
    server = serve(cache_env())

    def reset(_index):
        return server.request("POST", "/comptes/password/reset/", {"email": member.email})

    on_one, on_other, workers = _on_each_worker(server, first=3, then=3, send=reset)

    # ACCOUNT_RATE_LIMITS["reset_password"]: 5 a minute for one address, whichever worker.
    assert on_one == [302, 302, 302]
    assert on_other == [302, 302, 429]
    assert _posts_served_by(server) == workers and len(workers) == 2


@pytest.mark.parametrize("cache_env", CACHES)
def test_sign_ups_from_one_ip_are_limited_across_workers(serve, cache_env):
    server = serve(cache_env())

    def sign_up(index):
        # An empty form: the limit is counted before the form is read.
        return server.request("POST", "/comptes/signup/", {"email": ""})

    on_one, on_other, workers = _on_each_worker(server, first=12, then=12, send=sign_up)

    # ACCOUNT_RATE_LIMITS["signup"]: 20 a minute per IP, whichever worker answers.
    assert on_one == [200] * 12
    assert on_other == [200] * 8 + [429] * 4
    assert _posts_served_by(server) == workers and len(workers) == 2
