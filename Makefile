# postaward: two commands. `make run` starts the platform, `make test` proves it.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
NODE_STAMP := node_modules/.installed-$(shell cksum package-lock.json 2>/dev/null | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: run test durations check setup assets browser-deps demo simulate bench clean fmt trace screenshots

run: setup ## set up, migrate, load the demo district if empty, start web + worker on :8000
	$(BIN)/postaward serve

test: setup browser-deps ## the whole suite (SQLite; PostgreSQL when DATABASE_URL points at one)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -n 2 --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

durations: setup browser-deps ## run the suite and store each test file's seconds (the order of make test)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -n 2 --dist loadfile --no-loadscope-reorder --store-durations

check: setup ## lint, format, types, import layers, Django checks, migrations up to date, module sizes
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/python scripts/module_sizes.py
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy src
	$(BIN)/lint-imports
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python scripts/trace.py --check

trace: ## regenerate docs/requirements-trace.md from the IDs cited in code and tests
	$(BIN)/python scripts/trace.py

setup: $(STAMP) assets

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@rm -f node_modules/.installed-*
	@touch $@

assets: $(NODE_STAMP)
	@$(BIN)/python scripts/vendor_assets.py

browser-deps: ## Debian's chromium and a CJK font for the browser tests (never `playwright install`)
	@bash scripts/ensure_chromium.sh

screenshots: setup browser-deps ## refresh docs/screenshots/ from the browser tests
	POSTAWARD_SCREENSHOTS=docs $(BIN)/pytest -p no:xdist -m browser tests/browser

demo: setup
	$(BIN)/postaward migrate --verbosity 0
	$(BIN)/postaward demo

simulate: setup
	$(BIN)/postaward simulate --days $${DAYS:-7}

bench: setup ## every benchmark; each prints its ratio against a same-run baseline
	@for b in bench/*/run.py; do [ -f "$$b" ] && $(BIN)/python $$b || true; done

fmt: setup
	$(BIN)/ruff check --fix src tests bench scripts
	$(BIN)/ruff format src tests bench scripts

clean:
	rm -rf $(VENV) node_modules var src/postaward/static/vendor
