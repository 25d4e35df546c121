"""Test helper: make real OpenTelemetry SDK spans and write them as JSONL files.

Spans come from a real ``TracerProvider``; each finished batch is encoded with
the OTLP exporter's own protobuf encoder and written as one OTLP/JSON document
per line (hex ids, integer enums), which is the span exporter's format.
"""

from __future__ import annotations

from support.paths import ROOT, SRC
import base64
import json
import os
import subprocess
import sys
from pathlib import Path

from google.protobuf.json_format import MessageToDict
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, Status, StatusCode

from actiontrace import _vocabulary as A



def new_tracer(service: str = "cli-test"):
    """A private provider (not the global one) and its in-memory exporter."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider.get_tracer("actiontrace"), exporter


def _hexify(node):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in ("traceId", "spanId", "parentSpanId") and isinstance(value, str):
                out[key] = base64.b64decode(value).hex()
            else:
                out[key] = _hexify(value)
        return out
    if isinstance(node, list):
        return [_hexify(v) for v in node]
    return node


def otlp_json_line(spans) -> str:
    """One OTLP/JSON document (a line) for the given ReadableSpans."""
    message = encode_spans(list(spans))
    doc = _hexify(MessageToDict(message, use_integers_for_enums=True))
    return json.dumps(doc, separators=(",", ":"))


def write_jsonl(path: Path, spans, *, per_line: int = 1) -> Path:
    """Write spans one per line (or ``per_line`` per document), in end order."""
    spans = list(spans)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        for i in range(0, len(spans), per_line):
            fh.write(otlp_json_line(spans[i:i + per_line]) + "\n")
    return path


def build_agent_traces(tracer, *, session_id: str = "sess-1", user: str = "alice", fail_tool: bool = True):
    """An agent run like the Helicone document's: agent -> llm, tools, llm.

    Returns the root span's context so tests can address the trace.
    """
    common = {A.SESSION_ID: session_id, A.SESSION_NAME: "Support", A.SESSION_PATH: "/support",
              A.PROPERTY_PREFIX + "user": user, A.PROPERTY_PREFIX + "env": "test"}
    t0 = 1_700_000_000_000_000_000
    ms = 1_000_000
    root = tracer.start_span("invoke_agent support", kind=SpanKind.INTERNAL, start_time=t0,
                             attributes={**common, A.SPAN_TYPE: "agent", A.PATH: "/invoke_agent support",
                                         A.AGENT_ITERATIONS: 3, A.AGENT_MAX_ITERATIONS_REACHED: True,
                                         A.INPUT: json.dumps({"question": "where is my order?"})})
    from opentelemetry import trace as api

    ctx = api.set_span_in_context(root)
    llm = tracer.start_span("chat gpt-4o", kind=SpanKind.CLIENT, context=ctx, start_time=t0 + 10 * ms,
                            attributes={**common, A.SPAN_TYPE: "llm", A.GEN_AI_REQUEST_MODEL: "gpt-4o",
                                        A.GEN_AI_RESPONSE_MODEL: "gpt-4o-2024", A.GEN_AI_USAGE_INPUT_TOKENS: 120,
                                        A.GEN_AI_USAGE_OUTPUT_TOKENS: 30, A.COST_USD: 0.0015,
                                        A.PATH: "/invoke_agent support/chat gpt-4o"})
    llm.end(end_time=t0 + 210 * ms)
    for i, (dur, args) in enumerate([(50, '{"q":"order 1"}'), (70, '{"q":"order 1"}'), (400, '{"q":"x"}')]):
        start = t0 + (220 + i * 500) * ms
        tool = tracer.start_span("execute_tool search_database", context=ctx, start_time=start,
                                 attributes={**common, A.SPAN_TYPE: "tool", A.GEN_AI_TOOL_NAME: "search_database",
                                             A.GEN_AI_TOOL_CALL_ARGUMENTS: args,
                                             A.PATH: "/invoke_agent support/execute_tool search_database",
                                             A.OUTPUT: json.dumps({"rows": i})})
        if fail_tool and i == 2:
            tool.set_attribute(A.ERROR_TYPE, "TimeoutError")
            tool.set_status(Status(StatusCode.ERROR, "database timed out"))
        tool.end(end_time=start + dur * ms)
    llm2 = tracer.start_span("chat gpt-4o", kind=SpanKind.CLIENT, context=ctx, start_time=t0 + 1800 * ms,
                             attributes={**common, A.SPAN_TYPE: "llm", A.GEN_AI_REQUEST_MODEL: "gpt-4o",
                                         A.GEN_AI_USAGE_INPUT_TOKENS: 200, A.GEN_AI_USAGE_OUTPUT_TOKENS: 80,
                                         A.COST_USD: 0.0035, A.PATH: "/invoke_agent support/chat gpt-4o"})
    llm2.end(end_time=t0 + 1900 * ms)
    root.set_status(Status(StatusCode.OK))
    root.end(end_time=t0 + 2000 * ms)
    return root.get_span_context()


def run_cli(*args: str, input: str | None = None, check_rc: int | None = None, timeout: float = 120):
    """Run ``python -m actiontrace`` as a subprocess (piped, so plain output)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("FORCE_COLOR", None)
    proc = subprocess.run([sys.executable, "-m", "actiontrace", *args], capture_output=True, text=True,
                          input=input, env=env, timeout=timeout, cwd=str(ROOT))
    if check_rc is not None:
        assert proc.returncode == check_rc, (proc.returncode, proc.stdout, proc.stderr)
    return proc


def cli_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def export_dir(directory: Path, spans, **kwargs) -> Path:
    """Write spans with the project's real JSONL span exporter (rotating files in ``directory``)."""
    from actiontrace.exporters import JsonlSpanExporter

    exporter = JsonlSpanExporter(directory, **kwargs)
    exporter.export(list(spans))
    exporter.shutdown()
    return directory
