# Prevent case management: one command to run the demo, one to run the tests.
# `make help` lists the targets.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
HOST ?= 127.0.0.1
PORT ?= 8000

# The embedded default: SQLite in the project folder, Celery eager, synthetic demo data.
DEV_ENV = DEBUG=true DEMO_MODE=true SECRET_KEY="$$(cat .dev-secret-key)" \
	AUDIT_SIGNING_KEY="$$(cat .dev-audit-key)"

.DEFAULT_GOAL := help
.PHONY: help setup run seed test test-python test-browser lint format migrations-check bench bench-audit bench-write-cost \
	bench-plans region compose-check clean chromium-installed wrk-installed

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMPS)/python-deps: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	@mkdir -p $(STAMPS) && touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/dist/application.css: node_modules/.package-lock.json $(shell find frontend -type f 2>/dev/null)
	npm run --silent build

.dev-secret-key: | $(STAMPS)/python-deps
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# A development Ed25519 seed for signing audit checkpoints; production sets its own.
.dev-audit-key: | $(STAMPS)/python-deps
	$(BIN)/python -c "import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())" > $@

setup: $(STAMPS)/python-deps static/dist/application.css ## Install Python and front-end dependencies and build assets

run: setup .dev-secret-key .dev-audit-key ## Set up, migrate, seed the synthetic demo and serve on http://127.0.0.1:8000
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	@# Beat does not run in the embedded default: do its periodic work once at start.
	$(DEV_ENV) $(BIN)/python manage.py audit_checkpoint
	$(DEV_ENV) $(BIN)/python manage.py send_panel_reminders
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

seed: setup .dev-secret-key .dev-audit-key ## Load the synthetic demo into the local database and print the sign-ins
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py seed_demo

chromium-installed:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	  else \
	    echo "The browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; \
	  fi; }

# The benchmark's many clients are played by wrk, whose CPU use is small beside Python's.
wrk-installed:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's wrk for the benchmark's many-client reads"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null; \
	  else \
	    echo "make bench needs Debian's wrk: sudo apt-get install wrk" >&2; exit 1; \
	  fi; }

lint: $(STAMPS)/python-deps ## ruff, the layer contract, the case-query lint, migrations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m tests.lint.case_queries
	$(MAKE) --no-print-directory migrations-check

migrations-check:
	@# Against the embedded default: the check needs no server, and CI's database may not exist yet.
	env -u DATABASE_URL SECRET_KEY=lint DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

format: $(STAMPS)/python-deps ## Fix what ruff can
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test-python: setup ## The suite without the browser tests, in parallel
	$(BIN)/pytest -n 2 -m "not browser" -q

test-browser: setup chromium-installed ## The browser tests (Playwright, Debian chromium, axe-core)
	$(BIN)/pytest -p no:xdist -m browser -q

# Browser tests run on the embedded SQLite default only; with DATABASE_URL set (the
# PostgreSQL pass in CI) the rest of the suite runs against that database.
test: setup lint ## Set up and run the whole suite (lint, tests, browser tests)
	$(MAKE) --no-print-directory test-python
	@if [ -z "$$DATABASE_URL" ]; then $(MAKE) --no-print-directory test-browser; \
	  else echo "DATABASE_URL is set: browser tests run in the SQLite pass"; fi

compose-check: ## Validate docker-compose.yml (needs Debian's docker-compose)
	SECRET_KEY=check AUDIT_SIGNING_KEY=check POSTGRES_PASSWORD=check APP_DB_PASSWORD=check \
	  docker-compose -f docker-compose.yml config -q

clean: ## Remove the virtual environment, node_modules, built assets and the local database
	rm -rf $(VENV) $(STAMPS) node_modules static/dist staticfiles db.sqlite3 db.sqlite3-* \
	  .dev-secret-key .dev-audit-key var

# BENCH_PARTS picks parts (writers, verification, import); all of them by default.
bench-audit: setup ## Audit chain benchmarks on PostgreSQL: concurrent decisions, verifying 1M events, requests during a 5,000-row import
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/prevent_bench} \
	  SECRET_KEY=bench DEBUG=true AUDIT_SIGNING_KEY=BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc= \
	  $(BIN)/python -m tests.bench.bench_audit $(BENCH_PARTS)

# Drops and recreates BENCH_DATABASE_URL (a name containing "bench"); BENCH_DECISIONS sizes it.
bench-write-cost: setup ## CPU ms and SQL statements per sharing decision, through the service and the API
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/prevent_bench} \
	  SECRET_KEY=bench DEBUG=true AUDIT_SIGNING_KEY=BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc= \
	  $(BIN)/python -m tests.bench.write_cost

# Never drops the database: it benchmarks what is there (a name without "region" or "bench"
# is refused) and the write part adds synthetic rows. BENCH_PARTS picks reads or writes,
# BENCH_SECONDS sizes each read run, BENCH_WRITE_SCALE the writes, BENCH_PASSWORD the sign-ins;
# BENCH_MANY_CLIENTS=python plays the 16 clients with Python threads instead of wrk.
bench: setup wrk-installed ## Reads and writes through gunicorn on a populated PostgreSQL database, at 1 and 16 clients
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/prevent_region} \
	  SECRET_KEY=bench DEBUG=true AUDIT_SIGNING_KEY=BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc= \
	  BENCH_PASSWORD=$${BENCH_PASSWORD:-region-password-2026} BENCH_PARTS="$(BENCH_PARTS)" \
	  BENCH_MANY_CLIENTS=$${BENCH_MANY_CLIENTS:-wrk} \
	  $(BIN)/python -m tests.bench.bench_region

bench-plans: setup ## EXPLAIN ANALYZE of every query behind the benchmarked reads (BENCH_PLANS=--plans prints the slowest plans)
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/prevent_region} \
	  SECRET_KEY=bench DEBUG=true AUDIT_SIGNING_KEY=BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc= \
	  BENCH_PASSWORD=$${BENCH_PASSWORD:-region-password-2026} $(BIN)/python -m tests.bench.plans $(BENCH_PLANS)

# REGION_SCALE scales every count (1 by default); REGION_CHECK=--check also times audit_verify
# and rebuild_grants --check over the result.
region: setup ## A synthetic region on PostgreSQL (100,000 referrals, 1M+ audit events) in a fresh database
	DATABASE_URL=$${REGION_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/prevent_region} \
	  SECRET_KEY=bench DEBUG=true AUDIT_SIGNING_KEY=BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc= \
	  $(BIN)/python -m tests.bench.region --scale $${REGION_SCALE:-1} $(REGION_CHECK)
