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

.PHONY: install run test lint format messages bench demo clean

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

test: install
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

demo: install
	$(PY) manage.py load_demo_data

clean:
	rm -rf $(VENV) .uv var staticfiles .pytest_cache .ruff_cache
