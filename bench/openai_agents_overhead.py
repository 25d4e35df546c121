"""Case 13: added time per tool call inside an Agents SDK run, our bridge against a
hand-written processor that makes one OpenTelemetry span per SDK span.

Each operation is what the SDK does around one function tool: a ``function_span`` started,
made current, given its input and output, and ended, inside a trace and an agent span. The
subject is that operation with ``OpenAIAgentsInstrumentor`` on; the reference is the same
operation with a ``TracingProcessor`` written by hand the way a user would: one span per SDK
span (the trace and agent span too, so the tool span has its parent), started with the tool's
attributes, attached, given arguments and result, detached and ended. Both run on the
same SDK pipeline (``SessionSpanProcessor`` and a ``SimpleSpanProcessor`` that discards), with
capture on; times are the calling thread's CPU time, which other processes on a shared machine
barely move. A third row, for information, is the SDK operation with no processor at all: the
bridge's whole added cost per tool call.

    .venv/bin/python bench/openai_agents_overhead.py

Target: the bridge's tool call costs at most 1.15x the hand-written one.
"""

from __future__ import annotations

import time

import _harness as H
from agents.tracing import agent_span, function_span, set_trace_processors, trace
from agents.tracing.processor_interface import TracingProcessor
from opentelemetry import context as context_api
from opentelemetry import trace as otel_trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from actiontrace import _vocabulary as A
from actiontrace.instrumentation.openai_agents import OpenAIAgentsInstrumentor
from actiontrace.processors._session import SessionSpanProcessor
from actiontrace.spans import _capture

TOOL = "search_database"
ARGUMENTS = '{"query": "weather in Paris", "limit": 3}'
RESULT = '{"rows": 3}'
ATTRS = {A.SPAN_TYPE: "tool", A.GEN_AI_OPERATION_NAME: "execute_tool", A.GEN_AI_TOOL_NAME: TOOL,
         A.GEN_AI_TOOL_TYPE: "function"}


class HandWritten(TracingProcessor):
    """One OpenTelemetry span per SDK trace and span, parented the way the SDK's are, current
    while the SDK's is (attached when it starts, detached when it ends)."""

    def __init__(self, tracer) -> None:
        self.tracer = tracer
        self.open: dict[str, tuple] = {}

    def _start(self, key: str, parent_key: str | None, name: str, attributes: dict) -> None:
        parent = self.open.get(parent_key) if parent_key else None
        ctx = otel_trace.set_span_in_context(parent[0]) if parent else None
        otel_span = self.tracer.start_span(name, context=ctx, attributes=attributes)
        self.open[key] = (otel_span, context_api.attach(otel_trace.set_span_in_context(otel_span)))

    def _end(self, key: str, attributes: dict | None = None) -> None:
        held = self.open.pop(key, None)
        if held is not None:
            otel_span, token = held
            if attributes:
                otel_span.set_attributes(attributes)
            context_api.detach(token)
            otel_span.end()

    def on_trace_start(self, t) -> None:
        self._start(t.trace_id, None, f"invoke_workflow {t.name}", {A.GEN_AI_OPERATION_NAME: "invoke_workflow"})

    def on_trace_end(self, t) -> None:
        self._end(t.trace_id)

    def on_span_start(self, span) -> None:
        data = span.span_data
        parent = span.parent_id or span.trace_id
        if data.type == "function":
            self._start(span.span_id, parent, f"execute_tool {data.name}", ATTRS)
        else:
            self._start(span.span_id, parent, f"invoke_agent {data.name}", {A.GEN_AI_OPERATION_NAME: "invoke_agent"})

    def on_span_end(self, span) -> None:
        data = span.span_data
        if data.type == "function":
            self._end(span.span_id, {A.GEN_AI_TOOL_CALL_ARGUMENTS: data.input, A.INPUT: data.input,
                                     A.GEN_AI_TOOL_CALL_RESULT: data.output, A.OUTPUT: data.output})
        else:
            self._end(span.span_id)

    def shutdown(self) -> None: ...
    def force_flush(self) -> None: ...


class LastSpan(H.DiscardExporter):
    """Discards, keeping the last span so the bench can check both sides record the same."""

    last = None

    def export(self, spans):
        tools = [s for s in spans if s.name.startswith("execute_tool")]
        if tools:
            self.last = tools[-1]
        return super().export(spans)


class Side:
    """One side of the comparison: how to set the SDK up for it, and the timed operation."""

    def __init__(self, setup) -> None:
        self.setup = setup

    def __call__(self) -> None:
        with function_span(TOOL, input=ARGUMENTS) as span:
            span.span_data.output = RESULT


def _batch(side: Side, inner: int, clock) -> float:
    side.setup()
    with trace("bench"), agent_span(name="bench-agent"):
        start = clock()
        for _ in range(inner):
            side()
        return (clock() - start) / inner


def _same_keys(exporter: LastSpan, ours: Side, reference: Side) -> str:
    """Run each side once and compare the attribute keys of the tool spans they made."""
    keys = []
    for side in (ours, reference):
        side.setup()
        with trace("check"):
            side()
        keys.append(set(exporter.last.attributes))
    got, want = keys
    if got != want:
        return f"attribute keys differ: ours-only {sorted(got - want)}, reference-only {sorted(want - got)}"
    return ""


def main() -> None:
    exporter = LastSpan()
    provider = TracerProvider()
    provider.add_span_processor(SessionSpanProcessor())
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    otel_trace.set_tracer_provider(provider)
    _capture.settings.enabled = True
    instrumentor = OpenAIAgentsInstrumentor()
    hand = HandWritten(otel_trace.get_tracer("bench-reference"))

    def bridge() -> None:
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument(replace_default_processors=True)  # the bridge alone, not the kept processors

    def by_hand(processors: list) -> None:
        if instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.uninstrument()
        set_trace_processors(processors)

    ours, reference, bare = Side(bridge), Side(lambda: by_hand([hand])), Side(lambda: by_hand([]))
    note = _same_keys(exporter, ours, reference)
    result = H.pair_result("13", "Agents SDK tool call, bridged", ours, reference, limit=1.15,
                           reference_text="a hand-written TracingProcessor, one span per SDK span",
                           note=note, inner=500, rounds=21, batch=_batch, clock=time.thread_time_ns)
    result.passed = result.passed and not note
    result.emit()
    s, r, ratio = H.compare(ours, bare, inner=500, rounds=11, batch=_batch, clock=time.thread_time_ns)
    H.Result("13", "Agents SDK tool call, bridged vs no processor", subject_ns=s, reference_ns=r, ratio=ratio,
             target="info", reference="the SDK with no processor",
             note=f"added {(s - r) / 1e3:.1f} µs per tool call").emit()
    by_hand([])


if __name__ == "__main__":
    main()
