"""The OTLP span pipeline, made to fail well when the collector does not answer.

``otlp_span_processor(endpoint, protocol)`` builds
``DropCountingProcessor(BatchSpanProcessor(ResilientSpanExporter(OTLPSpanExporter)))``:

- After a failed export the exporter backs off for ``retry_after`` seconds: the worker waits
  (the bounded queue keeps the newest spans, and turns the excess away, counted) instead of
  spending a full export timeout on every batch; then it probes again, so export resumes by
  itself when the collector is back, starting with what the queue kept.
- Shutdown is bounded by about one export timeout: once it starts, a failed export, or one that
  could not end before the deadline, ends the attempt and the remaining batches are dropped
  (counted), instead of trying each in turn.
- Spans the SDK's bounded queue turns away are counted too. ``export_stats()`` gives the counts;
  the first drop and then at most one line a minute are logged.

The application thread never waits on the network in any case: that is the BatchSpanProcessor's
job; these only bound what its worker and ``shutdown()`` spend on a dead endpoint.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Sequence

from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

from .._safety import logger
from .._sdk import batch_queue, exporter_timeout_s

LOG_INTERVAL_S = 60.0
DEFAULT_RETRY_AFTER_S = 5.0


class _Stats:
    """Process-wide counters for every OTLP pipeline built here."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.exported = 0
        self.dropped_export = 0  # export failed, or skipped while backing off / shutting down
        self.dropped_queue = 0  # turned away by the full BatchSpanProcessor queue
        self.failures = 0  # failed export attempts
        self._last_log = 0.0
        self._logged_any = False

    def add(self, field: str, n: int) -> None:
        with self.lock:
            setattr(self, field, getattr(self, field) + n)

    def snapshot(self) -> dict[str, int]:
        with self.lock:
            return {"exported": self.exported, "dropped_export": self.dropped_export,
                    "dropped_queue": self.dropped_queue, "failures": self.failures}

    def log_drop(self, reason: str, endpoint: str) -> None:
        """First drop at once, then at most one line per LOG_INTERVAL_S, with running totals."""
        now = time.monotonic()
        with self.lock:
            if self._logged_any and now - self._last_log < LOG_INTERVAL_S:
                return
            self._logged_any, self._last_log = True, now
            dropped = self.dropped_export + self.dropped_queue
        try:
            logger.warning("actiontrace: OTLP export to %s is failing (%s); %d span(s) dropped so far "
                           "(the JSONL file still records them)", endpoint, reason, dropped)
        except Exception:
            pass


_stats = _Stats()


def export_stats() -> dict[str, int]:
    """Counts of spans exported and dropped over OTLP since the process started (or the last reset)."""
    return _stats.snapshot()


def reset_export_stats() -> None:
    with _stats.lock:
        _stats.reset()


class ResilientSpanExporter(SpanExporter):
    """Backs off after a failure, bounds shutdown to about one export, counts what it drops.

    While backing off, the export worker waits (interruptibly) instead of draining the queue into
    the bin, so the newest ``max_queue_size`` spans are still there when the collector returns;
    a flush from the application's thread does not wait, it drops.
    """

    def __init__(self, inner: SpanExporter, *, timeout_s: float, retry_after_s: float = DEFAULT_RETRY_AFTER_S,
                 endpoint: str = "", clock: Callable[[], float] = time.monotonic,
                 wait: Callable[[float], Any] | None = None) -> None:
        self._inner = inner
        self._timeout_s = timeout_s
        self._retry_after_s = retry_after_s
        self._endpoint = endpoint
        self._clock = clock
        self._wake = threading.Event()
        self._wait = wait if wait is not None else self._wake.wait
        self._flushing = threading.local()
        self._retry_at = 0.0
        self._failing = False
        self._last_duration = 0.0
        self._shutdown_deadline: float | None = None
        self._failed_while_closing = False

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        n = len(spans)
        now = self._clock()
        if self._shutdown_deadline is None and now < self._retry_at:
            if getattr(self._flushing, "active", False):
                return self._drop(n, "backing off after a failed export")
            self._wait(self._retry_at - now)  # shutdown interrupts it
            now = self._clock()
        closing = self._shutdown_deadline is not None
        # While closing: an attempt only if it can end before the deadline, judging by the last
        # one; after a failure the rest is dropped. One slow export may still be in flight.
        if closing and (self._failed_while_closing or now + self._last_duration > self._shutdown_deadline):
            return self._drop(n, "shutting down with the endpoint unreachable or slow")
        started = self._clock()
        try:
            result = self._inner.export(spans)
        except Exception:  # an exporter must not raise; if it does, it failed
            result = SpanExportResult.FAILURE
        self._last_duration = self._clock() - started
        if result is SpanExportResult.SUCCESS:
            _stats.add("exported", n)
            if self._failing:
                self._failing = False
                try:
                    logger.info("actiontrace: OTLP export to %s resumed", self._endpoint)
                except Exception:
                    pass
            return result
        _stats.add("failures", 1)
        self._failing = True
        self._failed_while_closing = closing
        self._retry_at = self._clock() + self._retry_after_s
        return self._drop(n, "export failed")

    def _drop(self, n: int, reason: str) -> SpanExportResult:
        _stats.add("dropped_export", n)
        _stats.log_drop(reason, self._endpoint)
        return SpanExportResult.FAILURE

    def begin_shutdown(self) -> None:
        """From now on, finish within about one export timeout; wakes a back-off wait."""
        if self._shutdown_deadline is None:
            self._shutdown_deadline = self._clock() + self._timeout_s
        self._wake.set()

    def shutdown(self) -> None:
        self.begin_shutdown()
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self._inner.force_flush(timeout_millis)

    def flushing(self) -> "_Flushing":
        return _Flushing(self._flushing)


