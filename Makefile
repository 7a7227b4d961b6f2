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
