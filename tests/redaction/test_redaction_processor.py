"""RedactingSpanProcessor on the real SDK: copies, audit, dropped counts, failures."""

from __future__ import annotations

import json
import logging

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, SpanLimits, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from actiontrace._vocabulary import REDACTED
from actiontrace.redaction import RedactingSpanProcessor, Redactor, _accel, set_default_redactor
from support.secret_corpus import secrets

CORPUS = secrets(seed=777)


@pytest.fixture(autouse=True, params=("re", "hyperscan"))
def engine(request, monkeypatch):
    """Both prefilter engines (Hyperscan skipped, not counted, when not installed)."""
    if request.param == "hyperscan" and not _accel.available():
        pytest.skip("hyperscan not installed (optional extra)")
    monkeypatch.setenv("ACTIONTRACE_REDACTION_ENGINE", request.param)
    set_default_redactor(None)
    yield request.param
    set_default_redactor(None)


class Recorder(SimpleSpanProcessor):
    """Keeps the original ended spans (what every other processor would see)."""

    def __init__(self):
        super().__init__(InMemorySpanExporter())
        self.spans: list[ReadableSpan] = []

    def on_end(self, span):
        self.spans.append(span)


@pytest.fixture
def pipeline():
    exporter = InMemorySpanExporter()
    recorder = Recorder()
    provider = TracerProvider(span_limits=SpanLimits(max_attributes=200, max_events=200))
    provider.add_span_processor(recorder)
    processor = RedactingSpanProcessor(SimpleSpanProcessor(exporter))
    provider.add_span_processor(processor)
    yield provider.get_tracer("test"), exporter, recorder, processor
    provider.shutdown()


def assert_no_secret(blob: str) -> None:
    for rule, secret, _ in CORPUS:
        for i in range(max(1, len(secret) - 7)):
            run = secret[i : i + 8]
            assert run not in blob, f"{rule}: {run!r} leaked"


def test_every_secret_everywhere_is_gone_from_the_export(pipeline):
    tracer, exporter, recorder, _ = pipeline
    other = tracer.start_span("linked")
    other.end()
    texts = [c[2] for c in CORPUS]
    with tracer.start_as_current_span(
        "everything",
        links=[trace.Link(other.get_span_context(), {"note": texts[0], "api_key": "link-secret-1"})],
    ) as span:
        for i, text in enumerate(texts):
            span.set_attribute(f"attr.{i}", text)
        span.set_attribute("list", texts[:10])
        span.set_attribute("actiontrace.input", json.dumps({"args": {"password": "hunter2hunter2", "q": texts[5]},
                                                            "msgs": [{"content": texts[7]}]}))
        span.set_attribute("actiontrace.output", json.dumps([texts[9], {"nested": {"secret": 12345678}}]))
        for i, text in enumerate(texts):
            span.add_event("log", {"message": text, "index": i})
        try:
            raise RuntimeError("request failed: " + texts[1])
        except RuntimeError as exc:
            span.record_exception(exc)
        span.set_status(trace.StatusCode.ERROR, "upstream said: " + texts[2])
    exported = exporter.get_finished_spans()[-1]
    blob = exported.to_json()
    assert_no_secret(blob)
    assert "hunter2hunter2" not in blob and "link-secret-1" not in blob and "12345678" not in blob

    audit = exported.attributes[REDACTED]
    assert isinstance(audit, tuple)
    for i, (rule, _, _) in enumerate(CORPUS):
        assert f"attributes.attr.{i}:{rule}" in audit
    assert "attributes.actiontrace.input:key:password" in audit
    assert "attributes.actiontrace.output:key:secret" in audit
    exc_index = next(i for i, e in enumerate(exported.events) if e.name == "exception")
    assert f"events[{exc_index}].exception.message:{CORPUS[1][0]}" in audit
    assert f"events[{exc_index}].exception.stacktrace:{CORPUS[1][0]}" in audit
    assert f"status.description:{CORPUS[2][0]}" in audit
    assert "links[0].api_key:key:api-key" in audit
    assert all(not any(secret in entry for _, secret, _ in CORPUS) for entry in audit)
    assert exported.status.status_code is trace.StatusCode.ERROR

    # identity and timing preserved
    original = recorder.spans[-1]
    for attr in ("name", "context", "parent", "kind", "start_time", "end_time", "resource", "instrumentation_scope"):
        assert getattr(exported, attr) == getattr(original, attr)
    assert len(exported.events) == len(original.events)
    assert exported.links[0].context == original.links[0].context


def test_original_span_is_never_mutated(pipeline):
    tracer, exporter, recorder, _ = pipeline
    rule, secret, text = CORPUS[0]
    with tracer.start_as_current_span("s") as span:
        span.set_attribute("msg", text)
        span.add_event("e", {"api_key": "abcdefgh123"})
        span.set_status(trace.StatusCode.ERROR, text)
    original = recorder.spans[-1]
    before = original.to_json()
    exported = exporter.get_finished_spans()[-1]
    assert exported is not original
    assert original.attributes["msg"] == text
    assert original.events[0].attributes["api_key"] == "abcdefgh123"
    assert original.status.description == text
    assert REDACTED not in original.attributes
    assert original.to_json() == before


