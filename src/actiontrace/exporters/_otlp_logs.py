"""The OTLP branch for log records (GenAI events), made to fail as the span branch does.

``otlp_log_processor(endpoint, protocol)`` builds
``DropCountingLogProcessor(BatchLogRecordProcessor(ResilientLogExporter(OTLPLogExporter)))``:
the span branch's back-off, shared exit budget and drop counts (``_otlp``), with the logs'
result values. Drops count in the same ``export_stats()``, so ``flush()`` reports them too.
"""

from __future__ import annotations

from typing import Any, Callable

from opentelemetry.sdk._logs import LogRecordProcessor
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor, LogRecordExporter, LogRecordExportResult

from .._sdk import batch_queue, exporter_timeout_s
from ._otlp import DEFAULT_RETRY_AFTER_S, ExitBudget, ResilientSpanExporter, _stats


class ResilientLogExporter(ResilientSpanExporter, LogRecordExporter):
    """:class:`~._otlp.ResilientSpanExporter` for a log record exporter."""

    _SUCCESS = LogRecordExportResult.SUCCESS
    _FAILURE = LogRecordExportResult.FAILURE


class DropCountingLogProcessor(LogRecordProcessor):
    """Counts records a BatchLogRecordProcessor's full queue will turn away; starts the exit
    budget when shutdown begins (the SDK processor exports what it holds before it closes)."""

    def __init__(self, inner: BatchLogRecordProcessor, endpoint: str = "",
                 exporter: ResilientLogExporter | None = None) -> None:
        self._inner = inner
        self._endpoint = endpoint
        self._exporter = exporter
        self._queue, self._max = batch_queue(inner)

    def on_emit(self, log_record: Any) -> None:
        try:
            if self._queue is not None and self._max and len(self._queue) >= self._max:
                _stats.add("dropped_queue", 1)
                _stats.log_drop("log export queue full", self._endpoint)
        except Exception:
            pass
        self._inner.on_emit(log_record)

    def shutdown(self) -> None:
        if self._exporter is not None:
            self._exporter.begin_shutdown()
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        if self._exporter is None:
            return self._inner.force_flush(timeout_millis)
        with self._exporter.flushing():
            return self._inner.force_flush(timeout_millis)


def otlp_log_exporter(endpoint: str | None, protocol: str = "http/protobuf") -> LogRecordExporter:
    """The SDK OTLP log exporter; headers, timeout, compression and TLS come from OTEL_EXPORTER_OTLP_*."""
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
    elif protocol in ("http/protobuf", "http"):
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    else:
        raise ValueError(f"OTLP protocol must be 'http/protobuf' or 'grpc', not {protocol!r}")
    return OTLPLogExporter(endpoint=endpoint)


def otlp_log_processor(endpoint: str | None, protocol: str = "http/protobuf", *,
                       wrap: Callable[[Any], Any] | None = None, retry_after_s: float = DEFAULT_RETRY_AFTER_S,
                       budget: ExitBudget | None = None, exporter: Any = None) -> DropCountingLogProcessor:
    """The log branch: count, batch (OTEL_BLRP_* honoured), back off, ``wrap`` (redaction), export.
    ``endpoint`` goes to the exporter as is (a full /v1/logs URL for http/protobuf)."""
    raw = exporter if exporter is not None else otlp_log_exporter(endpoint, protocol)
    inner = wrap(raw) if wrap is not None else raw
    resilient = ResilientLogExporter(inner, timeout_s=exporter_timeout_s(raw), retry_after_s=retry_after_s,
                                     endpoint=str(endpoint or "(OTEL_EXPORTER_OTLP_ENDPOINT)"), budget=budget,
                                     sdk_exporter=raw)
    return DropCountingLogProcessor(BatchLogRecordProcessor(resilient), endpoint=str(endpoint or ""),
                                    exporter=resilient)
