# The two commands that matter: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test lint types contracts pytest bench migration clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP_RUN) $@

## Start the service on http://127.0.0.1:5000 with SQLite, the SMS simulator and the demo rosters.
run: $(STAMP_RUN)
	$(BIN)/dispatcher db upgrade
	$(BIN)/dispatcher demo load --if-empty
	$(BIN)/dispatcher run

## Install the test dependencies and run everything: lint, types, layer contracts, pytest.
test: $(STAMP_TEST) lint types contracts pytest

lint: $(STAMP_TEST)
	$(BIN)/ruff check dispatcher tests bench migrations wsgi.py
	$(BIN)/ruff format --check dispatcher tests bench wsgi.py

types: $(STAMP_TEST)
	$(BIN)/mypy

contracts: $(STAMP_TEST)
	$(BIN)/lint-imports --no-cache

pytest: $(STAMP_TEST)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Print the speed figures recorded in the README.
bench: $(STAMP_TEST)
	$(BIN)/python bench/oncall.py
	$(BIN)/python bench/dispatch_latency.py
	$(BIN)/python bench/broadcast.py
	$(BIN)/python bench/webhook_throughput.py
	$(BIN)/python bench/admin_pages.py

## Regenerate the initial migration from the models (before the first release only).
migration: $(STAMP_TEST)
	$(BIN)/python migrations/regenerate.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
