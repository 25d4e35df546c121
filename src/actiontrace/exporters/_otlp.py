"""The OTLP span pipeline, made to fail well when the collector does not answer.

``otlp_span_processor(endpoint, protocol)`` builds
``DropCountingProcessor(BatchSpanProcessor(ResilientSpanExporter(OTLPSpanExporter)))``:

- After a failed export the exporter backs off for ``retry_after`` seconds: the worker waits
  (the bounded queue keeps the newest spans, and turns the excess away, counted) instead of
  spending a full export timeout on every batch; then it probes again, so export resumes by
  itself when the collector is back, starting with what the queue kept.
- Shutdown is bounded by about one export timeout for every signal together: the traces and
  metrics exporters of one ``configure()`` share an :class:`ExitBudget`. Once shutdown starts,
  the SDK exporters stop retrying (a refused connection fails at once instead of backing off
  for a whole timeout), a failed export by either signal ends the attempt for both, and no
  export may outlast the deadline; what is left is dropped (counted), not tried in turn.
- Spans the SDK's bounded queue turns away are counted too. ``export_stats()`` gives the counts;
  the first drop and then at most one line a minute are logged.

The application thread never waits on the network in any case: that is the BatchSpanProcessor's
job; these only bound what its worker and ``shutdown()`` spend on a dead endpoint.
"""

from __future__ import annotations

import threading
import time
import weakref
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


def _abort_retries(exporter: Any) -> None:
    """Make an SDK OTLP exporter give up instead of backing off between retries.

    The SDK retries a refused connection with 1, 2, 4... s pauses until its timeout; its only
    brake is the event its own shutdown sets (``_shutdown_event`` on the HTTP client,
    ``_shutdown_in_progress`` on the gRPC exporter). Setting it leaves the transport open, so
    the export in hand still gets its one attempt. Private names: absent ones are skipped.
    """
    for obj in (getattr(exporter, "_client", None), exporter):
        for name in ("_shutdown_event", "_shutdown_in_progress"):
            event = getattr(obj, name, None)
            if isinstance(event, threading.Event):
                event.set()


def _cap_timeout(exporter: Any, seconds: float) -> None:
    """Shorten the SDK exporter's per-export timeout so an attempt cannot outlast the deadline."""
    for obj in (getattr(exporter, "_client", None), exporter):
        value = getattr(obj, "_timeout", None)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > seconds:
            try:
                obj._timeout = max(seconds, 0.01)
            except Exception:
                pass


