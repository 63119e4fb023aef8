# Fianza: `make run` serves the demo on SQLite; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install browser-deps run test test-postgres lint messages demo

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

run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput -v 0
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: install browser-deps
	$(PY) -m pytest -n 2 -q

# The same suite against PostgreSQL (DATABASE_URL=postgres://...).
test-postgres: install browser-deps
	$(PY) -m pytest -n 2 -q

lint: install
	$(PY) -m ruff check .

messages:
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l es -l en --ignore=.venv --ignore=tests --no-obsolete
