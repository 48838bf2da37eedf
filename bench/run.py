"""`make bench`: the portal against a stock Django project, on the same large PostgreSQL data.

1. Queries per page on the demo data and on the large data (bench/probe.py, in-process).
2. The large data set (manage.py build_bench_data --scale N) in a fresh database.
3. The portal and the baseline (bench/baseline/, stock Django 5.2) served by gunicorn with the
   same settings (3 sync workers each), loaded with wrk in alternating rounds: for each page, a
   portal run then a baseline run, round after round; medians over the rounds.
4. Worker memory (RSS) of both after the load.
5. The reminder run (bench/reminders.py: 100 × scale reminders through a real Celery worker and
   Redis into a mail catcher).
6. docs/BENCHMARKS.md, printed as well.

Usage: .venv/bin/python bench/run.py [--scale 100] [--rounds 3] [--seconds 5] [--connections 3]
Environment: BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/aimq_bench: the run uses
<name>_demo and <name>_large, dropped and created again), BENCH_REDIS_URL
(redis://127.0.0.1:6379/0: the portal's cache during the load, and the reminder run's broker),
BENCH_REMINDERS_DATABASE_URL (see bench/reminders.py).
"""

import argparse
import http.client
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aimq_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
WORKERS = 3
PORTAL_PORT, BASELINE_PORT = 8781, 8782
BASELINE_PATHS = {"list": "/communities/", "detail": "/communities/{slug}/"}
DOC = ROOT / "docs" / "BENCHMARKS.md"

# The targets: ratios to the baseline (absolute numbers vary with the machine).
RATIO_TARGETS = {
    "community list": 1.0,
    "community page, member": 0.6,
    "meeting page, member": 0.6,
    "calendar feed": 1.0,
}


def _database_url(suffix: str) -> str:
    parts = urlsplit(BASE_URL)
    return urlunsplit(parts._replace(path=parts.path + suffix))


