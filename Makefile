# Every target bootstraps .venv from pyproject.toml when it is missing or older than it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench bench-smoke build lint format clean

# An editable install compiles the extensions too (and again each time): they are compiled
# once, by $(BUILT), which make runs after this anyway, where their warnings are seen.
PIP_INSTALL := BAOTINH_PURE_PYTHON=1 $(BIN)/python -m pip install --quiet -e

$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(PIP_INSTALL) '.[dev]'
	touch $(STAMP)

# The extraction modules compiled with mypyc (setup.py, transforms/native.py), again whenever
# a source of the package changes: until then the package runs its Python source.
BUILT := transforms/.built
$(BUILT): $(STAMP) $(wildcard transforms/*.py)
	$(BIN)/python setup.py --quiet build_ext --inplace
	touch $(BUILT)

build: $(BUILT)

demo: $(BUILT)
	$(BIN)/baotinh demo

# Two test processes (pytest-xdist), each taking whole files: a file's module fixtures (a
# killed run, a clean reference run) are built once. Most tests wait on real subprocesses.
test: $(BUILT)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

bench: $(BUILT)
	$(PIP_INSTALL) '.[dev,bench]' || echo "Duckling unavailable: the bench skips it"
	$(BIN)/python -m bench

# The throughput bench end to end at a toy size (two to three minutes), its results thrown away:
# CI runs it so that a change that breaks the bench is seen before the next `make bench`.
bench-smoke: $(BUILT)
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/python -m bench throughput --articles 40 --rounds 2 --results "$$tmp/results.json"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .mypy_cache build $(BUILT) transforms/*.so transforms/_build.json
