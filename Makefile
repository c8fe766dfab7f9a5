# One-command set-up on a fresh machine with only Python 3.11+ and make.
#   make lab        - install into .venv if needed, build the student version (skipped when the
#                     workspace already has it), open the learner's JupyterLab
#   make instructor - JupyterLab at the course root with the formgrader, for grading (course lab)
#   make test       - install into .venv if needed, run the whole test suite (as root, first
#                     `make hub-env`: what the real-JupyterHub test needs)
#   make test-fast  - the inner loop: every test that starts no kernel and no server (under a minute)
#   make format     - apply ruff's fixes and formatting (code and notebooks)
#   make hub-env    - build the hub test's environments (JupyterHub, ngshare, configurable-http-proxy)
# Options: PORT=8888 (JupyterLab port), BROWSER=none (do not open a browser),
#          PYTHON=python3.12 (interpreter used to create .venv),
#          HUB_HOME=/opt/summits-and-warheads-hub (where `make hub-env` builds, world-readable).

PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8888
BIN    := $(VENV)/bin
HUB_HOME ?= /opt/summits-and-warheads-hub
export HUB_HOME
ROOT   := $(filter 0,$(shell id -u))
# Re-install whenever the package metadata changes.
STAMP  := $(VENV)/.installed

.PHONY: lab instructor test test-fast format bench install workspace clean-workspace help hub-env

help:
	@echo "make lab       build the student notebooks into workspace/ and open JupyterLab (PORT=, BROWSER=)"
	@echo "make instructor JupyterLab at the course root with the formgrader, for grading (PORT=, BROWSER=)"
	@echo "make test      run the whole test suite"
	@echo "make test-fast run the tests that start no kernel and no server (the inner loop, under a minute)"
	@echo "make hub-env   build what tests/test_hub.py needs under HUB_HOME (root; make test does it)"
	@echo "make format    apply ruff's lint fixes and formatting to the code and the notebooks"
	@echo "make install   create .venv and install the course with its test tools"
	@echo "make bench     run the benchmarks under benchmarks/ (results in benchmarks/results/)"

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required (try make PYTHON=python3.11)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

workspace: $(STAMP)
	$(BIN)/course workspace

# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
ALLOW_ROOT := $(if $(ROOT),--allow-root,)

# The learner's lab: course/lab/ (instructor tools and the news pop-up off) joins the Jupyter
# config path for this launch only; nothing is written to ~/.jupyter or to .venv.
LAB_CONFIG := $(CURDIR)/course/lab$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH),)

lab: workspace
	JUPYTER_CONFIG_PATH='$(LAB_CONFIG)' $(BIN)/jupyter lab --notebook-dir=workspace --ServerApp.port=$(PORT) $(ALLOW_ROOT) \
	    $(if $(filter none,$(BROWSER)),--no-browser,$(if $(BROWSER),--ServerApp.browser='$(BROWSER)',))

# The instructor's Lab: at the course root, where the formgrader finds the course and its links
# open the source notebooks (course/pipeline/lab.py).
instructor: $(STAMP)
	$(BIN)/course lab --port $(PORT) $(if $(BROWSER),--browser '$(BROWSER)',)

# tests/test_hub.py drives a real JupyterHub with real Unix accounts: it needs root, and a user
# environment every account can run, built from Debian's /usr/bin/python3 with pinned versions
# (deploy/requirements/), plus ngshare's own environment and configurable-http-proxy from npm
# (tests/hub/proxy/package-lock.json). Built once, rebuilt when a pin changes (about 3 minutes); the hub
# test asks `tests/hub/install.sh HUB_HOME --check` first and fails, naming this target, if it is stale.
hub-env:
	bash tests/hub/install.sh $(HUB_HOME)

# axe-core for the accessibility audit of the browser tests, from npm (tests/browser/package-lock.json)
AXE := tests/browser/node_modules/axe-core/axe.min.js

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd tests/browser && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/axe-core/axe.min.js; \
	else echo "npm not found: the browser tests will be skipped (CI installs it)"; fi

test: $(STAMP) $(AXE) $(if $(ROOT),hub-env,)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python benchmarks/widget_latency.py
	$(BIN)/python benchmarks/notebook_cost.py
	$(BIN)/python benchmarks/autograde_speed.py

clean-workspace:
	@echo "workspace/ holds your own answers; delete it by hand if you really mean to."
