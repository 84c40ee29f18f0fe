# Two commands do all the set-up on a fresh machine:
#   make demo   translate the sample article (the real model, or the offline test model, said plainly)
#   make test   the test suite (chromium for the browser tests installed when missing), then the
#               glossary check over the corpus
#   make golden rewrite the golden files (tests/golden/) from the current code; review the diff, commit
#   make mutation  the mutation check (scripts/mutation_check.py): each safeguard broken, the tests must fail
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# torch 2.13.0 satisfies the project's range; pinning it here avoids pulling a newer multi-GB build.
TORCH_SPEC ?= torch==2.13.0

.PHONY: demo test install golden mutation

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q "$(TORCH_SPEC)"
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

demo: $(VENV)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

test: $(VENV)/.installed
	bash scripts/ensure_chromium.sh
	$(BIN)/python -m pytest
	$(BIN)/python -m translate.cli glossary check --glossary glossary --workdir corpus/work

golden: $(VENV)/.installed
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_exchange_formats.py tests/test_publish.py
	git status --short tests/golden

mutation: $(VENV)/.installed
	$(BIN)/python scripts/mutation_check.py
