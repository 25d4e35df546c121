"""``configure()``: the convenience SDK setup for applications that have none.

Pipeline: SessionSpanProcessor (stamps session values and the decision path at start),
then every exporter behind redaction, so nothing secret leaves the process: batch →
redaction → JSONL files (the embedded default, ``./traces/``) and, when an endpoint is
configured, batch → redaction → OTLP. Batch pipelines redact in their worker thread
(``RedactingSpanExporter``), keeping the cost off the application thread; extra
synchronous processors go behind ``RedactingSpanProcessor``.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import threading
from typing import Any, Iterable, Sequence

from opentelemetry import trace

from ..spans import _capture
from .._safety import logger

_UNSET: Any = object()
_lock = threading.Lock()


class _State:
    def __init__(self, provider, owned: bool, processors: list, key: tuple, meter_provider=None) -> None:
        self.provider = provider
        self.owned = owned  # we created the provider (so we shut it down)
        self.processors = processors
        self.key = key
        self.meter_provider = meter_provider


_state: _State | None = None


def _env_flag_off(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("0", "false", "no", "off", "none")


def _jsonl_path(arg: Any) -> str | None:
    if arg is not _UNSET:
        return None if arg is None else os.fspath(arg)
    if _env_flag_off("ACTIONTRACE_JSONL"):
        return None
    return os.environ.get("ACTIONTRACE_JSONL_PATH", "traces")


def _otlp_settings(endpoint: str | None, protocol: str | None) -> tuple[str | None, str]:
    """The traces endpoint as the exporter wants it, and the protocol."""
    env = os.environ.get
    protocol = (protocol or env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or env("OTEL_EXPORTER_OTLP_PROTOCOL") or "http/protobuf").strip()
    if protocol not in ("http/protobuf", "grpc"):
        raise ValueError(f"OTLP protocol must be 'http/protobuf' or 'grpc', not {protocol!r}")
    if not endpoint and env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        return env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), protocol  # per-signal: used as given
    endpoint = endpoint or env("OTEL_EXPORTER_OTLP_ENDPOINT")
    if endpoint and protocol == "http/protobuf" and not endpoint.rstrip("/").endswith("/v1/traces"):
        endpoint = endpoint.rstrip("/") + "/v1/traces"  # a base endpoint gets the signal's path
    return endpoint, protocol


def _jsonl_queue_size() -> int:
    return int(os.environ.get("ACTIONTRACE_JSONL_QUEUE_SIZE", os.environ.get("OTEL_BSP_MAX_QUEUE_SIZE", 8192)))


# Client libraries configure() can instrument: name -> (module, instrumentor class).
_INSTRUMENTATIONS = {
    "openai": ("actiontrace.instrumentation.openai", "OpenAIInstrumentor"),
    "anthropic": ("actiontrace.instrumentation.anthropic", "AnthropicInstrumentor"),
}


def _default_instruments() -> list[str]:
    return [name for name in _INSTRUMENTATIONS if importlib.util.find_spec(name) is not None]


def _instrument(names: Iterable[str], provider) -> None:
    for name in names:
        if name not in _INSTRUMENTATIONS:
            available = ", ".join(repr(n) for n in _INSTRUMENTATIONS)
            raise ValueError(f"unknown instrumentation {name!r}; available: {available}")
        module, cls = _INSTRUMENTATIONS[name]
        instrumentor = getattr(importlib.import_module(module), cls)()
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument(tracer_provider=provider)


def configure(
    *,
    service_name: str | None = None,
    jsonl_path: Any = _UNSET,
    otlp_endpoint: str | None = None,
    otlp_protocol: str | None = None,
    capture_content: bool | None = None,
    instrument: Sequence[str] | None = None,
    redactor: Any = None,
    propagate_threads: bool = True,
    span_processors: Sequence[Any] = (),
    resource_attributes: dict | None = None,
    metrics: bool = True,
    session_baggage: bool | None = None,
):
    """Set up tracing and return the SDK ``TracerProvider``.

    - ``service_name``: else ``OTEL_SERVICE_NAME``/``OTEL_RESOURCE_ATTRIBUTES``, else ``actiontrace-app``.
    - ``jsonl_path``: directory for JSONL trace files; default ``./traces`` (or
      ``ACTIONTRACE_JSONL_PATH``); ``None`` (or ``ACTIONTRACE_JSONL=off``) disables them.
    - ``otlp_endpoint``/``otlp_protocol``: else the ``OTEL_EXPORTER_OTLP_*`` variables
      (headers, timeout, compression and certificate are read by the exporter itself).
    - ``capture_content``: record arguments/results and LLM messages (default on;
      ``ACTIONTRACE_CAPTURE_CONTENT=false`` turns it off).
    - ``instrument``: client libraries to instrument (``"openai"``, ``"anthropic"``); default: those installed.
    - ``redactor``: a ``actiontrace.redaction.Redactor`` replacing the default rules.
    - ``span_processors``: extra exporting processors; they are put behind redaction too.
    - ``session_baggage``: also send session values to other services as W3C baggage
      (default off; ``ACTIONTRACE_SESSION_BAGGAGE=true``).

    Idempotent: a second call returns the same provider and changes nothing (it warns
    if its arguments differ). If the application already installed an SDK
    ``TracerProvider``, the processors are added to it instead of replacing it.
    """
    global _state
    key = (service_name, jsonl_path, otlp_endpoint, otlp_protocol, capture_content, tuple(instrument or ()), id(redactor))
    with _lock:
        if _state is not None:
            if key != _state.key:
                logger.warning("actiontrace.configure() was already called; the new arguments are ignored")
            return _state.provider
        if session_baggage is not None:
            from ..context import _baggage

            _baggage.enabled = bool(session_baggage)
        _state = _build(key, service_name, jsonl_path, otlp_endpoint, otlp_protocol, capture_content,
                        instrument, redactor, propagate_threads, span_processors, resource_attributes, metrics)
        return _state.provider


def _build(key, service_name, jsonl_path, otlp_endpoint, otlp_protocol, capture_content, instrument, redactor,
           propagate_threads, span_processors, resource_attributes, metrics) -> _State:
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    from ..processors._session import SessionSpanProcessor
    from ..redaction import RedactingSpanExporter, RedactingSpanProcessor, set_default_redactor

    if capture_content is not None:
        _capture.settings.enabled = bool(capture_content)
    if redactor is not None:
        set_default_redactor(redactor)
    endpoint, protocol = _otlp_settings(otlp_endpoint, otlp_protocol)
    path = _jsonl_path(jsonl_path)

    existing = trace.get_tracer_provider()
    owned = not isinstance(existing, TracerProvider)
    if owned:
        attrs = dict(resource_attributes or {})
        if service_name:
            attrs[SERVICE_NAME] = service_name
        elif not os.environ.get("OTEL_SERVICE_NAME") and "service.name=" not in os.environ.get("OTEL_RESOURCE_ATTRIBUTES", ""):
            attrs[SERVICE_NAME] = "actiontrace-app"
        provider = TracerProvider(resource=Resource.create(attrs))
    else:
        provider = existing

    processors: list = [SessionSpanProcessor()]
    if path is not None:
        from ..exporters import JsonlSpanExporter

        # The local record of truth: a deeper queue than the SDK default rides out bursts.
        processors.append(BatchSpanProcessor(RedactingSpanExporter(JsonlSpanExporter(path)),
                                             max_queue_size=_jsonl_queue_size()))
    if endpoint:
        from ..exporters._otlp import otlp_span_processor

        # Backs off while the collector is down, bounds shutdown, counts drops.
        processors.append(otlp_span_processor(endpoint, protocol, wrap=RedactingSpanExporter))
    if endpoint and metrics:
        from ..genai._metrics import ToolMetricsSpanProcessor

        processors.append(ToolMetricsSpanProcessor())
    for extra in span_processors:
        processors.append(RedactingSpanProcessor(extra))
    for processor in processors:
        provider.add_span_processor(processor)
    if owned:
        trace.set_tracer_provider(provider)
    from ._fork import flush_forked_children

    # multiprocessing's fork children leave through os._exit, skipping atexit.
    flush_forked_children(provider)

    meter_provider = None
    if endpoint and metrics:
        # Metrics get the base endpoint: their exporter adds its own signal path.
        meter_provider = _configure_metrics(otlp_endpoint or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"), protocol)
    if propagate_threads:
        from ..context._threads import propagate_context_to_threads

        propagate_context_to_threads()
    try:
        _instrument(_default_instruments() if instrument is None else instrument, provider)
    except ValueError:
        raise
    except Exception:
        logger.warning("actiontrace: instrumentation failed; tracing continues without it", exc_info=True)
    atexit.register(_flush_at_exit)
    return _State(provider, owned, processors, key, meter_provider)


def _configure_metrics(endpoint: str | None, protocol: str):
    try:
        from ..genai._metrics import configure_metrics
    except ImportError:
        return None
    try:
        return configure_metrics(endpoint, protocol)
    except Exception:
        logger.warning("actiontrace: metrics export could not be set up", exc_info=True)
        return None


def _flush_at_exit() -> None:
    # The SDK shuts down providers it owns at exit; processors added to someone
    # else's provider are flushed here so a short script loses no span.
    state = _state
    if state is not None and not state.owned:
        for processor in state.processors:
            try:
                processor.force_flush(5000)
            except Exception:
                pass


def shutdown(timeout_millis: int = 30000) -> None:
    """Flush every span and close the exporters. Safe to call twice."""
    global _state
    with _lock:
        state, _state = _state, None
    if state is None:
        return
    if state.owned:
        state.provider.shutdown()
    else:
        for processor in state.processors:
            processor.force_flush(timeout_millis)
            processor.shutdown()
    if state.meter_provider is not None:
        from ..genai._metrics import shutdown_metrics

        shutdown_metrics()


def current_provider():
    return _state.provider if _state is not None else None
