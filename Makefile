# accord — the two commands: `make demo` and `make test`.
# Both create .venv if it is missing and install what they need; only Python 3.11+ must be present.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck bench clean help browser

help:
	@echo "make demo   - install, print the bottom line of the Vienna 2015 seed case and write its report"
	@echo "make test   - install with dev extras and run the whole test suite (lint, types, tests)"
	@echo "make bench  - run the benchmarks"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[all]"
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@ $(STAMP_RUN)

demo: $(STAMP_RUN)
	$(BIN)/accord run cases/syria-2015-vienna.yaml --store off
	mkdir -p reports
	$(BIN)/accord report syria-2015-vienna --actor usa --store off -o reports/vienna-report.html
	@echo "report written to reports/vienna-report.html"

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: $(STAMP_DEV)
	$(BIN)/mypy

# The browser tests drive Debian's Chromium; install it when missing (never `playwright install`).
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; }

test: $(STAMP_DEV) browser
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(STAMP_RUN)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
