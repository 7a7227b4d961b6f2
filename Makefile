# Two entry points: `make demo` (set up + process a generated sample video) and `make test` (set up + tests).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: setup demo test test-all bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install -q -e '.[server,vlm,tesseract,postgres,dev]'

demo: setup
	$(BIN)/python scripts/demo.py pausecode_data/demo

test: setup
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-all: setup
	$(BIN)/python -m pytest -q -m "" $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/run_bench.py

clean:
	rm -rf pausecode_data bench/out artifacts .pytest_cache

# Browser assets from the npm registry (web/package.json, pinned in web/package-lock.json): Pyodide for the
# player's "Run it" (copied where `pausecode serve` serves /vendor/pyodide/ from) and axe-core for the browser tests.
PYODIDE_DIR ?= pausecode_data/vendor/pyodide
.PHONY: web-assets
web-assets:
	npm ci --prefix web --no-audit --no-fund
	rm -rf $(PYODIDE_DIR) && mkdir -p $(dir $(PYODIDE_DIR)) && cp -r web/node_modules/pyodide $(PYODIDE_DIR)
