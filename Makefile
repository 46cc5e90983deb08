# SIV — the two commands a fresh machine needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint audit fmt migrate seed worker messages bench backup restore db-stop clean

# The runtime set (requirements.txt, all the image installs) and the test and development
# tools (requirements-dev.txt).
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	@touch $@

# The app with demo data at http://127.0.0.1:8000 on the embedded defaults (a private
# PostgreSQL cluster in var/pgdata and Celery's filesystem transport): a real worker and beat
# run beside the web server.
run: export DEBUG ?= 0
run: export SIV_DEMO ?= 1
run: export SIV_REQUIRE_2FA ?= 0
run: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --if-empty
	@mkdir -p var/log
	@set -m; \
	$(VENV)/bin/celery -A siv worker --beat --loglevel=INFO --concurrency=2 \
		--schedule=var/celerybeat-schedule > var/log/worker.log 2>&1 & worker=$$!; \
	trap "kill $$worker 2>/dev/null; wait $$worker 2>/dev/null" EXIT INT TERM; \
	echo "SIV: http://$(HOST):$(PORT)/  (worker log: var/log/worker.log)"; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The full suite, with lint, the dependency audit and migration checks, on the embedded
# PostgreSQL (DATABASE_URL names another). The tests start Redis when it is installed and not
# running.
test: export REDIS_URL ?= redis://127.0.0.1:6379/0
test: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) scripts/dependency_audit.py
	DJANGO_SETTINGS_MODULE=siv.settings_test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# pip-audit against the pinned requirements: a known vulnerability fails; a vulnerability
# service out of reach prints a notice and passes (scripts/dependency_audit.py).
audit: $(VENV)/.installed
	$(PY) scripts/dependency_audit.py

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=siv.settings_test $(PY) manage.py makemessages -l en --ignore=.venv --ignore=static --ignore=staticfiles --ignore=tests
	DJANGO_SETTINGS_MODULE=siv.settings_test $(PY) manage.py compilemessages --ignore=.venv

worker: $(VENV)/.installed
	$(VENV)/bin/celery -A siv worker --beat --loglevel=INFO

# Stops the embedded PostgreSQL (the next command starts it again).
db-stop: $(VENV)/.installed
	$(PY) -c "from siv.embedded_db import stop; from pathlib import Path; stop(Path('var/pgdata'))"

clean: db-stop
	rm -rf var staticfiles

# Benchmarks (databases siv_bench_<size> in the embedded PostgreSQL, or on BENCH_DATABASE_URL;
# created, migrated and seeded when empty).
# One JSON document on stdout. The full national scale: BENCH_SIZES=1000,10000,50000 make bench
bench: export BENCH_SIZES ?= 1000,10000
bench: $(VENV)/.installed
	@$(PY) -m tests.bench.run

# A backup of the database DATABASE_URL names, else of the embedded one (pg_dump custom format)
# in var/backups/siv-YYYYmmdd-HHMM.dump; `make restore FILE=var/backups/…` puts one back.
backup: $(VENV)/.installed
	$(PY) scripts/dbbackup.py backup --dir var/backups

restore: $(VENV)/.installed
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/siv-YYYYmmdd-HHMM.dump"; exit 2; }
	$(PY) scripts/dbbackup.py restore $(if $(CLEAN),--clean) "$(FILE)"
