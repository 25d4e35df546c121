"""GenAI events in tests: a real SDK LoggerProvider with an in-memory exporter, handed to the call
core in a given content mode (as ``configure()`` hands its own), and readers of what it got."""

from __future__ import annotations

import json

import pytest
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor

from actiontrace._settings import ContentMode
from actiontrace.genai import _events
from support.genai_capture import set_capture

EVENT = "gen_ai.client.inference.operation.details"
CONTENT = ("gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions", "gen_ai.tool.definitions")


class Events:
    """The records emitted while the fixture is in force; ``use(mode)`` switches the mode."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.exporter = InMemoryLogRecordExporter()
        self.provider = LoggerProvider(shutdown_on_exit=False)
        self.provider.add_log_record_processor(SimpleLogRecordProcessor(self.exporter))
        self._monkeypatch = monkeypatch

    def use(self, mode: ContentMode, emit: bool | None = None) -> None:
        set_capture(self._monkeypatch, mode.on_span)  # the span side, as configure()'s switch gives it
        _events.setup(logger_provider=self.provider, mode=mode, emit=emit)

    def records(self) -> list:
        return [r.log_record for r in self.exporter.get_finished_logs()]


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch):
    _events.reset()
    box = Events(monkeypatch)
    yield box
    _events.reset()


def structured(value):
    """A content attribute as plain lists and dicts (the SDK keeps sequences as tuples)."""
    return json.loads(json.dumps(value))


def span_content(span) -> dict:
    return {k: json.loads(span.attributes[k]) for k in CONTENT if k in span.attributes}


MODES = list(ContentMode)


def check_call(mode: ContentMode, span, records: list, *, provider: str, operation: str = "chat",
               emitted: bool | None = None) -> dict:
    """One LLM span and, when events are on, its one event: ids, attributes, and content where
    the mode puts it (on the span as JSON text, in the event as structured values). Returns the
    event's attributes (empty when none was expected)."""
    emitted = mode.in_event if emitted is None else emitted
    on_span = span_content(span)
    assert bool(on_span) is mode.on_span, (mode, sorted(on_span))
    if not emitted:
        assert records == []
        return {}
    (record,) = records
    assert record.event_name == EVENT
    ctx = span.get_span_context()
    assert (record.trace_id, record.span_id) == (ctx.trace_id, ctx.span_id)
    a = dict(record.attributes)
    assert a["gen_ai.operation.name"] == operation and a["gen_ai.provider.name"] == provider
    for key in ("gen_ai.request.model", "gen_ai.response.id", "gen_ai.response.model", "server.address",
                "server.port", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens"):
        assert a[key] == span.attributes[key], key
    assert not any(k.startswith("actiontrace.") for k in a)  # the conventions' attributes only
    in_event = {k: structured(a[k]) for k in CONTENT if k in a}
    assert bool(in_event) is mode.in_event, (mode, sorted(in_event))
    if in_event:
        assert all(isinstance(v, list) for v in in_event.values())  # AnyValue lists, not JSON strings
        assert in_event["gen_ai.input.messages"][-1]["role"] == "user"
        assert in_event["gen_ai.output.messages"][0]["role"] == "assistant"
    if on_span and in_event:
        assert on_span == in_event
    return a


def write_span_with_event(directory, *, question: str = "Weather in Paris?", answer: str = "Sunny.") -> tuple:
    """One LLM span and its event written by the real exporters (spans: ``traces-*.jsonl``, events:
    ``logs-*.jsonl``, redacted as configure() does); returns (trace id, span id) in hex."""
    from opentelemetry import trace
    from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    from actiontrace.exporters import JsonlSpanExporter
    from actiontrace.exporters._jsonl_logs import JsonlLogExporter
    from actiontrace.redaction import RedactingSpanExporter
    from actiontrace.redaction._logs import RedactingLogExporter

    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(RedactingSpanExporter(JsonlSpanExporter(str(directory)))))
    logger_provider = LoggerProvider(shutdown_on_exit=False)
    logger_provider.add_log_record_processor(
        SimpleLogRecordProcessor(RedactingLogExporter(JsonlLogExporter(str(directory)))))
    with tracer_provider.get_tracer("actiontrace.instrumentation.openai").start_as_current_span(
            "chat gpt-4o-mini", kind=trace.SpanKind.CLIENT,
            attributes={"actiontrace.span.type": "llm", "gen_ai.operation.name": "chat"}) as span:
        logger_provider.get_logger("actiontrace.instrumentation.openai").emit(
            event_name=EVENT, attributes={
                "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o-mini",
                "gen_ai.input.messages": [{"role": "user", "parts": [{"type": "text", "content": question}]}],
                "gen_ai.output.messages": [{"role": "assistant", "finish_reason": "stop",
                                            "parts": [{"type": "text", "content": answer}]}]})
        ctx = span.get_span_context()
    tracer_provider.shutdown()
    logger_provider.shutdown()
    return format(ctx.trace_id, "032x"), format(ctx.span_id, "016x")
