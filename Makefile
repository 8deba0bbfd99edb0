# The two commands that matter: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

LOCK := requirements.lock
# npm ci writes node_modules/.package-lock.json (and node_modules/axe-core/axe.min.js).
AXE := node_modules/.package-lock.json

.PHONY: run test lint types contracts pytest bench migration lock messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The deployed dependency set is pinned in $(LOCK); both installs are held to it.
$(STAMP_RUN): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[server]'
	touch $@

$(STAMP_TEST): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[test]'
	touch $(STAMP_RUN) $@

## Start the service on http://127.0.0.1:5000 with SQLite, the SMS simulator and the demo rosters.
run: $(STAMP_RUN)
	$(BIN)/dispatcher db upgrade
	$(BIN)/dispatcher demo load --if-empty
	$(BIN)/dispatcher run

## Install the test dependencies and run everything: lint, types, layer contracts, pytest.
test: $(STAMP_TEST) lint types contracts pytest

lint: $(STAMP_TEST)
	$(BIN)/ruff check dispatcher tests bench wsgi.py gunicorn.conf.py
	$(BIN)/ruff format --check dispatcher tests bench wsgi.py gunicorn.conf.py

types: $(STAMP_TEST)
	$(BIN)/mypy

contracts: $(STAMP_TEST)
	$(BIN)/lint-imports --no-cache

pytest: $(STAMP_TEST) $(AXE)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# axe-core for the browser tests' accessibility checks, from npm, pinned in package-lock.json.
# Without npm the checks skip (CI requires them).
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm is not installed: the axe-core checks will skip"; fi

## Print the speed figures recorded in the README.
bench: $(STAMP_TEST)
	$(BIN)/python bench/oncall.py
	$(BIN)/python bench/dispatch_latency.py
	$(BIN)/python bench/dispatch_latency.py in-process production --rate 5 --texts 100
	$(BIN)/python bench/dispatch_latency.py production --rate 10
	$(BIN)/python bench/dispatch_latency.py production --rate 3 --texts 100
	$(BIN)/python bench/broadcast.py
	$(BIN)/python bench/webhook_throughput.py --requests 1500
	$(BIN)/python bench/admin_pages.py
	$(BIN)/python bench/admin_pages.py --calls 60000 --people 500
	$(BIN)/python bench/restart.py
	$(BIN)/python bench/voice.py

## Regenerate the initial migration from the models (before the first release only).
migration: $(STAMP_TEST)
	$(BIN)/python dispatcher/migrations/regenerate.py

## Extract every text, update the catalogs and compile them; commit the .pot, .po and .mo files.
CATALOGS := dispatcher/translations
messages: $(STAMP_TEST)
	$(BIN)/pybabel extract --mapping-file babel.cfg --add-location file --sort-output \
		--project dispatcher --omit-header -o $(CATALOGS)/messages.pot .
	$(BIN)/pybabel update --input-file $(CATALOGS)/messages.pot --output-dir $(CATALOGS) \
		--no-fuzzy-matching --ignore-pot-creation-date
	$(BIN)/pybabel compile --directory $(CATALOGS) --statistics

## Re-pin the deployed dependency set after changing [project.dependencies] or the server extra.
lock: $(STAMP_TEST)
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --extra server --no-emit-index-url \
		--no-emit-find-links -o $(LOCK) pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
