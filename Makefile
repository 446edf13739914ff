# Flexwork: `make run` sets everything up and starts the portal; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_WORKERS ?= 3
CELERY_CONCURRENCY ?= 4

# Plain HTTP on a local machine; production sets its own values.
export DJANGO_SECURE_SSL_REDIRECT ?= 0
export DJANGO_ALLOWED_HOSTS ?= localhost,127.0.0.1
# Tests get their own Redis database, so a running portal's queue is never touched.
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run setup venv test test-faults lint audit bench clean messages

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
	$(BIN)/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule & \
	$(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $(WEB_WORKERS) --access-logfile - & \
	wait

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Known vulnerabilities in the installed set, from PyPI's advisory data; --strict fails when a
# package cannot be checked, so an unreachable advisory service is never a silent pass.
audit: venv
	$(BIN)/pip-audit --skip-editable --strict

test: venv messages static
	@REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python -m config.preflight
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest -m "not faults" $(PYTEST_ARGS)

test-faults: venv messages static
	REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest -m faults $(PYTEST_ARGS); status=$$?; [ $$status -eq 0 ] || [ $$status -eq 5 ]

bench: setup
	bash bench/run_all.sh

clean:
	rm -rf $(VENV) staticfiles var
