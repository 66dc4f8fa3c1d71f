# Every target creates its own virtual environment; nothing to install by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/siting data info
	$(BIN)/siting rank models/cases/case2_microchip_dense_region.toml --top 5 --details 2

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check siting tests scripts
	$(BIN)/ruff format --check siting tests scripts

clean:
	rm -rf $(VENV) .pytest_cache
