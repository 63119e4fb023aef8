# Fianza: `make run` serves the demo on SQLite; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install browser-deps run serve test test-postgres lint messages demo

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)
	test -f .env || cp .env.example .env
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v 0

# The browser tests drive Debian's Chromium (never a downloaded build) and inject axe-core.
browser-deps:
	test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)
	npm ci --no-audit --no-fund

# With Redis reachable, a Celery worker and the scheduler start beside the web server
# (Procfile.dev, one prefixed log); without it, background work runs inside the web process.
REDIS_URL ?= redis://127.0.0.1:6379/0
run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput -v 0
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	@if $(PY) -c "import redis; redis.Redis.from_url('$(REDIS_URL)', socket_connect_timeout=1).ping()" 2>/dev/null; then \
	  echo "Redis answers at $(REDIS_URL): starting web, worker and scheduler (Procfile.dev)."; \
	  mkdir -p var; FIANZA_REDIS_URL=$(REDIS_URL) DJANGO_DEBUG=1 $(VENV)/bin/honcho -f Procfile.dev start; \
	else \
	  echo "No Redis at $(REDIS_URL): background tasks and e-mail run inside the web process (eager mode)."; \
	  FIANZA_REDIS_URL= CELERY_BROKER_URL= DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000; \
	fi

# Production: migrate, collectstatic, compilemessages, then gunicorn + worker + beat (honcho).
# Needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL... (README, "Operations").
serve: install
	bin/serve

test: install browser-deps
	$(PY) -m pytest -n 2 -q

# The same suite against PostgreSQL (DATABASE_URL=postgres://...).
test-postgres: install browser-deps
	$(PY) -m pytest -n 2 -q

lint: install
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

messages:
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l es -l en --ignore=.venv --ignore=tests --ignore=node_modules --ignore=staticfiles --ignore=benchmarks --no-obsolete
