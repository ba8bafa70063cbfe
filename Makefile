# Every target sets up .venv itself, so each works on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: site test validate bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## site: set up .venv and build the site from patterns/ into site/
site: $(STAMP)
	$(BIN)/patternlib build

## test: set up .venv and run the whole suite (pytest, ruff, mypy, browser tests in chromium)
test: $(STAMP)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

# The browser tests drive Debian's chromium: Playwright cannot download a browser here.
# Installing it needs root, as in CI.
$(CHROMIUM):
	@test "$$(id -u)" = 0 || { echo "$@ missing: install chromium, or run as root"; exit 1; }
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

# PATTERNLIB_NO_BROWSER=1 leaves the browser tests out, and with them the need for chromium.
ifneq ($(PATTERNLIB_NO_BROWSER),1)
test: $(CHROMIUM)
endif

## validate: check every pattern in patterns/
validate: $(STAMP)
	$(BIN)/patternlib validate patterns

## bench: time validation of the real Commons OS corpus
bench: $(STAMP)
	$(BIN)/python benchmarks/validate_corpus.py

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
