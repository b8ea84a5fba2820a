# RaiPlay — `make run` to try it, `make test` to check it.
# The first Python >= 3.12 found (pyenv installs included).
PYTHON ?= $(shell for p in python3.13 $$(ls -d $$HOME/.pyenv/versions/3.13*/bin/python3 2>/dev/null) \
	  python3.12 $$(ls -d $$HOME/.pyenv/versions/3.12*/bin/python3 2>/dev/null) python3; do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && command -v $$p && break; done)
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_DEBUG ?= 1

.PHONY: run test bench fuzz faults lint format install setup clean stack stack-down stack-status load

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo

run: setup  ## serve the app with demo content on http://127.0.0.1:8000
	$(PY) manage.py runserver 127.0.0.1:8000

test: install  ## the whole suite; PostgreSQL/Redis/browser tests skip (and say so) without them
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null 2>&1 || true
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install  ## BENCH_USERS learners (1,000,000) behind gunicorn vs a bare-Django floor: bench/results/latest.json
	$(PY) bench/run_bench.py

fuzz: install  ## schemathesis over every API operation, signed in, all checks (FUZZ_EXAMPLES per operation)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-100} $(PY) -m pytest raiplay/tests/test_api_fuzz.py $(PYTEST_ARGS)

lint: install  ## ruff, formatting, migrations, the layers of DESIGN.md (import-linter), types (mypy)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

stack: install  ## deploy/docker-compose.yml without Docker: nginx on :8080, two gunicorns, local PostgreSQL + Redis
	deploy/stack.sh up
	@echo "Running in the background (state in .stack/). Stop it with: make stack-down"

stack-down:  ## stop what `make stack` started (never PostgreSQL or Redis)
	deploy/stack.sh down

stack-status:
	deploy/stack.sh status

load: install  ## 200 simulated learners for 60 s against `make stack` (locust), then check_ledger
	deploy/load/run.sh

faults: install  ## Redis paused and killed, PostgreSQL restarted, under traffic, on a private cluster and Redis
	deploy/faults/run.sh

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
