"""The OpenAI spans' own tracer scope, and the dependencies instrument() hands over: the tracer
provider and the content-capture switch."""

from __future__ import annotations

import json

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from support.openai_replay import llm_spans, queue_recording

import actiontrace
from actiontrace._version import __version__


def test_openai_spans_have_their_own_scope_and_decorators_keep_theirs(server, client, spans, capture_off):
    @actiontrace.agent(name="scoped")
    def run():
        queue_recording(server, "chat_basic")
        client.chat.completions.create(model="gpt-4o-mini", messages=[])

    run()
    (llm,) = llm_spans(spans)
    assert llm.instrumentation_scope.name == "actiontrace.instrumentation.openai"
    assert llm.instrumentation_scope.version == __version__
    root = next(s for s in spans.get_finished_spans() if s.name == "invoke_agent scoped")
    assert root.instrumentation_scope.name == "actiontrace"
    assert llm.parent.span_id == root.context.span_id


def test_tracer_provider_and_capture_switch_handed_to_instrument(instrumented, server, client, spans, capture_off):
    exporter = InMemorySpanExporter()
    own = TracerProvider()
    own.add_span_processor(SimpleSpanProcessor(exporter))
    instrumented.uninstrument()
    instrumented.instrument(tracer_provider=own, capture_content=True)
    try:
        queue_recording(server, "chat_basic")
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    finally:
        instrumented.uninstrument()
        instrumented.instrument()
    assert llm_spans(spans) == []  # not on the global provider
    (span,) = exporter.get_finished_spans()
    assert span.instrumentation_scope.name == "actiontrace.instrumentation.openai"
    # Captured although the environment says off: the handed-over switch rules.
    assert json.loads(span.attributes["gen_ai.input.messages"]) == [
        {"role": "user", "parts": [{"type": "text", "content": "Hi"}]}]
