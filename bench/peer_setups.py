"""How bench/peers.py sets up each library: the decorated function, and each library's own
configuration with a discarding exporter behind a batch processor (every library's default
export path is batched, ours included).

Each ``setup_*`` installs that library's global tracer provider, so one per interpreter.
"""

from __future__ import annotations

import os

import _harness as H

ARGS = ("weather in Paris", 3)

# peer -> (distribution, target for "each as configured"): what a user of that library pays.
PEERS = {"openllmetry": ("traceloop-sdk", 0.75), "logfire": ("logfire", 0.5), "langfuse": ("langfuse", 0.5)}


def body(query, limit):
    return {"rows": limit, "query": query}


def our_tool():
    import actiontrace

    @actiontrace.tool(name="search_database")
    def search_database(query: str, limit: int):
        return body(query, limit)

    return search_database


def configure_ours():
    """actiontrace as its users set it up (session stamping, redaction, batching), with a
    discarding exporter instead of the JSONL files; returns the decorated function."""
    import actiontrace
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    actiontrace.configure(service_name="bench", jsonl_path=None, instrument=[], metrics=False,
                          span_processors=[BatchSpanProcessor(H.DiscardExporter())])
    return our_tool()


def setup_openllmetry():
    os.environ.setdefault("TRACELOOP_TELEMETRY", "false")
    os.environ.setdefault("TRACELOOP_TRACE_CONTENT", "true")
    from traceloop.sdk import Traceloop
    from traceloop.sdk.decorators import tool

    # Its default processor (batching, plus its on_start hook for association properties).
    Traceloop.init(app_name="bench", exporter=H.DiscardExporter(), telemetry_enabled=False, instruments=set())

    @tool(name="search_database")
    def search_database(query: str, limit: int):
        return body(query, limit)

    return search_database, "@tool (its BatchSpanProcessor, content tracing on)"


def setup_logfire():
    import logfire
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    logfire.configure(send_to_logfire=False, console=False, metrics=False, inspect_arguments=False,
                      additional_span_processors=[BatchSpanProcessor(H.DiscardExporter())])

    @logfire.instrument("search_database", extract_args=True, record_return=True)
    def search_database(query: str, limit: int):
        return body(query, limit)

    return search_database, "@logfire.instrument(extract_args, record_return)"


def setup_langfuse():
    from langfuse import Langfuse, observe

    Langfuse(public_key="pk-lf-bench", secret_key="sk-lf-bench", host="http://127.0.0.1:9",
             span_exporter=H.DiscardExporter())

    @observe(name="search_database", as_type="tool")
    def search_database(query: str, limit: int):
        return body(query, limit)

    return search_database, "@observe(as_type='tool') (its BatchSpanProcessor)"


SETUPS = {"openllmetry": setup_openllmetry, "logfire": setup_logfire, "langfuse": setup_langfuse}
