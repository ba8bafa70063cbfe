# Every target sets up what it needs itself, so each works on a fresh machine with python3.
# Installs are locked: uv (hash-pinned in uv-requirements.txt) installs exactly uv.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
UV := $(TOOLS)/bin/uv
CHROMIUM := /usr/bin/chromium
# uv uses $(PYTHON) and never downloads an interpreter of its own.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# --extra site: MkDocs, Material, Pagefind, Jinja (the package alone is the light checker).
# --compile-bytecode: as pip does; every run would otherwise compile what it imports where
# PYTHONDONTWRITEBYTECODE is set (0.4 s of a 0.4 s `validate --changed-only`).
UV_SYNC := $(UV) sync --locked --python $(PYTHON) --quiet --extra site --compile-bytecode

.PHONY: install site test test-latest lock validate bench clean

$(UV): uv-requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "$(PYTHON) is older than 3.11: patternlib needs Python 3.11 or newer"; exit 1; }
	@test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS) || \
	  { echo "$(PYTHON) -m venv failed: on Debian or Ubuntu, apt-get install python3-venv"; exit 1; }
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check \
	  --require-hashes --no-deps -r uv-requirements.txt
	touch $@

# What building needs, and nothing else. --inexact: test tools from `make test` stay.
$(VENV)/.site: $(UV) uv.lock pyproject.toml
	$(UV_SYNC) --inexact
	touch $@

# The site's dependencies and the test tools, exactly as locked.
$(VENV)/.test: $(UV) uv.lock pyproject.toml
	$(UV_SYNC) --group test
	touch $@ $(VENV)/.site

## install: set up .venv with what building the site needs (as uv.lock pins it)
install: $(VENV)/.site

## site: set up .venv and build the site from patterns/ into site/
site: $(VENV)/.site
	$(BIN)/patternlib build

## test: set up .venv and run the whole suite (pytest, ruff, mypy, browser tests in chromium)
test: $(VENV)/.test
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest
	@echo "The site tests again, built with ProperDocs (MkDocs' drop-in fork):"
	PATTERNLIB_ENGINE=properdocs $(BIN)/pytest -q tests/test_site.py tests/test_engine.py

## test-latest: the whole suite on the newest releases pyproject.toml allows, in .venv-latest
# What a user who runs `pip install patternlib` today gets; uv.lock is left as it is.
test-latest: $(UV)
	rm -rf .venv-latest
	$(UV) venv --quiet --python $(PYTHON) .venv-latest
	$(UV) pip install --quiet --python .venv-latest/bin/python --upgrade \
	  --group test -e '.[site]'
	@echo "Resolved (newest allowed by pyproject.toml):"
	@$(UV) pip freeze --python .venv-latest/bin/python --exclude-editable
	.venv-latest/bin/ruff check generator tests benchmarks
	.venv-latest/bin/mypy
	PATTERNLIB_UNLOCKED=1 .venv-latest/bin/pytest

## lock: resolve uv.lock again after a change of dependencies in pyproject.toml
lock: $(UV)
	$(UV) lock --python $(PYTHON)

# The browser tests drive Debian's chromium: Playwright cannot download a browser here.
# Installing it needs root, as in CI.
$(CHROMIUM):
	@test "$$(id -u)" = 0 || { echo "$@ missing: install chromium, or run as root"; exit 1; }
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

# PATTERNLIB_NO_BROWSER=1 leaves the browser tests out, and with them the need for chromium.
ifneq ($(PATTERNLIB_NO_BROWSER),1)
test test-latest: $(CHROMIUM)
endif

## validate: check every pattern in patterns/
validate: $(VENV)/.site
	$(BIN)/patternlib validate patterns

## bench: time validation of the real Commons OS corpus
bench: $(VENV)/.site
	$(BIN)/python benchmarks/validate_corpus.py

clean:
	rm -rf $(VENV) .venv-latest $(TOOLS) site .pytest_cache .mypy_cache .ruff_cache
