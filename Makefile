# Two commands: `make demo` (set up and serve with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
DEMO_ENV := RETOUR_DEBUG=true RETOUR_EVENT_FEED_DIR=var/feed
DEMO_CASES ?= 1000
HOST ?= 127.0.0.1
PORT ?= 8000

CHROMIUM := /usr/bin/chromium

.PHONY: demo test install browser pdf-libraries lint architecture typecheck clean-demo user-guide bench api-check

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

demo: install pdf-libraries
	mkdir -p var
	$(DEMO_ENV) $(BIN)/retour migrate --no-input -v 0
	$(DEMO_ENV) $(BIN)/retour load_reference
	$(DEMO_ENV) $(BIN)/retour demo_users
	$(DEMO_ENV) $(BIN)/retour seed --cases $(DEMO_CASES) --seed 1 --if-empty
	$(DEMO_ENV) $(BIN)/retour compute_indicators
	@echo "Retour is serving on http://$(if $(filter 127.0.0.1,$(HOST)),localhost,$(HOST)):$(PORT)/ (Ctrl-C to stop; security keys work on localhost, not on 127.0.0.1)"
# The outbox worker runs beside the web server (ADR 10) and is stopped when the server stops.
	$(DEMO_ENV) $(BIN)/retour worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/retour runserver $(HOST):$(PORT) --noreload

# The browser tests drive Debian's Chromium (Playwright cannot download browsers here).
browser: $(CHROMIUM)

$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# WeasyPrint (the quarterly report as PDF) draws text with Pango; the report uses DejaVu fonts.
PANGO := /usr/lib/$(shell uname -m)-linux-gnu/libpangoft2-1.0.so.0

pdf-libraries: $(PANGO)

$(PANGO):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

test: install browser pdf-libraries
	$(BIN)/pytest --create-db -p no:cacheprovider

# Schemathesis over the whole API: every check, a bounded number of examples per operation.
API_CHECK_EXAMPLES ?= 10

api-check: install
	RETOUR_API_CHECK_EXAMPLES=$(API_CHECK_EXAMPLES) $(BIN)/pytest --create-db -p no:cacheprovider -q src/retour/api/tests/test_schemathesis.py

# The pictures of docs/user-guide.md, taken again by walking through the pages.
user-guide: install browser
	RETOUR_UPDATE_USER_GUIDE=1 $(BIN)/pytest -p no:cacheprovider src/retour/web/tests/test_user_guide.py

# Performance figures against baselines measured in the same run (minutes; not part of CI).
bench: install
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/seed.py --cases 10000
	$(BIN)/python benchmarks/matching.py
	$(BIN)/python benchmarks/indicators.py --cases 1000000
	$(BIN)/python benchmarks/outbox.py --messages 10000

lint: install
	$(BIN)/ruff check src benchmarks

# The architecture's contracts: which app may import which (pyproject's [tool.importlinter]).
architecture: install
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

# The keys and anchors go with the database: anchors of a removed log would refuse the new one.
clean-demo:
	rm -f var/retour.sqlite3 var/retour.sqlite3-wal var/retour.sqlite3-shm
	rm -rf var/audit-keys var/data-keys
