# Harken: `make run` to try it, `make test` to check it. Needs only Python 3.11+.
SHELL := /bin/bash
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .bootstrap/bin/uv)
RUN := $(UV) run --frozen
export DJANGO_SETTINGS_MODULE ?= config.settings.dev
# Byte-compile on install: servers and commands start without compiling every module first.
export UV_COMPILE_BYTECODE ?= 1
# `make run PORT=8001` serves on another port.
PORT ?= 8000

.PHONY: run install test lint lint-deploy typecheck pytest test-postgres demo clean bench assets \
	container-check

.bootstrap/bin/uv:
	python3 -m venv .bootstrap
	.bootstrap/bin/pip install --quiet "uv==$(UV_VERSION)"

install: $(UV)
	$(UV) sync --frozen --quiet

run: install
	$(RUN) harken migrate --noinput
	$(RUN) harken demo-data --if-empty
	$(RUN) harken runserver 127.0.0.1:$(PORT)

test: install lint typecheck pytest

lint: lint-deploy
	$(RUN) ruff check .
	$(RUN) ruff format --check .

# The Dockerfile (hadolint) and the Kubernetes manifests (their API schemas, strictly).
K8S_MANIFESTS := $(filter-out %/kustomization.yaml,$(wildcard deploy/kubernetes/*.yaml))
lint-deploy:
	$(RUN) hadolint Dockerfile deploy/container/postgres/Dockerfile
	$(RUN) kubernetes-validate --strict --quiet --kubernetes-version 1.30.0 $(K8S_MANIFESTS)

# Build the image and check it against PostgreSQL (needs podman or docker; not in `make test`).
# Where no registry can be reached: make container-check ARGS=--local-base
container-check:
	bench/container_check.sh $(ARGS)

typecheck:
	$(RUN) mypy harken config

# Unit tests on two processes, then the browser journeys on their own: a journey's live server
# needs a transactional database that is emptied afterwards, which other tests must not see.
pytest:
	DJANGO_SETTINGS_MODULE=config.settings.test $(RUN) pytest -q -n 2 harken
	DJANGO_SETTINGS_MODULE=config.settings.test $(RUN) pytest -q tests

test-postgres:
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(MAKE) pytest

clean:
	rm -rf .venv .bootstrap harken.sqlite3 staticfiles

# Rebuild the committed CSS/JS from GOV.UK Frontend and MOJ Frontend (needs Node; a fresh
# clone does not: the built files are committed).
assets:
	npm ci --no-audit --no-fund
	npm run build
	mkdir -p harken/static/harken/images harken/static/harken/js
	cp node_modules/@ministryofjustice/frontend/moj/assets/images/icon-*.svg harken/static/harken/images/
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js harken/static/harken/js/
	cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js harken/static/harken/js/