class _Flushing:
    """Marks the current thread as flushing (the application's thread: it must not wait)."""

    def __init__(self, local: threading.local) -> None:
        self._local = local

    def __enter__(self) -> None:
        self._local.active = True

    def __exit__(self, *exc: object) -> None:
        self._local.active = False


class DropCountingProcessor(SpanProcessor):
    """Counts spans a BatchSpanProcessor's full queue will turn away, then hands every span on."""

    def __init__(self, inner: BatchSpanProcessor, endpoint: str = "",
                 exporter: ResilientSpanExporter | None = None) -> None:
        self._inner = inner
        self._endpoint = endpoint
        self._exporter = exporter
        self._queue, self._max = batch_queue(inner)

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        self._inner.on_start(span, parent_context=parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        try:
            if self._queue is not None and self._max and len(self._queue) >= self._max:
                _stats.add("dropped_queue", 1)
                _stats.log_drop("export queue full", self._endpoint)
        except Exception:
            pass
        self._inner.on_end(span)

    def shutdown(self) -> None:
        # The SDK processor exports what is queued before it closes its exporter: the deadline
        # must start now, not when the exporter is finally told.
        if self._exporter is not None:
            self._exporter.begin_shutdown()
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        if self._exporter is None:
            return self._inner.force_flush(timeout_millis)
        with self._exporter.flushing():
            return self._inner.force_flush(timeout_millis)

    @property
    def pending(self) -> int:
        """Spans still waiting in the queue (after shutdown: the ones abandoned)."""
        return len(self._queue) if self._queue is not None else 0


def otlp_exporter(endpoint: str | None, protocol: str = "http/protobuf") -> SpanExporter:
    """The SDK OTLP span exporter; headers, timeout, compression and TLS come from OTEL_EXPORTER_OTLP_*."""
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    elif protocol in ("http/protobuf", "http"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    else:
        raise ValueError(f"OTLP protocol must be 'http/protobuf' or 'grpc', not {protocol!r}")
    return OTLPSpanExporter(endpoint=endpoint)


def otlp_span_processor(endpoint: str | None, protocol: str = "http/protobuf", *,
                        wrap: Callable[[SpanExporter], SpanExporter] | None = None,
                        retry_after_s: float = DEFAULT_RETRY_AFTER_S,
                        exporter: SpanExporter | None = None, **batch_options: Any) -> DropCountingProcessor:
    """The whole OTLP branch of configure(): count, batch (OTEL_BSP_* honoured), back off, export.

    ``endpoint`` is passed to the exporter as is (a full /v1/traces URL for http/protobuf).
    ``wrap`` goes around the SDK exporter, inside the back-off (configure() passes
    ``RedactingSpanExporter``, so redaction runs on the export thread):
    BatchSpanProcessor -> ResilientSpanExporter -> wrap(OTLPSpanExporter).
    """
    raw = exporter if exporter is not None else otlp_exporter(endpoint, protocol)
    timeout = exporter_timeout_s(raw)
    inner = wrap(raw) if wrap is not None else raw
    resilient = ResilientSpanExporter(inner, timeout_s=timeout, retry_after_s=retry_after_s,
                                      endpoint=str(endpoint or "(OTEL_EXPORTER_OTLP_ENDPOINT)"))
    return DropCountingProcessor(BatchSpanProcessor(resilient, **batch_options), endpoint=str(endpoint or ""),
                                 exporter=resilient)
