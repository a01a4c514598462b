# ecresearch — every target creates .venv from uv.lock first if it is missing (or stale, or broken).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
# A venv's programs are in bin/ on Linux and macOS, in Scripts/ on Windows (make from Git Bash or MSYS2).
ifeq ($(OS),Windows_NT)
VBIN := Scripts
else
VBIN := bin
endif
BIN := $(VENV)/$(VBIN)
STAMP := $(VENV)/.installed
COUNTRY ?=
# Passed to recipes through the environment, never pasted into a command line: see `report`.
export COUNTRY

# uv, pinned, in a tools venv of its own (not in .venv: `uv sync` manages .venv's packages).
# --compile-bytecode: like pip, compile at install time, so the first run of a fresh .venv is not slowed by it.
UV_VERSION := 0.13.9
UV_HOME := .tools/uv-$(UV_VERSION)
UV := $(UV_HOME)/$(VBIN)/uv
# .venv gets every extra (pdf) and the default dependency group (dev: test, lint, notebooks).
SYNC_OPTS := --all-extras
# requirements.lock, for pip users, is exported from uv.lock with the same pins (`make lock`; `make lint` checks).
EXPORT_OPTS := --format requirements-txt --no-emit-project --all-extras --all-groups --no-header --quiet
# Never let uv fetch an interpreter: the venv is made by $(PYTHON).
export UV_PYTHON_DOWNLOADS := never

# Lint and format checks cover all the code.
LINT_STRICT := src tests benchmarks tools
FORMAT_CHECKED := src tests benchmarks tools

# One line, and exit 1, unless $(PYTHON) runs and is 3.11 or newer.
define CHECK_PYTHON
v=$$($(PYTHON) -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) \
  || { echo "ecresearch needs Python 3.11 or newer; PYTHON=$(PYTHON) does not run" >&2; exit 1; }; \
$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "ecresearch needs Python 3.11 or newer; PYTHON=$(PYTHON) is $$v" >&2; exit 1; }
endef

# Is the existing .venv usable? Its interpreter must run and be >= 3.11; if PYTHON was given
# (command line or environment), it must also be the same minor version as $(PYTHON).
VENV_VERSION := $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2]) if sys.version_info >= (3, 11) else None' 2>/dev/null)
ifneq ($(filter command line environment,$(origin PYTHON)),)
WANT_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
ifneq ($(VENV_VERSION),$(WANT_VERSION))
VENV_VERSION :=
endif
endif
# A stale or broken .venv forces the install recipe, which removes and rebuilds it.
VENV_FORCE := $(if $(VENV_VERSION),,FORCE)

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	@$(CHECK_PYTHON)
	rm -rf $(UV_HOME)
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/$(VBIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(STAMP): uv.lock pyproject.toml $(VENV_FORCE) | $(UV)
	@$(CHECK_PYTHON)
	@if [ -e $(VENV) ] && [ -z "$(VENV_VERSION)" ]; then \
	  echo "Removing $(VENV) (its Python is broken, older than 3.11, or not the version of PYTHON=$(PYTHON)) to rebuild it"; rm -rf $(VENV); fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(UV) sync --locked --quiet --compile-bytecode $(SYNC_OPTS) --python $(BIN)/python
	@touch $@

FORCE:

venv: $(STAMP) ## Create .venv from uv.lock (uv sync --locked, with a pinned uv)

reports: $(STAMP) ## Build everything: processed tables, charts, scores, country reports
	$(BIN)/ecresearch build

report: $(STAMP) ## Report for one country: make report COUNTRY=IDN
	@test -n "$$COUNTRY" || { echo "usage: make report COUNTRY=IDN" >&2; exit 2; }
	$(BIN)/ecresearch report "$$COUNTRY"

notebooks: $(STAMP) ## Run the notebooks (ecresearch notebooks)
	$(BIN)/ecresearch notebooks

# The fast tier runs on up to 4 workers; a notebook's cells stay together on one (--dist loadfile).
PYTEST_FAST := -n auto --maxprocesses 4 --dist loadfile -m "not slow" -p no:cacheprovider \
  --nbval --nbval-kernel-name python3 --nbval-sanitize-with tests/nbval_sanitize.cfg

test: $(STAMP) ## Fast tier (about a minute on 2 cores): unit tests and strict nbval over every notebook
	$(BIN)/python -m pytest $(PYTEST_FAST) tests notebooks

test-build: $(STAMP) ## Slow tier: one cold build of everything, equal byte for byte to the committed outputs; scenarios and new snapshots on copies of it
	$(BIN)/python -m pytest -m slow -p no:cacheprovider tests

lint: $(STAMP) ## ruff, format check, mypy on src/, notebook/.py pairs in step, the workflows (actionlint), the two locks agree
	$(BIN)/ruff check $(LINT_STRICT)
	$(BIN)/ruff format --check $(FORMAT_CHECKED)
	$(BIN)/mypy
	$(BIN)/python tools/check_notebook_pairs.py
	$(BIN)/actionlint
	$(UV) lock --check --offline --quiet
	@$(UV) export --frozen $(EXPORT_OPTS) | cmp -s - requirements.lock \
	  || { echo "requirements.lock is not the export of uv.lock: run make lock" >&2; exit 1; }

lab: $(STAMP) ## Open JupyterLab at the repository root with the project's environment
	$(BIN)/jupyter lab

kernel: $(STAMP) ## Register the Jupyter kernel "Python (ecresearch)" for this .venv
	$(BIN)/python -m ipykernel install --user --name ecresearch --display-name "Python (ecresearch)"

bench: $(STAMP) ## Benchmark the build (see benchmarks/RESULTS.md)
	$(BIN)/python benchmarks/bench_build.py

bench-scoring: $(STAMP) ## Benchmark only the scoring: score(), the scores step, the what-if re-rank and panel update
	$(BIN)/python benchmarks/bench_build.py --scoring-only

lock: | $(UV) ## Update uv.lock after pyproject.toml changed (every platform), and export requirements.lock from it
	$(UV) lock
	$(UV) export --frozen $(EXPORT_OPTS) -o requirements.lock

# Ignored caches and build leftovers that `make clean` removes: only paths git lists as untracked, never .venv/.tools.
CACHE_RE := (^|/)(__pycache__|\.ipynb_checkpoints|\.pytest_cache|\.hypothesis|\.ruff_cache|\.mypy_cache|\.ecresearch-state|[^/]+\.egg-info)/$$|^(build|\.staging[^/]*|data/\.staging[^/]*)/?$$

clean: ## Remove untracked build outputs and caches (never a tracked file, nor .venv)
	@git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "make clean needs a git checkout" >&2; exit 1; }
	git clean -fdx -- data/processed reports
	git ls-files -z --others --ignored --exclude-standard --directory | grep -zE '$(CACHE_RE)' | xargs -0r sh -c 'printf "Removing %s\n" "$$@"; rm -rf -- "$$@"' rm

.PHONY: help venv reports report notebooks test test-build lint lab kernel bench bench-scoring lock clean FORCE
