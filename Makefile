# The README's two commands: `make demo` runs the hotline locally, `make test` runs every check.
VENV ?= .venv
PY := $(VENV)/bin/python
BABEL := $(VENV)/bin/pybabel
# Most tests wait on the network (the emulator, a bot process), so four at a time even on 2 CPUs.
PYTEST_FLAGS ?= -n 4

.PHONY: demo run test test-pg check lint typecheck install extract update-catalogs compile bench bench-console \
	bench-sitrep \
	wheel-check lock

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install compile
	$(VENV)/bin/hotline demo

run: install compile
	$(VENV)/bin/hotline run

test: install compile lint typecheck
	$(PY) -m pytest $(PYTEST_FLAGS)

# The test suite on PostgreSQL: a fresh database per test on the server HOTLINE_TEST_DATABASE_URL names.
test-pg: install compile
	@test -n "$$HOTLINE_TEST_DATABASE_URL" || { echo "Set HOTLINE_TEST_DATABASE_URL to a PostgreSQL server," \
		"such as postgresql+asyncpg://postgres@127.0.0.1:5432/postgres (see the README)."; exit 2; }
	$(PY) -m pytest $(PYTEST_FLAGS)

lint: install
	$(VENV)/bin/ruff check bot storage emulator tests bench
	$(VENV)/bin/ruff format --check bot storage emulator tests bench
	$(VENV)/bin/lint-imports

typecheck: install
	$(VENV)/bin/mypy

extract: install
	$(BABEL) extract -F babel.cfg -k N_ -k _ --no-location --sort-by-file --project hotline \
		--copyright-holder "hotline" --width=100 -o locales/messages.pot .

update-catalogs: extract
	$(BABEL) update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete --width=100

compile: install
	$(BABEL) compile -d locales -D messages --statistics

bench: install compile
	$(PY) -m bench.broadcast
	$(PY) -m bench.core
	$(PY) -m bench.surge
	$(PY) -m bench.console
	$(PY) -m bench.sitrep

# The web console with 30,000 cases (seeded once into var/bench-console, then reused): SQLite, and
# PostgreSQL too when HOTLINE_BENCH_DATABASE_URL names a server (a database bench_console on it)
bench-console: install compile
	$(PY) -m bench.console

# The daily situation report with 30,000 cases (figures, chart, PDF; goal: under 2 s): SQLite, and
# PostgreSQL too when HOTLINE_BENCH_DATABASE_URL names a server
bench-sitrep: install compile
	$(PY) -m bench.sitrep

# The wheel as an operator installs it: built, installed alone into a clean environment (no test
# tools, no repository beside it), started against the emulator, answering /start in both languages.
wheel-check: install
	rm -rf build dist .wheel-venv
	$(PY) -m pip wheel --no-deps --quiet --wheel-dir dist .
	python3 -m venv .wheel-venv
	.wheel-venv/bin/pip install --quiet --require-hashes -r requirements.lock
	.wheel-venv/bin/pip install --quiet --no-deps dist/hotline-*.whl
	cd /tmp && $(CURDIR)/.wheel-venv/bin/python $(CURDIR)/.ci/wheel_check.py
	rm -rf .wheel-venv build

# requirements.lock: the exact versions and hashes a production install takes (docs/deployment.md),
# made again from pyproject.toml after its dependencies change
lock:
	python3 -m venv .lock-venv && .lock-venv/bin/pip install --quiet pip-tools
	.lock-venv/bin/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file requirements.lock pyproject.toml
	rm -rf .lock-venv
