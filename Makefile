# One entry point for a fresh machine with only Python 3: `make demo`, `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-mcp2 bench backends clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/agent.py

test: $(STAMP)
	$(BIN)/python -m pytest

# The mcp 2.x test, in its own venv (the main one holds mcp 1.x).
test-mcp2:
	bash scripts/mcp2-tests.sh

bench: $(STAMP)
	$(BIN)/python bench/run.py

# The real OTLP servers the backend tests start (the tests also do this on first use).
backends:
	bash scripts/backends-venv.sh

clean:
	rm -rf $(VENV) .venv-backends .venv-peers .venv-mcp2 .venv-anthropic0 traces build src/*.egg-info
