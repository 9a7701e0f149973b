# Treillis: `make site` builds the demo site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test bench lint dist clean help screenshots

help:
	@echo "make site   install everything in .venv and build the demo site into output/"
	@echo "make test   install everything in .venv and run the whole test suite"
	@echo "make bench  measure builds (against Hugo), diagrams, search (against Pagefind), preview, Lighthouse and a network portal (benchmarks/results/)"
	@echo "make screenshots  PNGs of every page kind at 390 and 1280 px, light and dark, into screenshots/"
	@echo "make lint   check the code style (ruff)"
	@echo "make dist   build the package (wheel and sdist, with the theme and the browser libraries) into dist/"
	@echo "make clean  remove output/ and .venv/"

$(STAMP): pyproject.toml constraints.txt package.json package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Treillis needs Python 3.11 or newer (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,fast]'
	@command -v npm >/dev/null || { echo "Treillis needs node and npm for the search libraries"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -c 'from treillis.search.libraries import copy_from; copy_from("node_modules")'
	@touch $(STAMP)

# The demo's network: its two bases written from ../shared/data, then harvested. Without
# the data, the harvest reports them missing (ignored here) and the demo builds without.
site: $(STAMP)
	$(BIN)/python scripts/demo_network.py
	-$(BIN)/treillis harvest content
	$(BIN)/treillis build content --output output
	@echo ""
	@echo "The demo site is in output/. Open output/index.html in a browser,"
	@echo "or serve it: $(BIN)/python -m http.server --directory output 8000 --bind 127.0.0.1"

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[bench]'
	$(BIN)/python -m benchmarks.build --json benchmarks/results/build.json
	$(BIN)/python -m benchmarks.diagrams --json benchmarks/results/diagrams.json
	$(BIN)/python -m benchmarks.search --json benchmarks/results/search.json
	$(BIN)/python -m benchmarks.relevance --json benchmarks/results/relevance.json
	$(BIN)/python -m benchmarks.serve --json benchmarks/results/serve.json
	$(BIN)/python -m benchmarks.lighthouse --json benchmarks/results/lighthouse.json
	$(BIN)/python -m benchmarks.network --json benchmarks/results/network.json

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py --output screenshots

lint: $(STAMP)
	$(BIN)/ruff check treillis tests benchmarks scripts

# Node and npm are needed here, to build the package; never to use it.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist
	@echo "Built: $$(ls dist)"

clean:
	rm -rf output dist $(VENV)
