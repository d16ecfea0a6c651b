# The book's commands. `make book` and `make test` are the two set-up commands of the README.
PYTHON  ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
JOBS    ?= 2
NBVAL   := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
# Notebooks that nbval executes: chapters and instructor exercises (student versions
# contain stubs that raise NotImplementedError by design).
EXECUTED = $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb)) $(sort $(wildcard notebooks/exercises/instructor/ex[0-9][0-9]_*.ipynb))
W7      := .venv-ipywidgets7
# JupyterHub's proxy for tests/test_hub.py, from the npm registry into .cache/npm (4.6.3:
# the newest release whose dependencies accept Node.js 20).
CHP_VERSION := 4.6.3
CHP_STAMP   := .cache/npm/.configurable-http-proxy-$(CHP_VERSION)

export PYTHONHASHSEED := 0
# Test runs execute two notebooks at once (pytest -n 2) on two cores: one math thread
# each avoids oversubscription, which made small torch models several times slower.
TEST_ENV := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
export MPLBACKEND := Agg
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help env preflight lint book test unit notebooks widgets7 lab execute student coverage bench hub-load clean

help:
	@echo "make book      build the HTML book strictly into _build/html"
	@echo "make test      unit tests, notebook policy, nbval on every notebook, strict book build"
	@echo "make lab       open JupyterLab in the pinned environment"
	@echo "make execute   re-execute notebooks and store their outputs (NB=path to pick one)"
	@echo "make student   regenerate the student versions of the exercises"
	@echo "make coverage  regenerate the exercise coverage page from the instructor notebooks"
	@echo "make bench     time every notebook and the from-scratch layers; writes book/performance.md"

# Before anything slow: the Python the pins are for; `make test` also needs Chromium
# (installed here when this user may, otherwise the one command to run is printed).
preflight:
	@bash tools/preflight.sh $(PYTHON) --browser

# The pinned environment: created if missing, reinstalled when the pins change.
$(STAMP): requirements.txt pyproject.toml
	@bash tools/preflight.sh $(PYTHON)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

env: $(STAMP)

book: $(STAMP)
	$(BIN)/python tools/vendor_js.py
	$(BIN)/jupyter-book build . --all -W -n --keep-going
	@echo
	@echo "The book is at $(CURDIR)/_build/html/index.html"

# Style, likely bugs and types, checked by machines (ruff: pyflakes, bugbear, import order; mypy).
lint: $(STAMP)
	$(BIN)/ruff check src/dlcourse tools tests deploy
	$(BIN)/mypy

# ipywidgets 7 is what Colab ships: run the widget tests under it too, in a small
# environment of its own (numpy, matplotlib, ipywidgets 7, pytest; no torch needed).
$(W7)/.installed: requirements-ipywidgets7.txt pyproject.toml
	test -x $(W7)/bin/python || $(PYTHON) -m venv $(W7)
	$(W7)/bin/python -m pip install --quiet -r requirements-ipywidgets7.txt
	$(W7)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

widgets7: $(W7)/.installed
	$(W7)/bin/python -m pytest -q -p no:cacheprovider tests/test_widgets.py

# JupyterHub's proxy, project-local: tests/test_hub.py runs a real hub behind it.
$(CHP_STAMP):
	npm install --no-audit --no-fund --silent --prefix .cache/npm configurable-http-proxy@$(CHP_VERSION)
	touch $@

test: preflight $(STAMP) lint widgets7 $(CHP_STAMP)
	$(BIN)/python tools/vendor_js.py
	$(BIN)/jupyter-book build . --all -W -n --keep-going
	$(TEST_ENV) $(BIN)/python -m pytest -n $(JOBS) --dist loadfile --doctest-modules tests src/dlcourse $(EXECUTED) $(NBVAL)

# Unit tests only: no browser, no built book, no hub, no notebooks executed.
unit: $(STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest -n $(JOBS) -m "not browser and not hub" --doctest-modules tests src/dlcourse

notebooks: $(STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest -n $(JOBS) --dist loadfile $(or $(NB),$(EXECUTED)) $(NBVAL)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/notebooks

execute: $(STAMP)
	MPLBACKEND= $(BIN)/python tools/execute_notebooks.py $(NB)

student: $(STAMP)
	$(BIN)/python tools/make_student.py

coverage: $(STAMP)
	$(BIN)/python tools/exercise_catalog.py

# Timings depend on the machine: run on an otherwise idle one.
bench: $(STAMP)
	MPLBACKEND= PYTHONHASHSEED=0 $(BIN)/python tools/bench.py

# Class sizing for the instructor guide: 10 student servers at once, a chapter notebook in
# each kernel (root, minutes of CPU; not part of make test; run on an idle machine).
hub-load: $(STAMP) $(CHP_STAMP)
	$(TEST_ENV) $(BIN)/python deploy/load_test.py -n 10 --notebook 01_ml_foundations.ipynb

clean:
	rm -rf _build .pytest_cache
