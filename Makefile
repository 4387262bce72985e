# One command to set up and start the bot, one to set up and run the tests.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
# Third-party files the tests need (Teams manifest schemas, Adaptive Cards library), from npm: tests/js/.
NODE_STAMP := tests/js/node_modules/.installed

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

run: $(VENV)/.installed
	$(BIN)/python app.py

test: $(VENV)/.installed $(NODE_STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# `make test` checks first; `make lint` alone: ruff (rules in pyproject.toml) on everything, mypy on the packages.
.PHONY: lint
test: lint
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/qa_benchmark.py

package: $(VENV)/.installed
	$(BIN)/python -m manifest $(PACKAGE_ARGS)

clean:
	rm -rf $(VENV) manifest/build tests/js/node_modules
