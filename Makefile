# Everyday verbs. `make demo` and `make test` each set up their own virtualenv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install bytecode browser demo test lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) bytecode browser

# The project's own modules compiled to bytecode, as a regular (non-editable) install leaves
# them (the Docker image's `pip install .` does): with PYTHONDONTWRITEBYTECODE set, as on this
# machine, Python never writes it and every command compiled its ~60 modules again (4% of a
# crawl that finds nothing new). Cheap when nothing changed; a stale file is only ignored.
SOURCES := cli.py scheduler.py models crawler portal tagging fakeweb bench

bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q $(SOURCES)

# The browser tests drive Debian's chromium through Playwright (never `playwright install`);
# the deployment test runs Debian's docker-compose against docker-compose.yml; bench/load.py
# drives the portal with wrk.
SYSTEM_PACKAGES := chromium docker-compose wrk

browser:
	@{ command -v chromium && command -v docker-compose && command -v wrk; } >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y -q $(SYSTEM_PACKAGES) || { apt-get update -q && apt-get install -y -q $(SYSTEM_PACKAGES); }; \
		elif command -v sudo >/dev/null 2>&1; then sudo -n apt-get install -y -q $(SYSTEM_PACKAGES); fi; \
	} || echo "warning: $(SYSTEM_PACKAGES) not installed; their tests skip (and fail in CI)"

demo: $(STAMP) bytecode
	$(BIN)/howardshome demo

test: $(STAMP) bytecode browser
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP) bytecode
	$(BIN)/python bench/tagging.py
	$(BIN)/python bench/portal.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache demo.db*
