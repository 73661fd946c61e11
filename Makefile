# Quick start: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_BASE := $(VENV)/.installed-base
STAMP_TEST := $(VENV)/.installed-test

.PHONY: demo test test-fast lint typecheck docs bench notebooks serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_BASE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_BASE)

demo: $(STAMP_BASE)
	$(BIN)/retrofit estimate retrofit/samples/example_plant.csv --year 2026

test: $(STAMP_TEST)
	$(BIN)/python -m ruff check retrofit tests docs
	$(BIN)/python -m ruff format --check retrofit tests docs
	$(BIN)/python -m mypy
	$(BIN)/lint-imports
	$(BIN)/python -m mkdocs build --strict
	$(BIN)/python -m pytest -n auto --dist worksteal

# The tests a maintainer runs while working (under a minute on 2 cores): no wheel builds,
# notebooks, browser or large properties. `make test` runs them all.
test-fast: $(STAMP_TEST)
	$(BIN)/python -m pytest -m "not slow" -n auto

lint: $(STAMP_TEST)
	$(BIN)/python -m ruff check retrofit tests docs
	$(BIN)/python -m ruff format --check retrofit tests docs

# The documentation site (mkdocs.yml, docs/) into build/site; open build/site/index.html.
# --strict fails on a broken link between pages (not with --quiet, which hides the warnings).
docs: $(STAMP_TEST)
	$(BIN)/python -m mkdocs build --strict

# mypy (settings in pyproject.toml) and the import contracts (tool.importlinter)
typecheck: $(STAMP_TEST)
	$(BIN)/python -m mypy
	$(BIN)/lint-imports

# JupyterLab on notebooks/ (the `notebooks` extra, installed once into .venv; `make test`
# executes the notebooks without it). Pass JUPYTER_ARGS="--no-browser" on a remote machine.
STAMP_NOTEBOOKS := $(VENV)/.installed-notebooks
$(STAMP_NOTEBOOKS): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	touch $@ $(STAMP_BASE)

notebooks: $(STAMP_NOTEBOOKS)
	$(BIN)/jupyter lab notebooks/ $(JUPYTER_ARGS)

# The local web page (`retrofit serve`, with the web and plots extras, installed once into
# .venv): open the address it prints. SERVE_ARGS="--port 9000" changes the port.
STAMP_WEB := $(VENV)/.installed-web
$(STAMP_WEB): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[web,plots]'
	touch $@ $(STAMP_BASE)

serve: $(STAMP_WEB)
	$(BIN)/retrofit serve $(SERVE_ARGS)

bench: $(STAMP_TEST)
	$(BIN)/python tests/benchmarks/bench_estimate.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .import_linter_cache .grimp_cache
