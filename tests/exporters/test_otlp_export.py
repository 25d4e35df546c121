"""The OTLP branch against a real OTLP/HTTP receiver on 127.0.0.1 (opentelemetry-proto parses the
bodies): back-off after failures, resumption, bounded shutdown, and counted drops."""

from __future__ import annotations

import time

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SpanExportResult

from actiontrace.exporters import _otlp
from support.otlp_receiver import OtlpHttpReceiver


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def receiver():
    _otlp.reset_export_stats()
    with OtlpHttpReceiver() as rx:
        yield rx
    _otlp.reset_export_stats()


def _spans(n: int, name: str = "s"):
    provider = TracerProvider()
    out = []
    tracer = provider.get_tracer("t")
    for i in range(n):
        span = tracer.start_span(f"{name}-{i}")
        span.end()
        out.append(span)
    return out


class Waits:
    """Stands in for the worker's back-off wait: records it and lets that much fake time pass."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.waited: list[float] = []

    def __call__(self, seconds: float) -> bool:
        self.waited.append(seconds)
        self.clock.now += seconds
        return False


def _resilient(receiver, clock, **kw):
    return _otlp.ResilientSpanExporter(OTLPSpanExporter(endpoint=receiver.traces_url, timeout=1),
                                       clock=clock, wait=Waits(clock), **kw)


def test_backs_off_after_a_failure_then_resumes(receiver):
    clock = Clock()
    exporter = _resilient(receiver, clock, timeout_s=1, retry_after_s=30)
    receiver.set_mode("status", status=400)  # not retryable: one request per export
    assert exporter.export(_spans(3, "a")) is SpanExportResult.FAILURE
    assert receiver.requests == 1
    assert exporter._wait.waited == []

    # The worker waits out the back-off before the next attempt (no request in between).
    assert exporter.export(_spans(2, "b")) is SpanExportResult.FAILURE
    assert exporter._wait.waited == [30] and receiver.requests == 2

    receiver.set_mode("ok")
    assert exporter.export(_spans(4, "c")) is SpanExportResult.SUCCESS
    assert exporter._wait.waited == [30, 30]
    assert sorted(s.name for s in receiver.spans) == ["c-0", "c-1", "c-2", "c-3"]
    assert exporter.export(_spans(1, "d")) is SpanExportResult.SUCCESS
    assert exporter._wait.waited == [30, 30], "no waiting once export works again"
    assert _otlp.export_stats() == {"exported": 5, "dropped_export": 5, "dropped_queue": 0, "failures": 2}


def test_a_flush_from_the_application_thread_never_waits(receiver):
    clock = Clock()
    exporter = _resilient(receiver, clock, timeout_s=1, retry_after_s=30)
    receiver.set_mode("status", status=400)
    exporter.export(_spans(1))
    with exporter.flushing():
        assert exporter.export(_spans(2)) is SpanExportResult.FAILURE
    assert exporter._wait.waited == [] and receiver.requests == 1
    assert _otlp.export_stats()["dropped_export"] == 3


def test_shutdown_makes_one_attempt_then_drops_the_rest(receiver):
    clock = Clock()
    exporter = _resilient(receiver, clock, timeout_s=10, retry_after_s=30)
    receiver.set_mode("status", status=400)
    exporter.export(_spans(1))  # failing before shutdown: backing off now
    exporter.begin_shutdown()
    for _ in range(5):
        assert exporter.export(_spans(2)) is SpanExportResult.FAILURE
    assert exporter._wait.waited == [], "shutdown must not wait out the back-off"
    assert receiver.requests == 2, "one attempt after shutdown began, none after it failed"
    assert _otlp.export_stats()["dropped_export"] == 11


def test_shutdown_skips_an_export_that_could_not_finish_in_time(receiver):
    receiver.set_mode("slow", delay_s=0.3)
    exporter = _otlp.ResilientSpanExporter(OTLPSpanExporter(endpoint=receiver.traces_url, timeout=5), timeout_s=0.5)
    exporter.begin_shutdown()
    assert exporter.export(_spans(1, "in-time")) is SpanExportResult.SUCCESS
    # The last export took >= 0.3 s, so another would end past the 0.5 s deadline.
    assert exporter.export(_spans(1, "late")) is SpanExportResult.FAILURE
    assert [s.name for s in receiver.spans] == ["in-time-0"]


def test_queue_drops_are_counted_and_every_span_is_accounted_for(receiver):
    receiver.set_mode("slow", delay_s=1.5)
    processor = _otlp.otlp_span_processor(receiver.traces_url, max_queue_size=8, max_export_batch_size=4,
                                          schedule_delay_millis=60_000)
    provider = TracerProvider()
    provider.add_span_processor(processor)
    tracer = provider.get_tracer("t")
    for i in range(4):  # a full batch wakes the worker, which then sits in the slow export
        tracer.start_span(f"first-{i}").end()
    while receiver.requests < 1:
        time.sleep(0.02)
    for i in range(96):
        tracer.start_span(f"burst-{i}").end()
    provider.shutdown()

    stats = _otlp.export_stats()
    assert stats["dropped_queue"] == 96 - 8  # the queue holds 8 while the worker is busy
    assert stats["exported"] == len(receiver.spans)
    assert stats["exported"] + stats["dropped_export"] + stats["dropped_queue"] + processor.pending == 100


def test_a_drop_is_logged_once_not_per_span(receiver, caplog):
    import logging

    caplog.set_level(logging.WARNING, logger="actiontrace")
    receiver.set_mode("status", status=400)
    exporter = _otlp.ResilientSpanExporter(OTLPSpanExporter(endpoint=receiver.traces_url, timeout=1),
                                           timeout_s=1, retry_after_s=0)
    for _ in range(5):
        exporter.export(_spans(2))
    lines = [r for r in caplog.records if "OTLP export" in r.getMessage()]
    assert len(lines) == 1
    assert "dropped" in lines[0].getMessage()


def test_unknown_protocol_is_refused():
    with pytest.raises(ValueError):
        _otlp.otlp_exporter("http://127.0.0.1:1", "smoke-signals")


def test_configure_shaped_branch_redacts_on_the_export_thread(receiver):
    """BatchSpanProcessor -> back-off -> RedactingSpanExporter -> OTLP: no secret reaches the wire."""
    from actiontrace.redaction import RedactingSpanExporter

    secret = "sk-proj-" + "Q7x" * 12
    processor = _otlp.otlp_span_processor(receiver.traces_url, wrap=RedactingSpanExporter)
    provider = TracerProvider()
    provider.add_span_processor(processor)
    span = provider.get_tracer("t").start_span("call", attributes={"api_key": secret, "note": f"key={secret}"})
    span.end()
    provider.shutdown()
    (got,) = receiver.spans
    assert secret not in repr(got.attributes)
    assert set(got.attributes) >= {"api_key", "note"}
    assert _otlp.export_stats()["exported"] == 1
