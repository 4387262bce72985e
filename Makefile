# One command to set up and start the bot, one to set up and run the tests.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
# Third-party files the tests need (Teams manifest schemas, Adaptive Cards library), from npm: tests/js/.
NODE_STAMP := tests/js/node_modules/.installed
# Microsoft's Web Chat browser bundle for the local chat page (local mode), from npm: bot/localchat/web/.
WEBCHAT_STAMP := bot/localchat/web/node_modules/.installed
# The browser the end-to-end tests drive (tests/localchat/): Debian's chromium, through Playwright.
CHROMIUM ?= /usr/bin/chromium
# The suite runs in parallel, one worker per core (pytest-xdist); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto

.PHONY: run test bench package clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(NODE_STAMP): tests/js/package.json tests/js/package-lock.json
	@if command -v npm >/dev/null; then \
		cd tests/js && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else \
		echo "WARNING: npm is missing; the card and manifest tests will fail. Install Node.js and npm (e.g. apt-get install nodejs npm), then run make test." >&2; \
	fi

$(WEBCHAT_STAMP): bot/localchat/web/package.json bot/localchat/web/package-lock.json
	@if command -v npm >/dev/null; then \
		cd bot/localchat/web && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else \
		echo "WARNING: npm is missing; the local chat page cannot show Web Chat and its browser tests will fail. Install Node.js and npm (e.g. apt-get install nodejs npm)." >&2; \
	fi

# Installed unattended when make runs as root with apt-get (CI, containers); otherwise the browser tests fail
# with a message naming the command.
.PHONY: browser
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing chromium for the browser tests: apt-get update && apt-get install -y chromium"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "WARNING: $(CHROMIUM) is missing; the browser tests will fail. Install it: sudo apt-get update && sudo apt-get install -y chromium" >&2; \
		fi; \
	fi

run: $(VENV)/.installed $(WEBCHAT_STAMP)
	$(BIN)/python app.py

test: $(VENV)/.installed $(NODE_STAMP) $(WEBCHAT_STAMP) browser
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

# `make test` checks first; `make lint` alone: ruff (rules in pyproject.toml) on everything, mypy on the packages.
.PHONY: lint
test: lint
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

# Question answering, whole turns, and FAQ turns during a 50k-row export (SQLite, and PostgreSQL when
# TEST_DATABASE_URL is set); reports in benchmarks/results/ (see benchmarks/README.md).
bench: $(VENV)/.installed
	$(BIN)/python benchmarks/run_all.py

package: $(VENV)/.installed
	$(BIN)/python -m manifest $(PACKAGE_ARGS)

clean:
	rm -rf $(VENV) manifest/build tests/js/node_modules bot/localchat/web/node_modules test-artifacts
