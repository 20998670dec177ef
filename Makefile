# One task runner.  `make run` and `make test` install what they need themselves.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test test-fast lint format bench bench-browser demo install install-test browser-deps clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.runtime
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-test.txt
	touch $@

install: $(VENV)/.runtime
install-test: $(VENV)/.test

## Serve the app on the embedded demo data (built on first start) at http://localhost:$(PORT)
## (serve.py: app.py, with static/ limited to the vendored assets)
run: install
	$(PY) -m lib.cli setup
	$(PY) -m streamlit run serve.py --server.port $(PORT)

## Debian packages for the browser tests (as root: installs them; else says what is missing)
browser-deps:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null; \
	else echo "browser tests need: apt-get install chromium chromium-driver fonts-noto-cjk"; fi

## All tests: lint first, then unit, AppTest and browser, on two workers (a test file stays
## on one worker: its module fixtures, e.g. a browser test's server, are made once)
XDIST  ?= -n 2 --dist loadfile
test: install-test browser-deps lint
	$(PY) -m pytest -q $(XDIST)

## Lint, then unit and AppTest only (no browser)
test-fast: install-test lint
	$(PY) -m pytest -q $(XDIST) -m "not browser"

lint: install-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install-test
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

## Benchmarks: print figures (median of several runs) for the README table
bench: install-test
	$(PY) bench/bench_pages.py

## Time to a settled page in a real browser (Debian chromium), first visit and warm
bench-browser: install-test
	$(PY) bench/bench_browser.py

## Rebuild the demo database (EDU_DB or data/edu.duckdb)
demo: install
	$(PY) -m lib.cli demo --scale district

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
