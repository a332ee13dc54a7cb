# Levain: `make run` serves the wiki with demo recipes, `make test` runs the whole suite.
VENV := .venv
PYTHON := $(VENV)/bin/python
LEVAIN := $(VENV)/bin/levain

.PHONY: run test bench lint clean

$(PYTHON):
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(PYTHON) setup.cfg pyproject.toml
	$(PYTHON) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(LEVAIN) init
	$(LEVAIN) demo --if-empty
	$(LEVAIN) serve

test: $(VENV)/.installed-test
	$(PYTHON) -m pytest

bench: $(VENV)/.installed-test
	$(PYTHON) bench/run.py

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) instance .pytest_cache
