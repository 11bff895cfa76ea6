# The two set-up commands of the README:  `make demo`  and  `make test`.
# Everything is installed from the lock file (uv.lock) into .venv, compiled to bytecode (so that
# no command pays for compiling pandas, Django or DuckDB on start); uv itself into .tools.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV := .tools/bin/uv
VENV_BIN := .venv/bin
PYTEST_ARGS ?=

.PHONY: install demo demo-quick test lint bench clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

install: $(UV)
	$(UV) sync --frozen --quiet --compile-bytecode --python $(PYTHON)
	@# commit subjects of at most 72 characters (CONTRIBUTING); nothing to do outside a git clone
	-@git rev-parse --git-dir >/dev/null 2>&1 && git config core.hooksPath .githooks || true

## Install, generate the synthetic national data set, import, compute, write the outputs and the
## report, then serve the site on http://127.0.0.1:8000/ (Ctrl-C stops it).
demo: install
	$(VENV_BIN)/lofte demo
	LOFTE_INSECURE_COOKIES=1 $(VENV_BIN)/lofte serve

demo-quick: install
	$(VENV_BIN)/lofte demo --quick

## Install and run every test (lint, types, architecture contracts, pytest).
test: install
	.ci/system-deps
	$(VENV_BIN)/ruff check src tests bench
	$(VENV_BIN)/ruff format --check src tests bench
	$(VENV_BIN)/mypy
	$(VENV_BIN)/lint-imports
	$(VENV_BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(VENV_BIN)/ruff check src tests bench
	$(VENV_BIN)/ruff format src tests bench

bench: install
	$(VENV_BIN)/python bench/run.py

clean:
	rm -rf .venv .tools var .pytest_cache .ruff_cache .mypy_cache .hypothesis
