# Every target creates its own virtual environment; nothing to install by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

CHROMIUM := /usr/bin/chromium

.PHONY: demo test lint gates sizes clean browser bench bench-quick wheel-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/siting data info
	$(BIN)/siting rank models/cases/case2_microchip_dense_region.toml --top 5 --details 2 \
		--map maps/demo.html --brief maps/demo-brief.html
	@echo "map: $(CURDIR)/maps/demo.html, brief: $(CURDIR)/maps/demo-brief.html (open them in a browser)"

# The browser tests (tests/test_browser.py) drive Debian's chromium through Playwright's own
# driver; `playwright install` is never used. Installed here when missing and we are root.
browser:
	@if [ -x $(CHROMIUM) ]; then \
		echo "browser tests: using $(CHROMIUM)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "browser tests: installing Debian's chromium"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
		|| echo "NOTE: could not install chromium; the browser tests will be skipped"; \
	else \
		echo "NOTE: $(CHROMIUM) is missing and this is not a root Debian shell: the browser" \
		     "tests will be skipped. Install it with: sudo apt-get install chromium"; \
	fi

test: $(STAMP) browser
	$(BIN)/python -m pytest

# Performance figures (not part of the tests): a table of wall time and memory. The full run
# takes about 30 minutes on 2 cores (the dense assignment baseline is most of it).
bench: $(STAMP)
	$(BIN)/python -m benchmarks

bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks --quick

# The wheel as a user gets it: built from the sources (sdist, then the wheel from it), installed
# with its dependencies in a fresh virtual environment outside the checkout, run on one case.
wheel-check: $(STAMP)
	@tmp=$$(mktemp -d) && \
	$(BIN)/python -m build --no-isolation --outdir $$tmp/dist . >$$tmp/build.log 2>&1 \
		|| { cat $$tmp/build.log; exit 1; } && \
	rm -rf build siting.egg-info && \
	$(PYTHON) -m venv $$tmp/venv && \
	$$tmp/venv/bin/python -m pip install --quiet $$tmp/dist/*.whl && \
	cd $$tmp && \
	$$tmp/venv/bin/siting rank $(CURDIR)/models/cases/case2_microchip_dense_region.toml \
		--top 3 --out $$tmp/ranking.xlsx --brief $$tmp/brief.html && \
	test -s $$tmp/ranking.xlsx && test -s $$tmp/brief.html && \
	echo "wheel-check: the installed wheel ranked a case from $$tmp" && rm -rf $$tmp

LINTED := siting tests scripts benchmarks setup.py

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

# The gates of CI (issue 17), before the tests: lint clean, formatted, and mypy with the
# configuration of pyproject.toml ([tool.mypy]: files, plugins, untyped libraries) at zero errors.
gates: lint
	$(BIN)/python -m mypy

# Modules over 400 lines and functions over 60 (a report, not a gate).
sizes: $(STAMP)
	$(BIN)/python scripts/report_sizes.py

clean:
	rm -rf $(VENV) .pytest_cache build dist siting.egg-info
