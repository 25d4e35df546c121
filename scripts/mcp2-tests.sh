#!/usr/bin/env bash
# Runs the mcp 2.x test (tests/instrumentation/mcp/mcp2_sdk_spans.py) in a second venv
# holding the newest mcp 2.x; the main venv (the `test` extra) holds the newest 1.x.
# Idempotent install: a stamp file records a finished one; rerunning only runs the test.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${ACTIONTRACE_MCP2_VENV:-.venv-mcp2}"
STAMP="$VENV/.installed"
# Pinned so CI runs what the test was written against.
PACKAGES=("mcp==2.3.0" "opentelemetry-sdk>=1.30" "opentelemetry-semantic-conventions>=0.51b0"
          "opentelemetry-instrumentation>=0.51b0" "opentelemetry-exporter-otlp>=1.30" "wrapt>=1.14"
          "pytest>=8" "pytest-asyncio>=0.23" "pyyaml>=6")

if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "${PACKAGES[*]}" ]; then
    "$PYTHON" -m venv "$VENV"
    echo '*' > "$VENV/.gitignore"  # never committed
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet "${PACKAGES[@]}"
    echo "${PACKAGES[*]}" > "$STAMP"
fi
PYTHONPATH=src:tests "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/instrumentation/mcp/mcp2_sdk_spans.py
