"""The reminder run of `make bench`: N reminders due at once, sent end to end.

A fresh PostgreSQL database gets N/15 communities of 15 members, each with a meeting starting in
a day less a minute, so that every member's "1 day before" reminder is due now. A real Celery
worker (BENCH_REMINDER_CONCURRENCY processes, prefork) and Celery beat on a real Redis broker
run the beat's reminder task (the sweep writes the reminders to the outbox; the relay sends
them) into a mail catcher listening on SMTP. Measured: the time from the beat's task to the
last message received, messages lost and duplicated (by Message-ID), and what a beat tick costs
once nothing is left to do (the sweep and the relay, in this process).

With --kill, the worker's pool processes are killed (SIGKILL) once a third of the messages
arrived: the worker starts new ones, and the messages those held are sent again when their
lease runs out (the task limits and the lease are shortened for this run). Lost must stay 0;
duplicated counts the messages in flight at the kill (the outbox's duplicate window).

Usage: .venv/bin/python bench/reminders.py [--count N] [--kill] [--json FILE]
Environment: BENCH_REMINDERS_DATABASE_URL (postgres://postgres@127.0.0.1:5432/aimq_bench_reminders),
BENCH_REDIS_URL (redis://127.0.0.1:6379/0), BENCH_REMINDER_CONCURRENCY (2)."""

import argparse
import contextlib
import json
import os
import signal
import socketserver
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from email.parser import BytesHeaderParser
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_REMINDERS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aimq_bench_reminders"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
CONCURRENCY = int(os.environ.get("BENCH_REMINDER_CONCURRENCY", "2"))
MEMBERS_PER_COMMUNITY = 15


class _SMTPSession(socketserver.StreamRequestHandler):
    """One client connection: the few SMTP commands smtplib sends (EHLO, MAIL, RCPT, DATA,
    RSET, NOOP, QUIT), each answered at once."""

    def handle(self) -> None:
        # A worker killed mid-message (--kill) resets its connection: that message was not
        # accepted, and is sent again.
        with contextlib.suppress(ConnectionError):
            self._converse()

    def _converse(self) -> None:
        catcher, write = self.server.catcher, self.wfile.write
        write(b"220 bench ESMTP\r\n")
        recipients: list[str] = []
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                write(b"250-bench\r\n250 8BITMIME\r\n")
            elif verb == b"MAIL":
                recipients = []
                write(b"250 OK\r\n")
            elif verb == b"RCPT":
                recipients.append(line[line.index(b"<") + 1 : line.rindex(b">")].decode())
                write(b"250 OK\r\n")
            elif verb == b"DATA":
                write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                lines = []
                while (data_line := self.rfile.readline()) != b".\r\n":
                    if not data_line:
                        return  # cut off before its end: not accepted, as a mail server would
                    lines.append(data_line[1:] if data_line.startswith(b"..") else data_line)
                catcher.received_message(b"".join(lines), recipients)
                write(b"250 OK\r\n")
            elif verb == b"QUIT":
                write(b"221 Bye\r\n")
                return
            else:  # HELO, RSET, NOOP
                write(b"250 OK\r\n")


class MailCatcher:
    """An SMTP server that keeps, per message, its Message-ID and recipients.

    It stands for the mail server, so it must cost the machine little: it runs in the bench's
    own process while the workers wait for its answers. A thread per connection reading lines
    and parsing the headers only costs about 0.2 ms a message; aiosmtpd (asyncio) with whole
    messages parsed cost about 1.1 ms, a quarter of the workers' time on two shared cores."""

    def __init__(self) -> None:
        self.message_ids: Counter[str] = Counter()
        self.recipients: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.first_at: float | None = None  # time.monotonic() of the first message
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPSession)
        self.server.daemon_threads = True
        self.server.catcher = self
        self.port = self.server.server_address[1]

    def received_message(self, content: bytes, recipients: list[str]) -> None:
        message = BytesHeaderParser().parsebytes(content)
        with self.lock:
            if self.first_at is None:
                self.first_at = time.monotonic()
            self.message_ids[message["Message-ID"]] += 1
            for recipient in recipients:
                self.recipients[recipient] += 1

    @property
    def received(self) -> int:
        with self.lock:
            return sum(self.message_ids.values())

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _environment(catcher_port: int, kill: bool) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aimq_portal.settings.dev",
        "DEBUG": "False",
        "DATABASE_URL": DATABASE_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{catcher_port}",
        "MEETING_REMINDER_OFFSET_DAYS": "1",
        "LOG_LEVEL": "WARNING",
        "AIMQ_VAR_DIR": str(ROOT / "var" / "bench-reminders"),
    }
    if kill:
        # Short limits so that a killed worker's claims run out within the run.
        env.update(
            {
                "CELERY_TASK_SOFT_TIME_LIMIT": "20",
                "CELERY_TASK_TIME_LIMIT": "30",
                "OUTBOX_LEASE_SECONDS": "40",
                "OUTBOX_RELAY_SECONDS": "10",
            }
        )
    return env


