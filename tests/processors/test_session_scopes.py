"""SessionSpanProcessor leaves spans of every actiontrace scope to our span starter (which
stamps them before the SDK sees them) and stamps everyone else's."""

from __future__ import annotations

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import actiontrace
from actiontrace.processors._session import SessionSpanProcessor


def test_only_foreign_scopes_are_stamped_by_the_processor():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    processor = SessionSpanProcessor()
    provider.add_span_processor(processor)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    scopes = ["actiontrace", "actiontrace.instrumentation.openai", "actiontrace.instrumentation.anthropic",
              "actiontracer", "other"]
    try:
        with actiontrace.session(session_id="s-1"):
            for scope in scopes:
                # Started on the plain tracer API, so only the processor could stamp them.
                provider.get_tracer(scope).start_span(f"span {scope}").end()
    finally:
        processor.shutdown()
    stamped = {s.name: "session.id" in s.attributes for s in exporter.get_finished_spans()}
    assert stamped == {"span actiontrace": False, "span actiontrace.instrumentation.openai": False,
                       "span actiontrace.instrumentation.anthropic": False, "span actiontracer": True,
                       "span other": True}
