# Flexwork: `make run` sets everything up and starts the portal; `make test` runs the suite;
# `make rehearse` proves the production stack on this machine (docs/DEPLOY.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_WORKERS ?= 3
CELERY_CONCURRENCY ?= 4

# Plain HTTP on one's own machine, with a secret key made for it in var/ (check --deploy warns).
export DJANGO_LOCAL_HTTP ?= 1
export DJANGO_ALLOWED_HOSTS ?= localhost,127.0.0.1
# Tests get their own Redis database, so a running portal's queue is never touched.
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run setup venv bootstrap bootstrap-rehearse test test-faults rehearse compose-check lint \
	audit bench clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

messages: venv
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

static: venv
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

setup: venv messages static
	$(BIN)/python -m config.preflight
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

run: setup
	@mkdir -p var
	@echo "Flexwork on http://$(HOST):$(PORT)/ (Ctrl-C stops web, worker and beat)"
	@echo "Texts go through SMS_PROVIDER=$${SMS_PROVIDER:-simulator}"
	@trap 'kill 0' INT TERM; \
	if [ -z "$$SMS_GATEWAY_URL" ]; then \
	  echo "Texts go to the gateway simulator on 127.0.0.1:8025, recorded in var/sms-sent.jsonl"; \
	  $(BIN)/python manage.py sms_gateway_sim --port 8025 --record var/sms-sent.jsonl & \
	fi; \
	$(BIN)/celery -A config worker --loglevel=INFO --concurrency=$(CELERY_CONCURRENCY) & \
	$(BIN)/celery -A config beat --loglevel=INFO --scheduler=config.beat:DefaultsDatabaseScheduler & \
	$(BIN)/gunicorn -c config/gunicorn.py config.wsgi --bind $(HOST):$(PORT) --workers $(WEB_WORKERS) & \
	wait

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Known vulnerabilities in the installed set, from PyPI's advisory data; --strict fails when a
# package cannot be checked, so an unreachable advisory service is never a silent pass.
audit: venv
	$(BIN)/pip-audit --skip-editable --strict

# What the suite needs from the machine (Chromium, gettext, fonts, PostgreSQL and Redis running):
# installed and started as root, named in one sentence otherwise.
bootstrap:
	@PYTHON=$(PYTHON) bash ops/bootstrap.sh

test: bootstrap venv messages static
	@REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python -m config.preflight
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest -m "not faults" $(PYTEST_ARGS)

# A run that collects no fault test fails (pytest's exit 5): a suite that lost its tests is no pass.
test-faults: bootstrap venv messages static
	REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest -m faults $(PYTEST_ARGS)

# nginx with TLS, two web nodes, a worker each and one beat, as an unprivileged user on a fresh
# database: a working morning through the proxy, the morning peak, the backup drill; then down.
rehearse: bootstrap-rehearse venv messages static
	@$(BIN)/python ops/rehearse/run.py

# The suite's needs and the rehearsal's: nginx, openssl, docker-compose, the system's venv.
bootstrap-rehearse:
	@PYTHON=$(PYTHON) bash ops/bootstrap.sh --rehearse

# docker-compose.yml as Debian's docker-compose reads it, with the example values.
compose-check:
	@bash ops/compose-check.sh

bench: setup
	bash bench/run_all.sh

clean:
	rm -rf $(VENV) staticfiles var
