# The commands people type. `make run` and `make test` are the README's two set-up commands;
# both start with `make install`, which installs everything from uv.lock into .venv.
SHELL := /bin/bash
PYTHON ?= python3.11
UV_VERSION := 0.13.9
UV := .uv/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

.PHONY: install browser-tools bench-tools run test lint format messages bench bench-search bench-signup demo clean
# apt needs root: sudo when the caller is not root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
E2E := tests/e2e

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV)
	$(UV) sync --frozen --python $(PYTHON)

# Web server, Celery worker and beat on the embedded defaults (SQLite, filesystem broker,
# e-mails written to var/mail/), with demo data.
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo_data
	$(VENV)/bin/honcho -f Procfile.dev start

# The browser tests drive Debian's Chromium (never a browser a test tool downloads) and inject
# axe-core, fetched from the npm registry as tests/e2e/package-lock.json pins it.
browser-tools: $(E2E)/node_modules/.package-lock.json
	@test -x /usr/bin/chromium || $(SUDO) apt-get install -y --no-install-recommends chromium \
		|| ($(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium)

$(E2E)/node_modules/.package-lock.json: $(E2E)/package.json $(E2E)/package-lock.json
	npm ci --prefix $(E2E) --no-audit --no-fund

test: install browser-tools
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Regenerates the catalogues from the source; translate locale/fr/LC_MESSAGES/django.po, then
# `make messages` again compiles the .mo files that are committed beside it.
messages: install
	$(PY) manage.py makemessages --locale fr --locale en --ignore '.venv/*' --ignore '.uv/*' --no-obsolete
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore '.uv/*'

# The load tool of `make bench`: Debian's wrk (never one built by hand).
bench-tools:
	@command -v wrk >/dev/null || $(SUDO) apt-get install -y --no-install-recommends wrk \
		|| ($(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends wrk)

# Timings no test can assert (they depend on the machine). The portal against a stock Django
# project on the large data set, on PostgreSQL and Redis (bench/run.py: BENCH_DATABASE_URL,
# BENCH_REDIS_URL), writing docs/BENCHMARKS.md; SCALE=10 for a quick run (100: 300
# communities, 30,000 members). Then the sign-up timing.
SCALE ?= 100
bench: install bench-tools bench-signup bench-search
	$(PY) bench/run.py --scale $(SCALE) $(BENCH_ARGS)

# Sign-up must take as long for an address that has an account as for a new one (no account
# enumeration by timing).
# How long a page of search results takes on a large index (PostgreSQL; BENCH_DATABASE_URL).
bench-search: install
	$(PY) -m tests.bench_search_timing

bench-signup: install
	$(PY) -m tests.bench_signup_timing

demo: install
	$(PY) manage.py load_demo_data

clean:
	rm -rf $(VENV) .uv var staticfiles .pytest_cache .ruff_cache
