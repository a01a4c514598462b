# ecresearch — every target creates .venv from the lock file first if it is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COUNTRY ?=

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

venv: $(STAMP) ## Create .venv from requirements.lock

reports: $(STAMP) ## Build everything: processed tables, charts, scores, country reports
	$(BIN)/ecresearch build

report: $(STAMP) ## Report for one country: make report COUNTRY=IDN
	@test -n "$(COUNTRY)" || { echo "usage: make report COUNTRY=IDN" >&2; exit 2; }
	$(BIN)/ecresearch report "$(COUNTRY)"

test: $(STAMP) ## Unit tests + nbval over every notebook
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks -p no:cacheprovider

lab: $(STAMP) ## Open JupyterLab on notebooks/ with the project's environment
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP) ## Benchmark the build (see benchmarks/RESULTS.md)
	$(BIN)/python benchmarks/bench_build.py

lock: $(STAMP) ## Re-resolve requirements.lock from pyproject.toml (with uv, installed into .venv)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 --generate-hashes --no-header -o requirements.lock

clean: ## Remove the built outputs (not the raw data)
	rm -rf data/processed/* reports/*

.PHONY: help venv reports report test lab bench lock clean
