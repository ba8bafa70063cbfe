# Every target sets up .venv itself, so each works on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test validate bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## site: set up .venv and build the site from patterns/ into site/
site: $(STAMP)
	$(BIN)/patternlib build

## test: set up .venv and run the whole suite (pytest, ruff, mypy)
test: $(STAMP)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

## validate: check every pattern in patterns/
validate: $(STAMP)
	$(BIN)/patternlib validate patterns

## bench: time validation of the real Commons OS corpus
bench: $(STAMP)
	$(BIN)/python benchmarks/validate_corpus.py

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
