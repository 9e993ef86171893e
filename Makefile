# Công vụ — two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 2
# Links sent to citizens point at the address actually served, unless SITE_URL says otherwise (behind a proxy).
SITE_URL ?= http://$(HOST):$(PORT)
# Generated history loaded with the demo province: this many dossiers over the past year, a sixth as many feedback.
HISTORY ?= 20000

.PHONY: run test test-quick install install-dev lint format migrate demo serve worker bench messages clean static

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a lock file changed (the stamp is newer than the lock otherwise).
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py publish_tracking

demo: migrate
	$(BIN)/python manage.py load_demo --if-empty --history $(HISTORY)
	$(BIN)/python manage.py rebuild_stats --if-empty

# Static files are collected (hashed, compressed) only when one of them, the installed packages or the settings
# changed since the last collection (its manifest is the stamp); even then only changed files are compressed again
# (apps/core/staticfiles.py). Unchanged, a restart skips it: 0 s instead of a minute.
STATIC_MANIFEST := $(or $(CONGVU_VAR_DIR),var)/static/staticfiles.json
STATIC_SOURCES := $(shell find static -type f; find apps -path '*/static/*' -type f) congvu/settings.py \
  apps/core/staticfiles.py

$(STATIC_MANIFEST): $(VENV)/.installed $(STATIC_SOURCES)
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	touch $@

static: $(STATIC_MANIFEST)

# On PostgreSQL, when the URL's role may create roles, serve as `congvu_app` (rows only: it can't drop the audit
# triggers); migrations above ran as the owner. The audit chain's head is anchored outside the database first.
run: demo static
	$(BIN)/python manage.py audit_checkpoint
	@echo ""
	@echo "Công vụ: http://$(HOST):$(PORT)/  (API: /api/docs/, quản trị: /admin/)  — Ctrl-C để dừng"
	@app_url=$$($(BIN)/python manage.py db_app_role --print-url) || exit 1; \
	  if [ -n "$$app_url" ]; then export DATABASE_URL="$$app_url"; fi; \
	  export SITE_URL="$(SITE_URL)"; \
	  trap 'kill $$(jobs -p) 2>/dev/null; wait' INT TERM EXIT; \
	  $(BIN)/python manage.py run_huey --quiet & \
	  $(BIN)/gunicorn congvu.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) --threads 4 --preload \
	    --access-logfile - --log-level warning & \
	  wait

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	$(BIN)/pytest $(PYTEST_ARGS)

# The same checks without the slow tests (browser journeys, fuzzing, the canary walk, killed workers).
test-quick:
	$(MAKE) test PYTEST_ARGS='-m "not slow" $(PYTEST_ARGS)'

lint: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install-dev
	$(BIN)/python manage.py makemessages --locale en --ignore ".venv/*" --ignore "var/*" --no-obsolete
	$(BIN)/python scripts/compile_messages.py

bench: install-dev
	$(BIN)/python bench/calendar_deadlines.py

clean:
	rm -rf $(VENV) var/static
