# Levain: `make run` serves the wiki with demo recipes, `make test` runs the whole suite.
VENV := .venv
PYTHON := $(VENV)/bin/python
LEVAIN := $(VENV)/bin/levain
PYBABEL := $(VENV)/bin/pybabel
# The versions the suite passed with, which every install here takes (make constraints renews them).
CONSTRAINTS := constraints.txt
# The interface's message catalogues: the .po files are written by people, the .mo files built here.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

# The domain's error classes, whose first argument is a sentence for people (recipes/errors.py).
DOMAIN_ERRORS := LevainError Invalid NotFound Unauthorized Forbidden TooLarge EditConflict MergeConflict \
	LicenceConflict
# Functions whose second argument names a field for a person, shown inside an error's sentence.
FIELD_PHRASES := clean_revision_number:2 whole_number:2 _clean_text:2

.PHONY: run test bench lint clean messages constraints

$(PYTHON):
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(PYTHON) setup.cfg setup.py pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m pip install --quiet --constraint $(CONSTRAINTS) -e '.[postgres,redis]'
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PYTHON) -m pip install --quiet --constraint $(CONSTRAINTS) -e '.[test]'
	touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(PYBABEL) compile --statistics -l $* -i $< -o $@

run: $(VENV)/.installed $(CATALOGUES)
	$(LEVAIN) init
	$(LEVAIN) demo --if-empty
	$(LEVAIN) serve

# The suite runs on every core (pytest-xdist); the cases that time something run after, one at a time,
# so that the other cases' load does not decide them. make test TEST_WORKERS=0 runs all in one process.
TEST_WORKERS := auto
test: $(VENV)/.installed-test $(CATALOGUES)
	$(PYTHON) -m pytest --numprocesses $(TEST_WORKERS) --dist worksteal -m "not timed"
	$(PYTHON) -m pytest -m timed

bench: $(VENV)/.installed-test
	$(PYTHON) bench/run.py

# Gather the interface strings again and add the new ones to every catalogue, for translating.
messages: $(VENV)/.installed
	$(PYBABEL) -q extract -F babel.cfg -k _l $(DOMAIN_ERRORS:%=-k %) $(FIELD_PHRASES:%=-k %) --sort-by-file --project=Levain \
		-o translations/messages.pot .
	$(PYBABEL) -q update -i translations/messages.pot -d translations

# Write down the versions installed now, once the whole suite passed with them.
constraints: $(VENV)/.installed-test
	{ echo "# The versions the whole suite passed with: make test and CI install these (make constraints)."; \
	  $(PYTHON) -m pip freeze --exclude-editable; } > $(CONSTRAINTS)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) instance .pytest_cache $(CATALOGUES)
