# AUX: two set-up commands, `make run` (demo site) and `make test` (whole suite).
SHELL := /bin/bash
PYTHON := $(shell scripts/find_python.sh)
ifeq ($(PYTHON),)
$(error No Python >= 3.12 found: AUX needs it for Django 6. Install python3.12+ or set PYTHON=/path/to/python3.12)
endif
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint fmt venv migrate seed bench clean upgrade

## Installs exactly the committed lock (every package pinned and hashed; see README, "Dependencies").
## The project itself is not installed: it runs from the checkout.
$(BIN)/.installed: requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.txt
	$(BIN)/python -m pip check
	touch $@

venv: $(BIN)/.installed

## The demo site on the embedded default: SQLite, eager Celery tasks, demo data.
## The fake Stripe (localstripe + Connect, test mode) starts first on STRIPE_PORT, so that seed_demo
## onboards the demo artists and funds contracts through it; it keeps its state in
## var/devstripe-state.pickle (the demo database keeps its Stripe ids across restarts) and stops
## with the site. `manage.py run_schedule` runs the periodic tasks (sweeps, reconciliation) beside
## it, as celery beat does in production; it stops with the site too (log: var/schedule.log).
STRIPE_PORT ?= 8420
STRIPE_STATE ?= var/devstripe-state.pickle
run: venv
	@mkdir -p var; \
	if ! curl -sf http://127.0.0.1:$(STRIPE_PORT)/js.stripe.com/v3/ >/dev/null 2>&1; then \
	  $(BIN)/python -m payments.devstripe --port $(STRIPE_PORT) --quiet --pidfile var/devstripe.pid \
	    --state $(STRIPE_STATE) \
	    --webhook-url http://$(HOST):$(PORT)/payments/stripe/webhook/ \
	    --webhook-secret "$${STRIPE_WEBHOOK_SECRET:-whsec_local}" >var/devstripe.log 2>&1 & \
	fi; \
	trap '[ -f var/devstripe.pid ] && kill $$(cat var/devstripe.pid) 2>/dev/null; rm -f var/devstripe.pid; \
	  [ -f var/schedule.pid ] && kill $$(cat var/schedule.pid) 2>/dev/null; rm -f var/schedule.pid' EXIT; \
	for _ in $$(seq 100); do \
	  curl -sf http://127.0.0.1:$(STRIPE_PORT)/js.stripe.com/v3/ >/dev/null 2>&1 && break; sleep 0.1; \
	done; \
	export STRIPE_API_BASE=$${STRIPE_API_BASE:-http://127.0.0.1:$(STRIPE_PORT)}; \
	export DEBUG=$${DEBUG:-1}; \
	export AUX_MAIL_OUTBOX=$${AUX_MAIL_OUTBOX-var/mail}; \
	export SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}; \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py seed_demo && \
	{ $(BIN)/python manage.py run_schedule >var/schedule.log 2>&1 & echo $$! >var/schedule.pid; } && \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## The whole suite on real PostgreSQL and Redis (installed and started when missing).
test: venv
	scripts/test.sh $(ARGS)

## Refreshes the lock to the newest versions pyproject.toml allows, then runs the whole suite.
## requirements.txt (production) first; the dev lock is constrained to it, so both agree.
LOCK := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes -q
upgrade: venv
	$(LOCK) --upgrade -o requirements.txt
	$(LOCK) --upgrade --extra dev -c requirements.txt -o requirements-dev.txt
	$(MAKE) test

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: venv
	$(BIN)/python bench/matching.py

clean:
	rm -rf $(VENV) .pytest_cache db.sqlite3 media var/devstripe-state.pickle