class ExitBudget:
    """The time every OTLP signal of one pipeline may spend on shutdown, together.

    The first signal to shut down starts the clock (one export timeout); every SDK exporter
    registered here stops retrying then; an export failing while closing marks the endpoint
    dead, and the other signals drop what they hold instead of trying again.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._exporters: weakref.WeakSet = weakref.WeakSet()
        self.deadline: float | None = None
        self.dead = False

    def register(self, sdk_exporter: Any) -> None:
        try:
            self._exporters.add(sdk_exporter)
        except TypeError:  # not weakly referenceable: it keeps its own retries
            pass

    @property
    def closing(self) -> bool:
        return self.deadline is not None

    def begin(self, timeout_s: float) -> None:
        with self._lock:
            if self.deadline is None:
                self.deadline = self._clock() + timeout_s
            exporters = list(self._exporters)
        for exporter in exporters:
            _abort_retries(exporter)

    def remaining(self) -> float:
        return float("inf") if self.deadline is None else self.deadline - self._clock()

    def allows(self, expected_s: float = 0.0) -> bool:
        """Whether an export expected to take ``expected_s`` may still start."""
        return not self.closing or (not self.dead and self._clock() + expected_s <= self.deadline)


class ResilientSpanExporter(SpanExporter):
    """Backs off after a failure, bounds shutdown to about one export, counts what it drops.

    While backing off, the export worker waits (interruptibly) instead of draining the queue into
    the bin, so the newest ``max_queue_size`` spans are still there when the collector returns;
    a flush from the application's thread does not wait, it drops. (The log branch's exporter is
    this one with the logs' result values: ``_otlp_logs``.)
    """

    _SUCCESS: Any = SpanExportResult.SUCCESS
    _FAILURE: Any = SpanExportResult.FAILURE

    def __init__(self, inner: SpanExporter, *, timeout_s: float, retry_after_s: float = DEFAULT_RETRY_AFTER_S,
                 endpoint: str = "", clock: Callable[[], float] = time.monotonic,
                 wait: Callable[[float], Any] | None = None, budget: ExitBudget | None = None,
                 sdk_exporter: Any = None) -> None:
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
        self._budget = budget if budget is not None else ExitBudget(clock)
        self._sdk_exporter = sdk_exporter
        if sdk_exporter is not None:
            self._budget.register(sdk_exporter)

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        n = len(spans)
        now = self._clock()
        if not self._budget.closing and now < self._retry_at:
            if getattr(self._flushing, "active", False):
                return self._drop(n, "backing off after a failed export")
            self._wait(self._retry_at - now)  # shutdown interrupts it
            now = self._clock()
        closing = self._budget.closing
        # While closing: an attempt only if it can end before the deadline, judging by the last
        # one; after a failure (of any signal) the rest is dropped. One slow export may still
        # be in flight.
        if closing and not self._budget.allows(self._last_duration):
            return self._drop(n, "shutting down with the endpoint unreachable or slow")
        if closing and self._sdk_exporter is not None:
            _cap_timeout(self._sdk_exporter, self._budget.remaining())
        started = self._clock()
        try:
            result = self._inner.export(spans)
        except Exception:  # an exporter must not raise; if it does, it failed
            result = self._FAILURE
        self._last_duration = self._clock() - started
        if result is self._SUCCESS:
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
        if closing:
            self._budget.dead = True
        self._retry_at = self._clock() + self._retry_after_s
        return self._drop(n, "export failed")

    def _drop(self, n: int, reason: str) -> SpanExportResult:
        _stats.add("dropped_export", n)
        _stats.log_drop(reason, self._endpoint)
        return self._FAILURE

    def begin_shutdown(self) -> None:
        """From now on, finish within about one export timeout; wakes a back-off wait."""
        self._budget.begin(self._timeout_s)
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
                        retry_after_s: float = DEFAULT_RETRY_AFTER_S, budget: ExitBudget | None = None,
                        exporter: SpanExporter | None = None, **batch_options: Any) -> DropCountingProcessor:
    """The whole OTLP branch of configure(): count, batch (OTEL_BSP_* honoured), back off, export.

    ``endpoint`` is passed to the exporter as is (a full /v1/traces URL for http/protobuf).
    ``wrap`` goes around the SDK exporter, inside the back-off (configure() passes
    ``RedactingSpanExporter``, so redaction runs on the export thread):
    BatchSpanProcessor -> ResilientSpanExporter -> wrap(OTLPSpanExporter).
    ``budget``: shared with the metrics exporter (:func:`resilient_metric_exporter`) so both
    signals together spend at most one export timeout at shutdown.
    """
    raw = exporter if exporter is not None else otlp_exporter(endpoint, protocol)
    timeout = exporter_timeout_s(raw)
    inner = wrap(raw) if wrap is not None else raw
    resilient = ResilientSpanExporter(inner, timeout_s=timeout, retry_after_s=retry_after_s,
                                      endpoint=str(endpoint or "(OTEL_EXPORTER_OTLP_ENDPOINT)"),
                                      budget=budget, sdk_exporter=raw)
    return DropCountingProcessor(BatchSpanProcessor(resilient, **batch_options), endpoint=str(endpoint or ""),
                                 exporter=resilient)


def resilient_metric_exporter(inner: Any, budget: ExitBudget) -> Any:
    """``inner`` (an SDK OTLP metric exporter) made to share ``budget`` with the span exporter."""
    from opentelemetry.sdk.metrics.export import MetricExporter, MetricExportResult

    class ResilientMetricExporter(MetricExporter):
        """At shutdown: no retries, nothing past the shared deadline, nothing once the endpoint failed."""

        def __init__(self) -> None:
            super().__init__(preferred_temporality=getattr(inner, "_preferred_temporality", None),
                             preferred_aggregation=getattr(inner, "_preferred_aggregation", None))
            self._timeout_s = exporter_timeout_s(inner)
            budget.register(inner)

        def export(self, metrics_data: Any, timeout_millis: float = 10_000, **kwargs: Any) -> Any:
            closing = budget.closing
            if closing:
                if not budget.allows():
                    return MetricExportResult.FAILURE
                _cap_timeout(inner, budget.remaining())
            try:
                result = inner.export(metrics_data, timeout_millis=timeout_millis, **kwargs)
            except Exception:
                result = MetricExportResult.FAILURE
            if closing and result is not MetricExportResult.SUCCESS:
                budget.dead = True
            return result

        def force_flush(self, timeout_millis: float = 10_000) -> bool:
            return inner.force_flush(timeout_millis=timeout_millis)

        def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
            budget.begin(self._timeout_s)
            inner.shutdown(timeout_millis=timeout_millis, **kwargs)

    return ResilientMetricExporter()
