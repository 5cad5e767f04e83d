# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Test processes (pytest-xdist): one per core of this 2-core machine; WORKERS=0 runs in one process.
WORKERS ?= 2

DATA_DIR_FUZZ := var/fuzz

.PHONY: run test test-pg fuzz test-browser test-spark install-spark screenshots check install demo benchmark vendor clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "巡察工作平台：http://127.0.0.1:$(PORT)/  （演示账号见上表）"
	@# The background worker and the daily scheduler run beside the server and stop with it.
	@# The demo's accounts sign in with a password alone (XUNCHA_OTP_REQUIRED=0); production
	@# asks every account for its phone's code as well.
	@$(PY) manage.py db_worker --interval 5 & worker=$$!; \
	$(PY) manage.py run_periodic & periodic=$$!; \
	trap 'kill $$worker $$periodic 2>/dev/null; wait $$worker $$periodic 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	XUNCHA_OTP_REQUIRED=0 $(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

demo: install
	$(PY) manage.py load_demo

test: install
	$(PY) -m pytest -n $(WORKERS)

# The four-permission-cases table (about 1,200 generated tests, the same queries on any
# database) runs in `make test`; `make test-pg` leaves it out for a quicker local run and
# `make test-pg PG_ALL=1` (as .ci/run does) runs it on PostgreSQL too. The Spark tests read
# and write files only, so `make test-spark` runs them once, not again here.
test-pg: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/xuncha} $(PY) -m pytest -n $(WORKERS) -m "not browser and not spark" --create-db \
		$(if $(PG_ALL),,--deselect core/tests/test_permissions.py)

# Attack tests generated from the OpenAPI schema (core/tests/test_api_fuzz.py): `make test` runs
# a few examples of each operation as three roles; this runs many, as every role and with no
# token, with schemathesis's coverage phase, prints the answers counted by status, and fails on
# any server error or answer outside the schema. FUZZ_EXAMPLES= to change how many. Then the
# import and upload paths, with new random files.
FUZZ_EXAMPLES ?= 20
# The imports and uploads, fed generated files: 40 fixed examples each in `make test`, 400 new
# ones each here.
IMPORT_FUZZ = registry/tests/test_import_fuzz.py onsite/tests/test_import_fuzz.py onsite/tests/test_upload_fuzz.py \
	rectification/tests/test_import_fuzz.py comparison/tests/test_upload_fuzz.py
fuzz: install
	rm -rf $(DATA_DIR_FUZZ) && mkdir -p $(DATA_DIR_FUZZ)
	XUNCHA_FUZZ_ROLES=all XUNCHA_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) XUNCHA_FUZZ_REPORT=$(DATA_DIR_FUZZ) \
		$(PY) -m pytest -n $(WORKERS) core/tests/test_api_fuzz.py; status=$$?; \
	$(PY) scripts/fuzz_report.py $(DATA_DIR_FUZZ); \
	XUNCHA_FUZZ_RANDOM=1 $(PY) -m pytest -n $(WORKERS) $(IMPORT_FUZZ) || status=1; exit $$status

test-browser: install
	$(PY) -m pytest -m browser

# Data comparison's optional Spark engine (pyspark, ~400 MB; needs a Java 17 runtime). Once it is
# installed, `make test` runs the Spark tests too; without it they are skipped.
install-spark: install
	$(PY) -m pip install -q -r requirements-spark.txt

test-spark: install-spark
	$(PY) -m pytest -p no:xdist -m spark comparison/tests/test_spark.py

# The browser tests save their screenshots to var/screenshots/ (git-ignored), so that
# `make test` leaves the tree clean; this target runs them again to refresh the
# README's pictures in docs/screenshots/ (commit those only when a page changed).
screenshots: install
	XUNCHA_SCREENSHOT_DIR=docs/screenshots $(PY) -m pytest -m browser

check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py check
	XUNCHA_SECRET_KEY=$$($(PY) -c "import secrets;print(secrets.token_urlsafe(50))") XUNCHA_HTTPS=1 $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/bandit -q -c pyproject.toml -r core registry planning onsite results rectification demo xuncha scripts
	$(VENV)/bin/bandit -q -c pyproject.toml -r comparison -s B101,B105,B404,B603,B607,B608

benchmark: install
	$(PY) benchmarks/pages.py --scale 10

vendor:
	$(PYTHON) scripts/vendor_assets.py

clean:
	rm -rf $(VENV) var
