# Two commands set everything up on a fresh machine:
#   make run    create .venv, install, materialise the pipeline over seeds/ (headless Dagster)
#   make test   create .venv if missing, install, run the test suite
#   make dev    the Dagster UI (dg dev) on http://127.0.0.1:3000, sensors and automation on
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Absolute (Dagster refuses a relative DAGSTER_HOME); the folder holding dagster.yaml.
export DAGSTER_HOME := $(abspath $(CURDIR))
PYTEST_ARGS ?= -n 2

.PHONY: install run test lint dev bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/ionlit run

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check extractors pipelines tests bench
	$(BIN)/mypy

# dg reads the project from pyproject.toml [tool.dg] and runs it with .venv's Python.
dev: install
	$(BIN)/dg dev --host 127.0.0.1 --port 3000

bench: install
	$(BIN)/python bench/bench_pipeline.py $(BENCH_ARGS)

clean:
	rm -rf .dagster outputs/datasets outputs/reports outputs/.staging
