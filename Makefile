# Two commands for a newcomer: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO ?=
export FLASK_APP := wsgi

PO := $(wildcard portal/translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test install install-dev system-deps db i18n bench clean

## make run [DEMO=1]: install, migrate, load the catalogue (and demo accounts), serve on http://127.0.0.1:5000
run: install db
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## make test: install everything, run the static analysis and the whole test suite
test: install-dev
	$(BIN)/bandit -q -r portal forms config.py wsgi.py
	$(BIN)/python -m pytest

install: system-deps $(VENV)/.runtime $(MO)
# axe-core for the browser tests' accessibility check, from the npm registry (pinned by its lock file).
AXE := tests/e2e/axe/node_modules/axe-core/axe.min.js
install-dev: install $(VENV)/.dev
	@tools/system-deps.sh --browser
	@$(MAKE) --no-print-directory $(AXE)

$(AXE): tests/e2e/axe/package-lock.json
	cd tests/e2e/axe && npm ci --no-audit --no-fund --silent
	@touch $@

system-deps:
	@tools/system-deps.sh

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

%.mo: %.po | $(VENV)/.runtime
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

db: install
	$(BIN)/flask db upgrade
	$(BIN)/flask catalogue load
	@if [ -n "$(DEMO)" ] && [ "$(DEMO)" != "0" ]; then $(BIN)/flask demo load; fi

## make i18n: extract new strings and merge them into the catalogues (then translate the .po)
i18n: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project=portal -o portal/translations/messages.pot .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching --width 100

## make bench: the self-contained benchmarks (the caseload ones need a generated database: see README)
bench: install-dev
	$(BIN)/python bench/receipt.py
	$(BIN)/python bench/hostile_input.py

clean:
	rm -rf $(VENV) .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
	find portal/translations -name '*.mo' -delete
