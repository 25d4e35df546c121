"""RedactingSpanExporter: redaction on the batch worker thread, in front of any exporter."""

from __future__ import annotations

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from actiontrace.redaction import RedactingSpanExporter, Redactor
from support.secret_corpus import secrets


def _pipeline(exporter, batch=False):
    provider = TracerProvider()
    processor = BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter)
    provider.add_span_processor(processor)
    return provider


def test_exported_copies_are_redacted_and_clean_spans_pass_as_is():
    inner = InMemorySpanExporter()
    provider = _pipeline(RedactingSpanExporter(inner), batch=True)
    tracer = provider.get_tracer("t")
    rule, secret, text = secrets()[0]
    with tracer.start_as_current_span("dirty", attributes={"prompt": text}):
        pass
    with tracer.start_as_current_span("clean", attributes={"prompt": "hello"}):
        pass
    provider.force_flush()
    dirty, clean = inner.get_finished_spans()
    assert secret not in dirty.attributes["prompt"]
    assert f"[REDACTED:{rule}]" in dirty.attributes["prompt"]
    assert dirty.attributes["actiontrace.redacted"] == (f"attributes.prompt:{rule}",)
    assert clean.attributes["prompt"] == "hello" and "actiontrace.redacted" not in clean.attributes
    provider.shutdown()


class _Broken(Redactor):
    def redact_attributes(self, *args, **kwargs):
        raise RuntimeError("redactor bug")


def test_a_span_that_cannot_be_redacted_is_dropped_not_exported():
    inner = InMemorySpanExporter()
    exporter = RedactingSpanExporter(inner, redactor=_Broken())
    provider = _pipeline(exporter)
    with provider.get_tracer("t").start_as_current_span("x", attributes={"k": "v"}):
        pass
    assert inner.get_finished_spans() == ()
    assert exporter.dropped_spans == 1
    assert exporter.export([]) is SpanExportResult.SUCCESS
