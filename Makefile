# One entry point for a fresh machine with only Python 3: `make demo`, `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# What each entry point installed; the test set includes the demo's.
DEMO_STAMP := $(VENV)/.installed-demo
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test test-mcp2 bench backends clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The demo (examples/agent.py: embedded OpenAI-compatible server, no key) needs the
# package and the openai client, nothing more.
$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[openai]'
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(DEMO_STAMP)
	$(BIN)/python examples/agent.py

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

# The mcp 2.x test, in its own venv (the main one holds mcp 1.x).
test-mcp2:
	bash scripts/mcp2-tests.sh

bench: $(TEST_STAMP)
	$(BIN)/python bench/run.py

# The real OTLP servers the backend tests start (the tests also do this on first use).
backends:
	bash scripts/backends-venv.sh

clean:
	rm -rf $(VENV) .venv-backends .venv-peers .venv-peer-openllmetry .venv-peer-logfire .venv-peer-langfuse .venv-mcp2 .venv-anthropic0 traces build src/*.egg-info
