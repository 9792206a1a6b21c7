# Two commands: `make run` (set up and serve on SQLite) and `make test` (set up and test).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 5000
# Links in pages, calendar files and mail (also mail the worker sends on its own) point
# at what `make run` serves, unless LMS_BASE_URL names another public address.
RUN_URL := $(or $(LMS_BASE_URL),http://127.0.0.1:$(PORT))
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-postgresql setup setup-test assets translations extract-messages db lint chromium libical wrk bench clean

run: setup db
	@$(FLASK) lms load-demo
	@echo "Serving on $(RUN_URL) (worker running beside it; Ctrl-C stops both)"
	@trap 'kill 0' EXIT INT TERM; export LMS_BASE_URL='$(RUN_URL)'; \
	  $(FLASK) lms worker & \
	  $(FLASK) run --host 127.0.0.1 --port $(PORT)

setup: $(VENV)/.runtime assets translations

setup-test: $(VENV)/.dev assets translations chromium libical

$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Designsystemet's CSS and theme are copied from npm into an ignored folder; never committed.
assets: node_modules/.package-lock.json
	@mkdir -p lms/static/vendor
	@cp node_modules/@digdir/designsystemet-css/dist/src/index.css lms/static/vendor/designsystemet.css
	@cp node_modules/@digdir/designsystemet-theme/brand/digdir.css lms/static/vendor/theme.css

translations: $(VENV)/.runtime
	@$(VENV)/bin/pybabel compile --statistics -d lms/translations 2>&1 | grep -v '^compiling' || true

# After changing strings: extract them, merge into nb and en (English is filled from the
# source text), then translate the new nb entries in lms/translations/nb/LC_MESSAGES/messages.po.
extract-messages: $(VENV)/.runtime
	$(PY) scripts/i18n.py update

db: setup
	@$(FLASK) lms upgrade-db

# Debian's Chromium for the browser tests (Playwright never downloads a browser here).
chromium:
	@if ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Debian's chromium package (sudo apt-get install chromium)"; exit 1; fi; \
	fi

# libical (Debian, through GObject introspection for /usr/bin/python3): the calendar tests
# run its restriction check on every conference .ics, as Evolution reads them.
libical:
	@if ! /usr/bin/python3 -c "import gi; gi.require_version('ICalGLib', '3.0')" 2>/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-gi gir1.2-ical-3.0 >/dev/null; \
	  else echo "Install Debian's python3-gi and gir1.2-ical-3.0 (sudo apt-get install ...)"; exit 1; fi; \
	fi

# wrk drives the load in bench/ (Debian package).
wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "Install Debian's wrk package (sudo apt-get install wrk)"; exit 1; fi; \
	fi

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The suite in two passes (docs/ARCHITECTURE.md, "How the suite is split"):
#   test-sqlite      everything but the browser tests, on SQLite
#   test-postgresql  everything that can depend on the database, the browser and
#                    accessibility tests with it, on PostgreSQL (LMS_TEST_DATABASE_URL)
# Tests marked `pure` run in the first pass only, `browser` in the second only, the rest in
# both. Without LMS_TEST_DATABASE_URL the second pass is skipped with a note, except in CI
# (CI=true), where that fails. A pass that selects no test (pytest's exit code 5) fails:
# it means the split is broken, not that all is well.
TEST_WORKERS ?= 2
PG_TEST_WORKERS ?= 2
PYTEST_PASS = rc=0; $(1) $(PY) -m pytest $(2) || rc=$$?; \
  if [ $$rc = 5 ]; then echo "The $(3) pass selected no tests (pytest exit code 5): the split is broken, see docs/ARCHITECTURE.md"; fi; \
  exit $$rc

test: setup-test lint test-sqlite test-postgresql

test-sqlite: setup-test
	@echo "== SQLite pass: -m 'not browser'"
	@$(call PYTEST_PASS,env -u LMS_TEST_DATABASE_URL -u LMS_TEST_DB,-n $(TEST_WORKERS) -m "not browser",SQLite)

test-postgresql: setup-test
	@if [ -n "$$LMS_TEST_DATABASE_URL" ]; then \
	  echo "== PostgreSQL pass: -m 'not pure' (the browser tests with it)"; \
	  $(call PYTEST_PASS,LMS_TEST_DB=postgresql,-n $(PG_TEST_WORKERS) -m "not pure",PostgreSQL); \
	elif [ "$$CI" = "true" ]; then \
	  echo "CI=true but LMS_TEST_DATABASE_URL is not set: the PostgreSQL pass cannot be skipped"; exit 1; \
	else echo "LMS_TEST_DATABASE_URL not set: skipped the PostgreSQL pass, and with it the browser tests (e.g. $(PG_TEST_URL))"; fi

bench: setup wrk
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules lms/static/vendor
