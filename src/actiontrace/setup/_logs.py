"""``configure()``'s log pipeline, for the GenAI events: built only when events are on.

Like the span pipeline: every branch behind redaction on the export thread (batch → redaction
→ exporter): JSONL files beside the span files (``logs-*.jsonl``) and, when an OTLP endpoint
is configured, the resilient OTLP branch sharing the spans' exit budget. The records go to the
application's SDK LoggerProvider when it installed one (our processors are added to it),
else to one of ours, made the global provider when none is set. ``configure()``'s content
mode and the LoggerProvider are then handed to the call core (``genai._events.setup``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .. import _settings as S
from .._safety import logger, tracing_failed
from .._settings import ContentMode


def events_wanted(mode: ContentMode) -> bool:
    """``OTEL_INSTRUMENTATION_GENAI_EMIT_EVENT`` when set, else whether ``mode`` puts content in events."""
    emit = S.genai_emit_event()
    return mode.in_event if emit is None else emit


def logs_endpoint(base: str | None, traces: str | None, protocol: str) -> str | None:
    """Where OTLP log records go: ``OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`` as given, else the base
    endpoint (``/v1/logs`` added for http/protobuf), else the traces URL's ``/v1/logs`` sibling."""
    if S.OTLP_LOGS_ENDPOINT.read():
        return S.OTLP_LOGS_ENDPOINT.read()
    if protocol == "grpc":
        return base or traces
    if base:
        path = urlsplit(base).path.rstrip("/")
        return base if path.endswith("/v1/logs") else base.rstrip("/").removesuffix("/v1/traces") + "/v1/logs"
    if traces and traces.rstrip("/").endswith("/v1/traces"):
        return traces.rstrip("/")[: -len("/v1/traces")] + "/v1/logs"
    return None


class LogPipeline:
    """The LoggerProvider the events go to and the processors ``configure()`` added to it."""

    def __init__(self, provider: Any, owned: bool, processors: list) -> None:
        self.provider = provider
        self.owned = owned
        self.processors = processors

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        if self.owned:
            return self.provider.force_flush(timeout_millis) is not False
        return all([p.force_flush(timeout_millis) is not False for p in self.processors])

    def shutdown(self) -> None:
        from ..genai import _events

        _events.reset()  # no more records into a closing pipeline
        targets = [self.provider] if self.owned else self.processors
        for target in targets:
            try:
                target.shutdown()  # exports what it holds first
            except Exception:
                tracing_failed("shutdown.logs")


def _logger_provider(resource: Any) -> tuple[Any, bool]:
    from opentelemetry import _logs
    from opentelemetry.sdk._logs import LoggerProvider, LogRecordLimits

    existing = _logs.get_logger_provider()
    if isinstance(existing, LoggerProvider):
        return existing, False
    # No length limit at emit time: redaction must see whole values; the exporters cut after it.
    limits = LogRecordLimits(max_attribute_length=LogRecordLimits.UNSET,
                             max_log_record_attribute_length=LogRecordLimits.UNSET)
    provider = LoggerProvider(resource=resource, shutdown_on_exit=False, log_record_limits=limits)
    _logs.set_logger_provider(provider)
    return provider, True


def _processors(path: str | None, endpoint: str | None, protocol: str, budget: Any) -> list:
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor

    from ..redaction._logs import RedactingLogExporter

    processors: list = []
    if path is not None:
        from ..exporters._jsonl_logs import JsonlLogExporter

        processors.append(BatchLogRecordProcessor(RedactingLogExporter(JsonlLogExporter(path)),
                                                  max_queue_size=S.JSONL_QUEUE_SIZE.read()))
    if endpoint:
        from ..exporters._otlp_logs import otlp_log_processor

        limit = S.ATTRIBUTE_VALUE_LENGTH_LIMIT.read() or None
        processors.append(otlp_log_processor(
            endpoint, protocol, wrap=lambda exporter: RedactingLogExporter(exporter, max_value_len=limit),
            budget=budget))
    return processors


def build_log_pipeline(mode: ContentMode, resource: Any, path: str | None, endpoint: str | None, protocol: str,
                       budget: Any) -> LogPipeline | None:
    """The events' pipeline (None when events are off, or when it cannot be built: logged),
    handed to the call core with ``mode``."""
    from ..genai import _events

    if not events_wanted(mode):
        _events.setup(mode=mode, emit=False, configured=True)
        return None
    try:
        provider, owned = _logger_provider(resource)
        processors = _processors(path, endpoint, protocol, budget)
        for processor in processors:
            provider.add_log_record_processor(processor)
    except Exception:
        logger.warning("actiontrace: GenAI events could not be set up; spans are unaffected", exc_info=True)
        _events.setup(mode=mode, emit=False, configured=True)
        return None
    from ._fork import flush_forked_children

    flush_forked_children(provider)
    # Our own provider redacts in every processor (on the export thread); an application's may not.
    _events.setup(logger_provider=provider, mode=mode, emit=True, configured=True, redacting=owned)
    return LogPipeline(provider, owned, processors)
