# Space Mission Analysis: `make run` serves the app, `make test` runs the tests. `make help` lists the rest.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA ?=
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help js venv venv-dev run migrate import worker test lint deploy-check screenshots bench bench-import bench-api bench-web bench-jobs bench-maps bench-pages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Chart libraries: pinned by package-lock.json, installed by npm and copied into the pages' static files.
JS_VENDOR := pages/static/pages/vendor/.installed

$(JS_VENDOR): package.json package-lock.json pages/vendor.mjs
	npm ci --no-audit --no-fund --loglevel=error
	node pages/vendor.mjs
	touch $@

js: $(JS_VENDOR) ## Install the pinned chart libraries (npm) into the static files

venv: $(BIN)/.installed $(JS_VENDOR) ## Create the virtual environment and install the pinned requirements

venv-dev: $(BIN)/.installed-dev ## The virtual environment with the test and lint tools too

migrate: venv ## Apply database migrations
	$(BIN)/python manage.py migrate --noinput

import: migrate ## Import the default dataset, or DATA=path/to/file.csv
	$(BIN)/python manage.py import_launches $(DATA)

run: migrate ## Install, migrate, import DATA or the default dataset unless already imported, serve on http://$(HOST):$(PORT)/
	$(BIN)/python manage.py import_launches --if-changed $(DATA)
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: venv ## Run an RQ worker for the analysis queues (needs REDIS_URL)
	$(BIN)/python manage.py rqworker analysis default

test: venv-dev js ## Lint and run the test suite
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: venv-dev ## Lint with ruff
	$(BIN)/ruff check .

deploy-check: venv-dev ## Validate the Dockerfile, compose file and Kubernetes manifests, and run the container tests
	$(BIN)/python -m pytest config/tests

screenshots: venv-dev ## PNGs of the pages in docs/screenshots/ (headless Chromium; needs a server: URL=http://127.0.0.1:8000)
	$(BIN)/python docs/screenshots.py --url $(or $(URL),http://$(HOST):$(PORT))

bench: bench-import bench-api bench-web bench-jobs bench-maps bench-pages ## Run every benchmark

bench-jobs: venv ## Job benchmark: POST-to-finished, 1,000,000-launch aggregations vs psql, wrk (needs DATABASE_URL, REDIS_URL)
	$(BIN)/python bench/jobs.py

bench-import: venv ## Import benchmark: real file, 1,000,000 rows, COPY baseline (needs PostgreSQL)
	$(BIN)/python bench/import.py

bench-api: venv ## API benchmark: gunicorn + wrk on the real data and on 1,000,000 launches (needs PostgreSQL, wrk)
	$(BIN)/python bench/api.py

bench-web: venv ## Web benchmark: production gunicorn config vs a bare WSGI app, 1,000 and 100,000 jobs (needs PostgreSQL, Redis, wrk)
	$(BIN)/python bench/web.py

bench-pages: venv ## Page benchmark: server time of each page on the real data and on 1,000,000 launches (needs PostgreSQL)
	$(BIN)/python bench/pages.py

bench-maps: venv ## Map benchmark: map job on the real data and on 1,000,000 launches, geocoder calls (needs PostgreSQL)
	$(BIN)/python bench/maps.py

clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) var staticfiles node_modules pages/static/pages/vendor
