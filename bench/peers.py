"""Our ``@tool`` against the equivalent decorator of other tracing libraries, same run.

    .venv-peers/bin/python bench/peers.py          # run.py does this when .venv-peers exists

Peers (optional; each skipped with a message when not installed): OpenLLMetry
(``traceloop-sdk`` ``@tool``), Logfire (``@logfire.instrument``), Langfuse (``@observe``).
They live in a separate virtualenv so the main one stays clean:

    python3 -m venv .venv-peers && .venv-peers/bin/pip install traceloop-sdk logfire langfuse wrapt

Every peer installs its own global tracer provider, so each runs in its own interpreter,
configured with an exporter that discards; in that interpreter our decorator and the peer's
run interleaved on the same provider (the peer's pipeline), each recording arguments and
result of the same two-argument function. Goal: ours at most half the peer's per-call cost.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import _harness as H

PEERS = ("openllmetry", "logfire", "langfuse")


def body(query, limit):
    return {"rows": limit, "query": query}


def setup_openllmetry():
    os.environ.setdefault("TRACELOOP_TELEMETRY", "false")
    os.environ.setdefault("TRACELOOP_TRACE_CONTENT", "true")
    from traceloop.sdk import Traceloop
    from traceloop.sdk.decorators import tool

    Traceloop.init(app_name="bench", exporter=H.DiscardExporter(), disable_batch=True, telemetry_enabled=False,
                   instruments=set())

    @tool(name="search_database")
    def search_database(query: str, limit: int):
        return body(query, limit)

    return search_database, "traceloop-sdk", "@tool (SimpleSpanProcessor, content tracing on)"


def setup_logfire():
    import logfire
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    logfire.configure(send_to_logfire=False, console=False, metrics=False, inspect_arguments=False,
                      additional_span_processors=[SimpleSpanProcessor(H.DiscardExporter())])

    @logfire.instrument("search_database", extract_args=True, record_return=True)
    def search_database(query: str, limit: int):
        return body(query, limit)

    return search_database, "logfire", "@logfire.instrument(extract_args, record_return)"


def setup_langfuse():
    from langfuse import Langfuse, observe

    Langfuse(public_key="pk-lf-bench", secret_key="sk-lf-bench", host="http://127.0.0.1:9",
             span_exporter=H.DiscardExporter())

    @observe(name="search_database", as_type="tool")
    def search_database(query: str, limit: int):
        return body(query, limit)

    return search_database, "langfuse", "@observe(as_type='tool') (its BatchSpanProcessor)"


def child(peer: str) -> None:
    from importlib import metadata

    try:
        theirs, dist, how = globals()[f"setup_{peer}"]()
    except ImportError as exc:
        H.Result("peers", f"{peer}", note=f"skipped: not installed ({exc})").emit()
        return
    import actiontrace

    @actiontrace.tool(name="search_database")
    def ours(query: str, limit: int):
        return body(query, limit)

    q, n = "weather in Paris", 3
    s, r, ratio = H.compare(lambda: ours(q, n), lambda: theirs(q, n), inner=1000, rounds=15)
    H.Result(case="peers", what=f"ours vs {dist} {metadata.version(dist)} {how}", subject_ns=s, reference_ns=r,
             ratio=ratio, target="<= 0.5x", passed=None if ratio != ratio else ratio <= 0.5,
             reference=f"{dist} decorator, same provider and discarding exporter").emit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer", choices=PEERS)
    args = ap.parse_args()
    if args.peer:
        child(args.peer)
        return
    for peer in PEERS:
        proc = subprocess.run([sys.executable, __file__, "--peer", peer], capture_output=True, text=True)
        rows = [line for line in proc.stdout.splitlines() if line.startswith("BENCH_RESULT ")]
        if rows:
            print("\n".join(rows), flush=True)
        else:
            tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            H.Result("peers", peer, note=f"failed (exit {proc.returncode}): {tail[:160]}").emit()


if __name__ == "__main__":
    main()
