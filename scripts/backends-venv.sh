#!/usr/bin/env bash
# Creates the separate venv holding the real OTLP backends used by `pytest -m backend`
# (Arize Phoenix and the rotel collector). Kept apart from .venv because Phoenix pulls
# in a large dependency tree the library's own tests never import.
# Idempotent: a stamp file records a finished install; rerunning is a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${ACTIONTRACE_BACKENDS_VENV:-.venv-backends}"
STAMP="$VENV/.installed"
# Pinned so CI installs what the tests were written against.
PACKAGES=("arize-phoenix==20.26.1" "rotel==0.0.1a15")

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "${PACKAGES[*]}" ]; then
    exit 0
fi
start=$(date +%s)
"$PYTHON" -m venv "$VENV"
# Never committed, even though the top-level .gitignore does not name it.
echo '*' > "$VENV/.gitignore"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "${PACKAGES[@]}"
echo "${PACKAGES[*]}" > "$STAMP"
echo "backends venv ready in $(( $(date +%s) - start ))s: $VENV" >&2
