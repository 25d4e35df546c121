"""Our ``@tool`` against the equivalent decorator of other tracing libraries, same run.

    .venv-peers/bin/python bench/peers.py          # run.py does this when .venv-peers exists

Peers (optional; each skipped with a message when not installed): OpenLLMetry
(``traceloop-sdk`` ``@tool``), Logfire (``@logfire.instrument``), Langfuse (``@observe``).
They live in a separate virtualenv so the main one stays clean:

    python3 -m venv .venv-peers && .venv-peers/bin/pip install traceloop-sdk logfire langfuse wrapt

Two rows per peer, each decorator recording arguments and result of the same two-argument
function:

- ``same provider``: every peer installs its own global tracer provider, so each runs in its
  own interpreter, configured with an exporter that discards; there our decorator and the
  peer's run interleaved on that provider. Both pay the peer's pipeline (for Logfire its
  scrubbing and pending-span processors), so this compares the decorators alone.
- ``as configured``: each library set up the way its users set it up, in its own interpreter,
  with a discarding exporter: ours with ``actiontrace.configure(span_processors=[...])``
  (session stamping, redaction, batch processor), the peer with its own setup. The
  interpreters alternate three times; each reports its best round of 1,000 calls, and the
  ratio is of the medians. This is what a user of each library pays per call.

Goal: ours at most half the peer's per-call cost.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import _harness as H

PEERS = ("openllmetry", "logfire", "langfuse")


ARGS = ("weather in Paris", 3)


def body(query, limit):
    return {"rows": limit, "query": query}


def our_tool():
    import actiontrace

    @actiontrace.tool(name="search_database")
    def search_database(query: str, limit: int):
        return body(query, limit)

    return search_database


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
    ours = our_tool()
    s, r, ratio = H.compare(lambda: ours(*ARGS), lambda: theirs(*ARGS), inner=1000, rounds=15)
    H.Result(case="peers", what=f"ours vs {dist} {metadata.version(dist)} {how}, same provider",
             subject_ns=s, reference_ns=r, ratio=ratio, target="<= 0.5x",
             passed=None if ratio != ratio else ratio <= 0.5,
             reference=f"{dist} decorator, same provider and discarding exporter").emit()


def alone(lib: str) -> None:
    """Child of the ``as configured`` rows: the per-call time of one library's decorator with
    that library's own setup, as one JSON line."""
    if lib == "actiontrace":
        import actiontrace
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        # Like the peers: a discarding exporter instead of the JSONL files (redaction then
        # runs as the span ends, on the application thread).
        actiontrace.configure(service_name="bench", jsonl_path=None, instrument=[], metrics=False,
                              span_processors=[BatchSpanProcessor(H.DiscardExporter())])
        decorated, name = our_tool(), f"actiontrace {actiontrace.__version__}"
    else:
        from importlib import metadata

        decorated, dist, _ = globals()[f"setup_{lib}"]()
        name = f"{dist} {metadata.version(dist)}"

    def op():
        return decorated(*ARGS)

    rounds = 5 if H.QUICK else 15
    for _ in range(2):
        H._time_batch(op, 1000, time.perf_counter_ns)
    best = min(H._time_batch(op, 1000, time.perf_counter_ns) for _ in range(rounds))
    print("ALONE " + json.dumps({"lib": lib, "ns": best, "name": name}), flush=True)
    if lib == "actiontrace":
        actiontrace.shutdown()


def as_configured(peer: str, alternations: int = 3) -> None:
    times: dict[str, list[float]] = {"actiontrace": [], peer: []}
    name = peer
    for _ in range(alternations):
        for lib in ("actiontrace", peer):
            proc = subprocess.run([sys.executable, __file__, "--alone", lib], capture_output=True, text=True)
            line = next((x for x in proc.stdout.splitlines() if x.startswith("ALONE ")), None)
            if line is None:
                tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                H.Result("peers", f"{peer} as configured", note=f"skipped or failed: {tail[:160]}").emit()
                return
            data = json.loads(line[len("ALONE "):])
            times[lib].append(data["ns"])
            if lib == peer:
                name = data["name"]
    ours, theirs = statistics.median(times["actiontrace"]), statistics.median(times[peer])
    ratio = ours / theirs
    H.Result(case="peers", what=f"ours via configure() vs {name}, each as configured", subject_ns=ours,
             reference_ns=theirs, ratio=ratio, target="<= 0.5x", passed=ratio <= 0.5,
             reference=f"{name.split()[0]} with its own setup and a discarding exporter, "
                       "in alternating processes").emit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer", choices=PEERS)
    ap.add_argument("--alone", choices=PEERS + ("actiontrace",))
    args = ap.parse_args()
    if args.peer:
        child(args.peer)
        return
    if args.alone:
        alone(args.alone)
        return
    for peer in PEERS:
        proc = subprocess.run([sys.executable, __file__, "--peer", peer], capture_output=True, text=True)
        rows = [line for line in proc.stdout.splitlines() if line.startswith("BENCH_RESULT ")]
        if rows:
            print("\n".join(rows), flush=True)
            if "skipped" in rows[0]:
                continue
        else:
            tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            H.Result("peers", peer, note=f"failed (exit {proc.returncode}): {tail[:160]}").emit()
            continue
        as_configured(peer)


if __name__ == "__main__":
    main()
