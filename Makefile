# skills_cert: `make run` to serve a development instance, `make test` to run the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 4
export FLASK_APP := skills_cert

PO_FILES := $(wildcard skills_cert/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test bench security serve-prod setup translations clean help

help:
	@echo "make run         create .venv, migrate, load standards/, ensure an admin, serve on $(HOST):$(PORT)"
	@echo "make test        the import contracts (lint-imports), then the whole suite on SQLite and PostgreSQL, with browser tests in Chromium"
	@echo "make bench       benchmarks against the libraries' floor (BENCH_ARGS=--quick for a short run)"
	@echo "make security    bandit, pip-audit, and sqlmap against a throwaway instance on 127.0.0.1 only"
	@echo "make serve-prod  serve with gunicorn (set SKILLS_CERT_ENV=production, DATABASE_URL, SECRET_KEY ...)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The package and its runtime dependencies.
$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

# The same plus the test extras.
$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

translations: $(MO_FILES)

setup: $(VENV)/.installed translations
	$(BIN)/flask db upgrade
	$(BIN)/flask standards import
	$(BIN)/flask users ensure-admin

run: setup
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	HOST=$(HOST) PORT=$(PORT) $(BIN)/flask run --host $(HOST) --port $(PORT)

serve-prod: $(VENV)/.installed translations
	$(BIN)/flask db upgrade
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - "skills_cert:create_app()"

# An independent verifier for the tests: Digital Bazaar's Verifiable Credential libraries from the
# npm registry, pinned by the lockfile, run by Debian's Node.js.
VC_VERIFIER := tests/vc_verifier
$(VC_VERIFIER)/node_modules/.installed: $(VC_VERIFIER)/package.json $(VC_VERIFIER)/package-lock.json
	npm ci --prefix $(VC_VERIFIER) --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.installed-test translations $(VC_VERIFIER)/node_modules/.installed
	$(BIN)/lint-imports
	$(BIN)/pytest

bench: $(VENV)/.installed-test translations $(VC_VERIFIER)/node_modules/.installed
	$(BIN)/python -m skills_cert.devtools.bench $(BENCH_ARGS)

# Static analysis, known vulnerabilities, and SQL injection tried on a local instance (loopback only).
security: $(VENV)/.installed-security translations
	$(BIN)/python .ci/security $(SECURITY_ARGS)

$(VENV)/.installed-security: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[security]'
	touch $@

clean:
	rm -rf $(VENV) test-artifacts test-results .pytest_cache $(VC_VERIFIER)/node_modules
	find . -name __pycache__ -prune -exec rm -rf {} +