def _recreate(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    name = parts.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _portal_env(database_url: str, var_dir: Path, *, redis: bool) -> dict[str, str]:
    """The production settings (tests/gunicorn_settings: static files from the source), on
    plain http on 127.0.0.1."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CACHE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DEBUG"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.gunicorn_settings",
            "SECRET_KEY": "bench-" + "k" * 60,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "False",
            "DATABASE_URL": database_url,
            "AIMQ_VAR_DIR": str(var_dir),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    if redis:
        env["CACHE_URL"] = REDIS_URL
        env["CELERY_BROKER_URL"] = REDIS_URL
    return env


def _run(args: list[str], env: dict[str, str], cwd: Path = ROOT) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return result.stdout


def _probe(env: dict[str, str], command: str):
    return json.loads(_run([PYTHON, "bench/probe.py", command], env).strip().splitlines()[-1])


def _compile_bytecode() -> None:
    """Both projects are served as the portal's image serves it: every module compiled ahead
    (the Dockerfile's UV_COMPILE_BYTECODE and compileall). Where PYTHONDONTWRITEBYTECODE is set
    and nothing was compiled, each gunicorn worker compiles its libraries from source as it
    starts and keeps megabytes of that work: a cost of the machine, not of either project.
    compileall skips what is up to date."""
    site_packages = subprocess.run(
        [PYTHON, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    skipped = (
        r"/(\.venv|\.uv|node_modules)/"  # inside the project: the libraries are compiled apart
    )
    for path, exclude in ((site_packages, []), (str(ROOT), ["-x", skipped])):
        subprocess.run(
            [PYTHON, "-m", "compileall", "-q", "-j", "0", *exclude, path],
            check=False,  # a file some package ships broken must not stop the benchmark
            capture_output=True,
        )


def _serve(port: int, app: str, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            GUNICORN,
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        cwd=cwd,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/favicon-probe")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port}")


def _get(port: int, path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
    response = connection.getresponse()
    response.body = response.read()
    return response


def _wrk(port: int, path: str, headers: dict[str, str], seconds: int, connections: int) -> dict:
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    args += ["-s", str(ROOT / "bench" / "wrk_report.lua")]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCHJSON "))
    return json.loads(line.removeprefix("BENCHJSON "))


def _worker_rss_mb(master: subprocess.Popen) -> list[float]:
    children = subprocess.run(
        ["pgrep", "-P", str(master.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def load(pages: list[dict], cookies: dict, slug: str, args, portal, baseline) -> list[dict]:
    """Each page: a portal run then the baseline's matching page, round after round."""
    results = []
    for page in pages:
        headers = {"Cookie": cookies[page["persona"]]} if page["persona"] else {}
        baseline_path = BASELINE_PATHS[page["baseline"]].format(slug=slug)
        # Warm-up (not counted): caches, connections, the workers' imports.
        _wrk(PORTAL_PORT, page["path"], headers, 2, args.connections)
        _wrk(BASELINE_PORT, baseline_path, {}, 2, args.connections)
        portal_runs, baseline_runs = [], []
        for _ in range(args.rounds):
            portal_runs.append(
                _wrk(PORTAL_PORT, page["path"], headers, args.seconds, args.connections)
            )
            baseline_runs.append(
                _wrk(BASELINE_PORT, baseline_path, {}, args.seconds, args.connections)
            )
        portal_rps = _median(portal_runs, "rps")
        baseline_rps = _median(baseline_runs, "rps")
        results.append(
            {
                **page,
                "baseline_path": baseline_path,
                "p50_ms": _median(portal_runs, "p50_ms"),
                "p95_ms": _median(portal_runs, "p95_ms"),
                "rps": portal_rps,
                "baseline_p50_ms": _median(baseline_runs, "p50_ms"),
                "baseline_p95_ms": _median(baseline_runs, "p95_ms"),
                "baseline_rps": baseline_rps,
                "ratio": portal_rps / baseline_rps if baseline_rps else None,
                "errors": sum(run["socket_errors"] + run["non_2xx_3xx"] for run in portal_runs)
                + sum(run["socket_errors"] + run["non_2xx_3xx"] for run in baseline_runs),
            }
        )
        print(
            f"  {page['page']}: {portal_rps:.1f} req/s vs {baseline_rps:.1f} "
            f"({results[-1]['ratio']:.2f}x), p95 {results[-1]['p95_ms']:.0f} ms",
            flush=True,
        )
    return results


def _feed_polls_304(pages: list[dict]) -> bool | None:
    feed = next((page for page in pages if page["page"] == "calendar feed"), None)
    if feed is None:
        return None
    first = _get(PORTAL_PORT, feed["path"], {})
    etag = first.getheader("ETag")
    again = _get(PORTAL_PORT, feed["path"], {"If-None-Match": etag} if etag else {})
    return first.status == 200 and again.status == 304


def _reminders(count: int) -> dict | None:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        env = {**os.environ, "BENCH_REDIS_URL": REDIS_URL}
        result = subprocess.run(
            [PYTHON, "bench/reminders.py", "--count", str(count), "--json", out.name],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            sys.stderr.write(result.stdout[-2000:] + result.stderr[-4000:])
            return None
        return json.loads(Path(out.name).read_text())


def _wrk_version() -> str:
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    first = (result.stdout + result.stderr).strip().splitlines()[0]
    return first.split(" [")[0]  # Debian's package: "wrk debian/4.1.0-…"


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def write_doc(report: dict) -> str:
    demo = {row["page"]: row for row in report["queries_demo"]}
    large = {row["page"]: row for row in report["queries_large"]}
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py); run it again to replace this page. The portal "
        "and a stock Django 5.2 project (bench/baseline/: a 300-row list page in 2 queries and "
        "a detail page in 2 queries, on the same database) are served by gunicorn with the same "
        f"settings ({WORKERS} sync workers each) and loaded with the same tool, "
        f"{report['tool']}, in alternating rounds (each page: a portal run, then the "
        "baseline's, round after round; medians over the rounds).",
        "",
        "**The targets are the ratios to the baseline.** Absolute numbers depend on the "
        "machine and on what else runs on it: "
        f"{report['machine']}.",
        "",
        f"- Run: {report['when']}, scale {report['scale']} ({report['data']}); "
        f"{report['rounds']} rounds of {report['seconds']} s per page and side, "
        f"{report['connections']} connections.",
        "- Database: PostgreSQL (fresh databases for the demo data and the large data); cache: "
        "Redis during the load (the portal's production settings).",
        "",
        "## Load (large data)",
        "",
        "| page | portal p50 | portal p95 | portal req/s | baseline page | baseline req/s "
        "| ratio | target | |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in report["load"]:
        target = RATIO_TARGETS.get(row["page"])
        ok = None if target is None else row["ratio"] >= target
        target_text = f"≥ {target:.1f}×" if target is not None else "—"
        if row["page"] == "staff inbox":
            size = large[row["page"]]["bytes"]
            ok = row["p95_ms"] < 100 and size < 200 * 1024
            target_text = f"p95 < 100 ms, < 200 KiB (page: {size / 1024:.0f} KiB)"
        lines.append(
            f"| {row['page']} | {row['p50_ms']:.1f} ms | {row['p95_ms']:.1f} ms | "
            f"{row['rps']:.1f} | {row['baseline']} (`{row['baseline_path']}`) | "
            f"{row['baseline_rps']:.1f} | {row['ratio']:.2f}× | {target_text} | {_verdict(ok)} |"
        )
    if not any(row["page"] == "search page" for row in report["load"]):
        lines += ["", "No search page yet (no such page in the portal when this ran)."]
    errors = sum(row["errors"] for row in report["load"])
    lines += [
        "",
        f"Errors and non-2xx answers during the load: {errors}. "
        f"A calendar poll with nothing new answers 304: {_verdict(report['feed_304'])}"
        f" ({'yes' if report['feed_304'] else 'no'}).",
        "",
        "## Queries per page",
        "",
        "Cold: nothing cached; warm: the same request again. Counted in-process with Django's "
        "test client on the same databases (bench/probe.py).",
        "",
        "| page | demo data (cold / warm) | large data (cold / warm) | bytes (large) |",
        "|---|---|---|---|",
    ]
    for name, row in large.items():
        d = demo.get(name)
        demo_text = f"{d['cold']} / {d['warm']}" if d else "—"
        lines.append(f"| {name} | {demo_text} | {row['cold']} / {row['warm']} | {row['bytes']:,} |")
    memory = report["memory"]
    ratio = memory["portal_mean"] / memory["baseline_mean"]
    lines += [
        "",
        "## Worker memory after the load",
        "",
        "| | per worker (RSS) | |",
        "|---|---|---|",
        f"| portal | {', '.join(f'{mb:.0f}' for mb in memory['portal'])} MB | |",
        f"| baseline | {', '.join(f'{mb:.0f}' for mb in memory['baseline'])} MB | |",
        f"| ratio of the means | {ratio:.2f}× | target ≤ 1.3×: {_verdict(ratio <= 1.3)} |",
        "",
        "## Reminders",
        "",
    ]
    reminders = report["reminders"]
    if reminders is None:
        lines.append("Not run (`--skip-reminders`) or failed: see the run's output.")
    else:
        idle_ms = reminders["idle_sweep_ms"] + reminders["idle_relay_ms"]
        lines += [
            f"bench/reminders.py: {reminders['reminders']:,} reminders due at once, a real Celery "
            f"worker ({reminders['worker_processes']} processes) on Redis, into a mail catcher "
            "over SMTP.",
            "",
            "| what | measured | target | |",
            "|---|---|---|---|",
            f"| all sent, end to end | {reminders['seconds']} s "
            f"({reminders['per_second']}/s) | < 60 s for 10,000 | "
            f"{_verdict(reminders['seconds'] * 10_000 / reminders['reminders'] < 60)}"
            + (" (scaled to 10,000)" if abs(reminders["reminders"] - 10_000) > 100 else "")
            + " |",
            f"| lost / duplicated | {reminders['lost']} / {reminders['duplicated']} | 0 / 0 | "
            f"{_verdict(reminders['lost'] == 0 and reminders['duplicated'] == 0)} |",
            f"| a tick with nothing to send (sweep + relay) | {idle_ms:.1f} ms "
            f"({reminders['idle_sweep_ms']} + {reminders['idle_relay_ms']}) | < 200 ms | "
            f"{_verdict(idle_ms < 200)} |",
        ]
    lines += [
        "",
        "## Running it",
        "",
        "```sh",
        "make bench             # scale 100: 300 communities, 30,000 members (minutes)",
        "make bench SCALE=10    # a tenth, for a quick look",
        "```",
        "",
        "Needs PostgreSQL and Redis (BENCH_DATABASE_URL, default "
        "`postgres://postgres@127.0.0.1:5432/aimq_bench`, whose `_demo` and `_large` databases "
        "are dropped and created again; BENCH_REDIS_URL, default `redis://127.0.0.1:6379/0`) "
        "and wrk (`make bench-tools` installs Debian's package). "
        "The benchmark is never a test: no timing is asserted anywhere.",
        "",
    ]
    text = "\n".join(lines)
    if report.get("notes"):
        text += "\n## Notes\n\n" + report["notes"].strip() + "\n"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=int(os.environ.get("SCALE", "100")))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=3)
    parser.add_argument("--skip-reminders", action="store_true")
    parser.add_argument("--notes", type=Path, help="a file of remarks appended to the page")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `make bench-tools` installs it.")

    var_dir = Path(tempfile.mkdtemp(prefix="aimq-bench-"))
    started = datetime.now(UTC)
    load_before = os.getloadavg()

    print("Demo data: queries per page", flush=True)
    demo_url = _database_url("_demo")
    _recreate(demo_url)
    demo_env = _portal_env(demo_url, var_dir / "demo", redis=False)
    _run([PYTHON, "manage.py", "migrate", "--no-input"], demo_env)
    _run([PYTHON, "manage.py", "load_demo_data"], demo_env)
    queries_demo = _probe(demo_env, "queries")

    print(f"Large data, scale {args.scale}", flush=True)
    large_url = _database_url("_large")
    _recreate(large_url)
    probe_env = _portal_env(large_url, var_dir / "probe", redis=False)
    _run([PYTHON, "manage.py", "migrate", "--no-input"], probe_env)
    began = time.monotonic()
    data = _run(
        [PYTHON, "manage.py", "build_bench_data", "--scale", str(args.scale)], probe_env
    ).strip()
    build_seconds = time.monotonic() - began
    print(f"  {data} ({build_seconds:.0f} s)", flush=True)
    queries_large = _probe(probe_env, "queries")

    portal_env = _portal_env(large_url, var_dir / "portal", redis=True)
    setup = _probe(portal_env, "pages")
    pages, cookies = setup["pages"], setup["cookies"]
    slug = pages[2]["path"].rstrip("/").rsplit("/", 1)[-1]
    baseline_env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DATABASE_URL": large_url,
    }
    print("Load", flush=True)
    _compile_bytecode()
    portal = _serve(PORTAL_PORT, "aimq_portal.wsgi:application", portal_env, ROOT)
    baseline = _serve(
        BASELINE_PORT, "baseline.wsgi:application", baseline_env, ROOT / "bench" / "baseline"
    )
    try:
        for page in pages:
            headers = {"Cookie": cookies[page["persona"]]} if page["persona"] else {}
            status = _get(PORTAL_PORT, page["path"], headers).status
            if status != 200:
                raise SystemExit(f"{page['page']}: {status} from the portal")
        results = load(pages, cookies, slug, args, portal, baseline)
        feed_304 = _feed_polls_304(pages)
        memory = {"portal": _worker_rss_mb(portal), "baseline": _worker_rss_mb(baseline)}
    finally:
        for process in (portal, baseline):
            process.terminate()
            process.wait(timeout=30)
    memory["portal_mean"] = statistics.mean(memory["portal"])
    memory["baseline_mean"] = statistics.mean(memory["baseline"])

    reminders = None
    if not args.skip_reminders:
        print(f"Reminders: {100 * args.scale}", flush=True)
        reminders = _reminders(100 * args.scale)

    report = {
        "when": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": (
            f"{os.cpu_count()} cores shared with other work, load average "
            f"{load_before[0]:.1f} at the start, Python {platform.python_version()}"
        ),
        "tool": _wrk_version(),
        "scale": args.scale,
        "data": data + f"; built in {build_seconds:.0f} s",
        "rounds": args.rounds,
        "seconds": args.seconds,
        "connections": args.connections,
        "queries_demo": queries_demo,
        "queries_large": queries_large,
        "load": results,
        "feed_304": feed_304,
        "memory": memory,
        "reminders": reminders,
        "notes": args.notes.read_text() if args.notes else "",
    }
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "bench-report.json").write_text(json.dumps(report, indent=2) + "\n")
    text = write_doc(report)
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text)
    print(text)
    shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
