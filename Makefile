# deepcheck — one command each: `make demo` runs the main job, `make test` runs every check.
# Both install what they need into .venv on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint types unit engine sandbox-image app-image clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# Run deepcheck on the bundled example repository (an interest PR with an off-by-one).
demo: $(STAMP)
	$(BIN)/python examples/make_example.py --force build/example-interest
	$(BIN)/deepcheck check --repo build/example-interest --base main~1 --head main; \
	  rc=$$?; [ $$rc -le 1 ] || exit $$rc

# Start a Docker engine if this machine has none running (installs docker.io when root).
engine:
	bash scripts/ensure-engine

# Build the sandbox image without a registry (debootstrap base + host wheelhouse); a no-op
# when the image for this checkout exists. Without an engine (or, not root, without a base
# image) it skips with a note, except in CI.
sandbox-image: $(STAMP) engine
	$(BIN)/deepcheck sandbox build $(if $(filter true,$(CI)),,--skip-without-engine)

# Redis and PostgreSQL on 127.0.0.1 for the App tests (writes build/services.env; in CI a
# service that cannot start fails here).
.PHONY: services
services:
	bash scripts/ensure-services

# The GitHub App image (Dockerfile), built without a registry.
app-image: $(STAMP) engine
	bash scripts/build-app-image

# The whole deployment's images (scripts/stack images): the App image when missing, Redis and
# PostgreSQL from a debootstrap base (cached by recipe digest), the sandbox image.
.PHONY: stack-images
stack-images: $(STAMP) engine sandbox-image app-image
	bash scripts/stack images

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q -m 'not docker'

test: $(STAMP) lint types sandbox-image services app-image stack-images
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
