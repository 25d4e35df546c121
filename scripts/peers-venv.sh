#!/usr/bin/env bash
# Builds one venv per peer library for bench/peers.py: .venv-peer-openllmetry,
# .venv-peer-logfire, .venv-peer-langfuse. Each holds actiontrace (editable, from this
# checkout), the peer, and the OpenTelemetry set that peer resolves to, pinned.
#
#   bash scripts/peers-venv.sh                 # all three
#   bash scripts/peers-venv.sh logfire         # some
#
# Why one venv each: the three together (and with actiontrace's pins) send pip into a long
# backtrack that ends in a conflict; each alone resolves in seconds. The OpenTelemetry
# versions are pinned too, so pip checks one candidate instead of walking back releases.
# Idempotent: a stamp file records what a finished install was built from (the pins and
# pyproject.toml); rerunning with both unchanged is a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

# traceloop-sdk 0.62.4 caps OpenTelemetry below 1.45.2, hence its own set.
OTEL_1451=("opentelemetry-api==1.45.1" "opentelemetry-sdk==1.45.1" "opentelemetry-exporter-otlp==1.45.1"
           "opentelemetry-semantic-conventions==0.66b1" "opentelemetry-instrumentation==0.66b1")
OTEL_1452=("opentelemetry-api==1.45.2" "opentelemetry-sdk==1.45.2" "opentelemetry-exporter-otlp==1.45.2"
           "opentelemetry-semantic-conventions==0.66b2" "opentelemetry-instrumentation==0.66b2")

packages() {
    case "$1" in
        # traceloop.sdk imports httpx (its evaluator) without requiring it.
        openllmetry) echo "traceloop-sdk==0.62.4" "httpx==0.29.0" "${OTEL_1451[@]}" ;;
        logfire) echo "logfire==5.4.0" "${OTEL_1452[@]}" ;;
        langfuse) echo "langfuse==5.0.4" "${OTEL_1452[@]}" ;;
        *) echo "unknown peer: $1 (openllmetry, logfire, langfuse)" >&2; return 2 ;;
    esac
}

build() {
    local peer="$1" venv=".venv-peer-$1" pkgs stamp want start
    pkgs=$(packages "$peer")
    stamp="$venv/.installed"
    want="$pkgs $(sha256sum pyproject.toml | cut -c1-16)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    start=$(date +%s)
    rm -f "$stamp"
    "$PYTHON" -m venv "$venv"
    printf '*\n' > "$venv/.gitignore"  # never committed
    # shellcheck disable=SC2086  # the pins are single words
    "$venv/bin/python" -m pip install --quiet -e . $pkgs
    echo "$want" > "$stamp"
    echo "peer venv ready in $(( $(date +%s) - start ))s: $venv" >&2
}

[ $# -gt 0 ] || set -- openllmetry logfire langfuse
for peer in "$@"; do build "$peer"; done
