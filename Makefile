# Everything runs from a project-local virtual environment so a fresh machine needs only Python.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DB ?= data/payflow.db

.PHONY: install run test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@test -f $(DB) || $(PY) -m payflow_tui --db $(DB) init
	$(PY) -m payflow_tui --db $(DB)

test: $(STAMP)
	$(PY) -m pytest -n 2 -q

bench: $(STAMP)
	$(PY) -m payflow_tui bench

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
