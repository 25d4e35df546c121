# One entry point for a fresh machine with only Python 3: `make demo`, `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench backends clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/agent.py

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

# The real OTLP servers the backend tests start (the tests also do this on first use).
backends:
	bash scripts/backends-venv.sh

clean:
	rm -rf $(VENV) .venv-backends .venv-peers .venv-anthropic0 traces build src/*.egg-info