def test_clean_span_is_passed_on_as_is(pipeline):
    tracer, exporter, recorder, _ = pipeline
    with tracer.start_as_current_span("clean") as span:
        span.set_attribute("gen_ai.usage.input_tokens", 12)
        span.set_attribute("text", "Your password has been reset. " * 40)
        span.set_attribute("actiontrace.input", json.dumps({"max_tokens": 5, "q": "hello"}))
        span.add_event("note", {"detail": "nothing secret"})
    assert exporter.get_finished_spans()[-1] is recorder.spans[-1]


def test_sequences_of_strings_are_checked_on_the_fast_path(pipeline):
    tracer, exporter, recorder, _ = pipeline
    secret = next(s for rule, s, _ in CORPUS if s.startswith("sk-"))
    with tracer.start_as_current_span("clean-list") as span:
        span.set_attribute("gen_ai.response.finish_reasons", ["stop", "length"])
        span.set_attribute("gen_ai.usage.output_tokens", 3)
    with tracer.start_as_current_span("secret-in-list") as span:
        span.set_attribute("gen_ai.response.finish_reasons", ["stop", f"key {secret}"])
    clean, dirty = exporter.get_finished_spans()[-2:]
    assert clean is recorder.spans[-2]  # nothing to redact: the same span, no copy
    reasons = dirty.attributes["gen_ai.response.finish_reasons"]
    assert reasons[0] == "stop" and secret not in reasons[1] and "[REDACTED:" in reasons[1]
    assert dirty.attributes[REDACTED]


def test_dropped_counts_are_preserved():
    exporter, recorder = InMemorySpanExporter(), Recorder()
    provider = TracerProvider(span_limits=SpanLimits(max_attributes=4, max_events=2, max_links=1,
                                                     max_event_attributes=2, max_link_attributes=2))
    provider.add_span_processor(recorder)
    provider.add_span_processor(RedactingSpanProcessor(SimpleSpanProcessor(exporter)))
    tracer = provider.get_tracer("limits")
    a, b = tracer.start_span("a"), tracer.start_span("b")
    a.end(), b.end()
    _, secret, text = CORPUS[0]
    span = tracer.start_span("limited", links=[trace.Link(a.get_span_context(), {"x": 1, "y": 2, "token": "t0k3n-value"}),
                                                trace.Link(b.get_span_context())])
    for i in range(7):
        span.set_attribute(f"k{i}", i)
    span.set_attribute("msg", text)
    for i in range(3):
        span.add_event(f"e{i}", {"a": 1, "b": 2, "c": text})
    span.end()
    original, exported = recorder.spans[-1], exporter.get_finished_spans()[-1]
    assert exported is not original
    assert (original.dropped_attributes, original.dropped_events, original.dropped_links) == (4, 1, 1)
    assert exported.dropped_attributes == original.dropped_attributes
    assert exported.dropped_events == original.dropped_events
    assert exported.dropped_links == original.dropped_links
    assert [e.dropped_attributes for e in exported.events] == [e.dropped_attributes for e in original.events]
    assert [l.dropped_attributes for l in exported.links] == [l.dropped_attributes for l in original.links]
    assert secret not in exported.to_json()
    provider.shutdown()


def test_failure_drops_the_span_and_logs_once(caplog):
    class Exploding(Redactor):
        def redact_attributes(self, *a, **k):
            raise RuntimeError("boom")

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    processor = RedactingSpanProcessor(SimpleSpanProcessor(exporter), Exploding())
    provider.add_span_processor(processor)
    tracer = provider.get_tracer("fail")
    with caplog.at_level(logging.WARNING, logger="actiontrace"):
        for _ in range(3):
            with tracer.start_as_current_span("s") as span:
                span.set_attribute("x", "y")
    assert exporter.get_finished_spans() == ()
    assert processor.dropped_spans == 3
    assert sum("redaction failed" in r.getMessage() for r in caplog.records) == 1
    provider.shutdown()


def test_existing_audit_attribute_is_extended(pipeline):
    tracer, exporter, _, _ = pipeline
    with tracer.start_as_current_span("s") as span:
        span.set_attribute(REDACTED, ["attributes.actiontrace.input:key:password"])
        span.set_attribute("token", "abc")
    audit = exporter.get_finished_spans()[-1].attributes[REDACTED]
    assert audit == ("attributes.actiontrace.input:key:password", "attributes.token:key:token")


def test_flush_and_shutdown_delegate():
    calls = []

    class Inner(SimpleSpanProcessor):
        def force_flush(self, timeout_millis=30000):
            calls.append(("flush", timeout_millis))
            return True

        def shutdown(self):
            calls.append(("shutdown",))

    processor = RedactingSpanProcessor(Inner(InMemorySpanExporter()))
    assert processor.force_flush(1234) is True
    processor.shutdown()
    assert calls == [("flush", 1234), ("shutdown",)]


def test_uses_the_default_redactor_at_end_time(pipeline):
    from actiontrace.redaction import set_default_redactor

    tracer, exporter, _, _ = pipeline
    set_default_redactor(Redactor(extra_keys=["pin"]))
    try:
        with tracer.start_as_current_span("s") as span:
            span.set_attribute("user.pin", "1234")
    finally:
        set_default_redactor(None)
    assert exporter.get_finished_spans()[-1].attributes["user.pin"] == "[REDACTED:key:pin]"