def _recreate_database() -> None:
    import psycopg

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def _build_data(count: int) -> int:
    """N/15 communities of 15 members, each with a meeting a day less a minute ahead. Bulk."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from communities.models import Community, Membership
    from meetings.models import Meeting
    from members.models import User

    communities_count = -(-count // MEMBERS_PER_COMMUNITY)
    long_ago = timezone.now() - timedelta(days=60)
    password = make_password(None)
    communities = Community.objects.bulk_create(
        [
            Community(
                slug=f"bench-{index}",
                name_fr=f"Communauté {index}",
                name_en=f"Community {index}",
                summary_fr="Banc d'essai",
                summary_en="Bench",
                mandate_fr="Banc d'essai",
                mandate_en="Bench",
            )
            for index in range(communities_count)
        ],
        batch_size=1000,
    )
    users = User.objects.bulk_create(
        [
            User(
                email=f"rappel{index}@bench.example.org",
                first_name="Membre",
                last_name=f"N{index}",
                password=password,
                privacy_consent_at=long_ago,
            )
            for index in range(communities_count * MEMBERS_PER_COMMUNITY)
        ],
        batch_size=2000,
    )
    memberships = [
        Membership(
            community=communities[index // MEMBERS_PER_COMMUNITY],
            member=user,
            role="lead" if index % MEMBERS_PER_COMMUNITY == 0 else "member",
        )
        for index, user in enumerate(users)
    ]
    Membership.objects.bulk_create(memberships, batch_size=2000)
    Membership.objects.update(joined_at=long_ago)
    starts_at = (timezone.now() + timedelta(days=1) - timedelta(minutes=1)).replace(microsecond=0)
    Meeting.objects.bulk_create(
        [
            Meeting(
                community=community,
                title=f"Rencontre {community.slug}",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=3),
                format="online",
                meeting_url="https://meet.example.org/bench",
            )
            for community in communities
        ],
        batch_size=1000,
    )
    return len(users)


def _start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "aimq_portal",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(CONCURRENCY),
            "--loglevel",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _start_beat(env: dict[str, str]) -> subprocess.Popen:
    """Celery beat with the portal's schedule: the relay every minute (what picks up the
    messages a killed worker held once their lease ends)."""
    schedule = Path(env["AIMQ_VAR_DIR"]) / "celerybeat-schedule"
    schedule.parent.mkdir(parents=True, exist_ok=True)
    for leftover in schedule.parent.glob("celerybeat-schedule*"):
        leftover.unlink()
    return subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "aimq_portal",
            "beat",
            "--schedule",
            str(schedule),
            "--loglevel",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _pool_processes(worker: subprocess.Popen) -> list[int]:
    result = subprocess.run(
        ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True, check=False
    )
    return [int(pid) for pid in result.stdout.split()]


def _wait_until_ready(app, timeout: float = 120) -> float:
    """Waits until the worker answers a ping (it has loaded Django, started its pool and
    consumes the queue); returns how long that took. Starting the clock before (a fixed sleep)
    counted the worker's start, several seconds on a busy machine, as reminder time."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if app.control.ping(timeout=0.5):
            return time.monotonic() - started
    raise RuntimeError("The Celery worker did not start.")


def _median_ms(job, runs: int = 20) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        job()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def run(count: int, kill: bool, timeout: float) -> dict:
    with MailCatcher() as catcher:
        env = _environment(catcher.port, kill)
        os.environ.update(env)
        _recreate_database()
        _manage(env, "migrate", "--no-input")

        import django

        django.setup()
        from aimq_portal.celery import app
        from meetings.services import reminders_enqueue_due
        from notifications.models import OutboxMessage
        from notifications.relay import relay

        expected = _build_data(count)
        app.control.purge()
        worker = _start_worker(env)
        beat = _start_beat(env)
        try:
            worker_start = _wait_until_ready(app)
            started = time.monotonic()
            app.send_task("meetings.tasks.send_due_reminders")
            killed_at = None
            while catcher.received < expected and time.monotonic() - started < timeout:
                if kill and killed_at is None and catcher.received >= expected // 3:
                    killed_at = catcher.received
                    for pid in _pool_processes(worker):
                        os.kill(pid, signal.SIGKILL)
                time.sleep(0.2)
            elapsed = time.monotonic() - started
            # Anything still on its way (a duplicate after a kill) arrives within seconds.
            time.sleep(5)
        finally:
            for process in (beat, worker):
                process.terminate()
                process.wait(timeout=30)

        received_ids = catcher.message_ids
        sent_rows = OutboxMessage.objects.filter(status="sent").count()
        idle_sweep_ms = _median_ms(reminders_enqueue_due)
        idle_relay_ms = _median_ms(relay)
    return {
        "reminders": expected,
        "worker_processes": CONCURRENCY,
        "seconds": round(elapsed, 1),
        "first_message_seconds": round(catcher.first_at - started, 1) if catcher.first_at else None,
        "per_second": round(expected / elapsed, 1) if elapsed else None,
        "received": sum(received_ids.values()),
        "lost": expected - len(received_ids),
        "duplicated": sum(times - 1 for times in received_ids.values()),
        "outbox_rows_sent": sent_rows,
        "killed_after": killed_at,
        "worker_start_seconds": round(worker_start, 1),
        "idle_sweep_ms": round(idle_sweep_ms, 2),
        "idle_relay_ms": round(idle_relay_ms, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--kill", action="store_true")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--json", type=Path)
    arguments = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    result = run(arguments.count, arguments.kill, arguments.timeout)
    print(json.dumps(result, indent=2))
    if arguments.json:
        arguments.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
