# webtwin — `make demo` and `make test` are all a fresh machine needs (Python 3.11+).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help install demo test test-fast serve bench lint clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

install: $(STAMP)  ## create .venv and install webtwin with the dev tools and Ray

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,ray]'
	touch $(STAMP)

demo: install  ## parallel rollout over every text env with the oracle and random policies
	$(BIN)/webtwin rollout --policy oracle --episodes 48 --num-envs 2 --out runs/demo-oracle --overwrite
	$(BIN)/webtwin rollout --policy random --episodes 48 --num-envs 2 --out runs/demo-random --overwrite

test: install  ## the whole suite
	$(BIN)/python -m pytest

test-fast: install  ## the suite without the slow sweeps
	$(BIN)/python -m pytest -m "not slow"

serve: install  ## serve every site at http://mail.localhost:8000 (demo world)
	$(BIN)/webtwin serve --port 8000

bench: install  ## measure restore, reset, step, throughput and memory
	$(BIN)/python bench/run.py

lint: install  ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/mypy simulators envs seeds --exclude '/tests/'

clean:
	rm -rf $(VENV) runs build *.egg-info
