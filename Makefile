# EHC plans case management. `make help` lists the targets.
#
# Everything installs into .venv and node_modules inside the checkout; stamp files remember what was installed,
# so a second `make run` starts at once unless pyproject.toml, package.json or package-lock.json changed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# Python 3.11 creates the virtual environment; override with `make run PYTHON=/path/to/python3.11`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PY_STAMP := $(VENV)/.installed-from-pyproject
NPM_STAMP := node_modules/.installed-from-lockfile
DEMO_PASSWORD ?= demo-password-2026
PYTEST_ARGS ?=

.PHONY: help install messages run migrate seed test lint bench worker beat clean distclean

help: ## list the targets, one line each
	@echo "EHC plans case management: make <target>"
	@awk 'BEGIN {FS = ":.*?## "} /^[a-zA-Z_-]+:.*?## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.11 was not found: install it or pass PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is needed, $(PYTHON) is " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

# pyproject.toml lists no packages ([tool.setuptools] packages = []), so this installs only the pinned
# dependencies and the test extra. Playwright drives the system Chromium: no browser download.
$(PY_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --progress-bar off -e ".[test]"
	@touch $@

$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm was not found: install Node.js 20 with npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Translations: the .po catalogues (locale/<language>/LC_MESSAGES/django.po) are in git; the compiled .mo files are
# not (see .gitignore): make builds each one from its .po with GNU gettext's msgfmt, again whenever the .po changes.
# `make messages` first gathers every marked string from the code and templates into the catalogues (new strings
# arrive untranslated; tests/i18n/test_catalogues.py fails until the family-facing ones are translated).
LANGUAGES_TRANSLATED := pl ur
PO_FILES := $(foreach lang,$(LANGUAGES_TRANSLATED),locale/$(lang)/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
MAKEMESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests --ignore=bench \
	--ignore=media --ignore=build

install: $(PY_STAMP) $(NPM_STAMP) $(MO_FILES) ## create .venv, install the pinned Python deps and the npm assets (once), compile the translations

%.mo: %.po
	@command -v msgfmt >/dev/null || { echo "msgfmt was not found: install GNU gettext (apt-get install gettext)"; exit 1; }
	msgfmt --check-format --check-header -o $@ $<

messages: $(PY_STAMP) ## gather the marked strings into locale/*/django.po (keeping translations), then compile them
	$(MANAGE) makemessages --add-location=file --no-obsolete $(MAKEMESSAGES_IGNORE) $(foreach lang,$(LANGUAGES_TRANSLATED),-l $(lang))
	@$(MAKE) $(MO_FILES)

migrate: install ## apply database migrations (SQLite unless DATABASE_URL is set)
	$(MANAGE) migrate --noinput

seed: migrate ## load the demo council, people and cases (idempotent) and print the demo logins
	$(MANAGE) seed_demo
	$(MANAGE) seed_demo_request

run: seed ## install, migrate, seed the demo data, then serve on http://127.0.0.1:8000
	@echo
	@echo "Open http://127.0.0.1:8000 and sign in with a demo login (listed by seed_demo, and in README.md)."
	@echo "Every demo login's password is DEMO_PASSWORD: $(DEMO_PASSWORD) unless you set it. Stop with Ctrl+C."
	@echo "Staff are asked for a code from an authenticator app after the password: in this demo (DEMO_TOTP_BYPASS,"
	@echo "which only works with DEBUG on) enter 000000, or set up a real app from the link in the header."
	@echo
	DJANGO_DEBUG=true DEMO_TOTP_BYPASS=true $(MANAGE) runserver 127.0.0.1:8000

# Tests always run Celery tasks eagerly, even when REDIS_URL is set (REDIS_URL alone would switch eager off and
# make web tests wait for a worker); the worker tier test starts its own worker with eager off.
# pytest exits 5 when it collected no test: that is a failure here, never a silent pass.
test: install ## ruff check, the import contracts, then the whole pytest suite (honours DATABASE_URL / REDIS_URL / CHROMIUM_PATH)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	@status=0; CELERY_TASK_ALWAYS_EAGER=true $(PY) -m pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing the run"; exit 1; fi; \
	exit $$status

lint: install ## ruff check and the import contracts in .importlinter (reports only; never reformats)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

# The benchmarks need PostgreSQL: DATABASE_URL names the server (and a role with CREATEDB); they create their own
# ehcp_bench_<size> databases there, seed them with seed_scale and write bench/RESULTS.md. bench/all.py runs every
# one even when an earlier one misses its budget, prints them all, and fails at the end if any missed.
BENCH_ARGS ?=
bench: install ## run every benchmark (pages, reminder sweep, outbox relay, request submission), fail if any missed; set DATABASE_URL to PostgreSQL first
	$(PY) bench/all.py $(BENCH_ARGS)

worker: install ## run a Celery worker (needs REDIS_URL)
	@test -n "$${REDIS_URL:-}" || { echo "Set REDIS_URL=redis://127.0.0.1:6379/0 first"; exit 1; }
	$(VENV)/bin/celery -A ehcp worker --loglevel=INFO

beat: install ## run Celery beat, the scheduler (needs REDIS_URL; run exactly one)
	@test -n "$${REDIS_URL:-}" || { echo "Set REDIS_URL=redis://127.0.0.1:6379/0 first"; exit 1; }
	$(VENV)/bin/celery -A ehcp beat --loglevel=INFO

clean: ## remove caches, collected static files, build output and install stamps (keeps .venv, data)
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -type d -name __pycache__ -print0 | xargs -0 rm -rf
	rm -rf .pytest_cache .ruff_cache staticfiles build *.egg-info $(PY_STAMP) $(NPM_STAMP)

distclean: clean ## also remove .venv and node_modules (the SQLite database and media/ are kept)
	rm -rf $(VENV) node_modules
