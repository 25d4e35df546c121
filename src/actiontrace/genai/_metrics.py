"""GenAI client metrics and per-tool counters, recorded through the OpenTelemetry metrics API.

Instruments are created lazily on the Meter "actiontrace" of whichever MeterProvider is in force
(the one ``configure_metrics`` built, else the application's global one). With no provider set,
every ``record_*`` call returns after one identity check, so the decorators may call them freely.
Nothing here raises into the caller: failures are logged once and swallowed.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

from opentelemetry import metrics
from opentelemetry.sdk.trace import SpanProcessor as _SpanProcessor

from actiontrace import _vocabulary as A
from actiontrace._safety import tracing_failed

try:  # The API's placeholder providers: recording through them is pointless work.
    from opentelemetry.metrics import NoOpMeterProvider
    from opentelemetry.metrics._internal import _ProxyMeterProvider

    _PLACEHOLDERS: tuple[type, ...] = (NoOpMeterProvider, _ProxyMeterProvider)
except Exception:  # pragma: no cover - private name moved in a future API release
    from opentelemetry.metrics import NoOpMeterProvider

    _PLACEHOLDERS = (NoOpMeterProvider,)

# Bucket boundaries the GenAI semantic conventions prescribe (gen-ai-metrics.md).
DURATION_BUCKETS: tuple[float, ...] = (
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
)
TOKEN_BUCKETS: tuple[float, ...] = (
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
)
# Tools are often local and fast: the HTTP duration boundaries resolve milliseconds too.
TOOL_DURATION_BUCKETS: tuple[float, ...] = (
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
)

_GEN_AI_OPERATION_DURATION = "gen_ai.client.operation.duration"
_GEN_AI_TOKEN_USAGE = "gen_ai.client.token.usage"
_GEN_AI_TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk"


class _Instruments:
    __slots__ = ("duration", "tokens", "first_chunk", "tool_duration", "tool_errors")

    def __init__(self, meter: metrics.Meter) -> None:
        self.duration = meter.create_histogram(
            _GEN_AI_OPERATION_DURATION, unit="s", description="GenAI operation duration.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )
        self.tokens = meter.create_histogram(
            _GEN_AI_TOKEN_USAGE, unit="{token}", description="Number of input and output tokens used.",
            explicit_bucket_boundaries_advisory=TOKEN_BUCKETS,
        )
        self.first_chunk = meter.create_histogram(
            _GEN_AI_TIME_TO_FIRST_CHUNK, unit="s",
            description="Time to receive the first chunk of a streamed response.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )
        self.tool_duration = meter.create_histogram(
            A.TOOL_DURATION_METRIC, unit="s", description="Duration of tool executions.",
            explicit_bucket_boundaries_advisory=TOOL_DURATION_BUCKETS,
        )
        self.tool_errors = meter.create_counter(
            A.TOOL_ERRORS_METRIC, unit="{error}", description="Tool executions that raised.",
        )


_lock = threading.Lock()
_own_provider: Any = None  # set by configure_metrics / use_meter_provider
_cached_for: Any = None
_cached: _Instruments | None = None


def _instruments() -> _Instruments | None:
    global _cached_for, _cached
    provider = _own_provider if _own_provider is not None else metrics.get_meter_provider()
    if provider is _cached_for:
        return _cached
    with _lock:
        if provider is not _cached_for:
            # A placeholder is cached too (as None): the next call answers with one identity check.
            placeholder = isinstance(provider, _PLACEHOLDERS)
            _cached = None if placeholder else _Instruments(provider.get_meter(A.METER_NAME, _version()))
            _cached_for = provider
        return _cached


def _version() -> str | None:
    try:
        from importlib.metadata import version

        return version("actiontrace")
    except Exception:
        return None


def use_meter_provider(provider: Any) -> None:
    """Record into ``provider`` (None: back to the global provider). For configure() and tests."""
    global _own_provider, _cached_for, _cached
    with _lock:
        _own_provider = provider
        _cached_for = None
        _cached = None


def _llm_attributes(operation: str, provider: str | None, model: str | None,
                    error_type: str | None, server_address: str | None,
                    server_port: int | None, response_model: str | None) -> dict[str, Any]:
    attrs: dict[str, Any] = {A.GEN_AI_OPERATION_NAME: operation}
    if provider:
        attrs[A.GEN_AI_PROVIDER_NAME] = provider
    if model:
        attrs[A.GEN_AI_REQUEST_MODEL] = model
    if response_model:
        attrs[A.GEN_AI_RESPONSE_MODEL] = response_model
    if server_address:
        attrs[A.SERVER_ADDRESS] = server_address
        if server_port:
            attrs[A.SERVER_PORT] = int(server_port)
    if error_type:
        attrs[A.ERROR_TYPE] = error_type
    return attrs


def record_tool(name: str, duration_s: float, error_type: str | None = None) -> None:
    """One tool execution: duration histogram, plus the error counter when it raised."""
    inst = _instruments()
    if inst is None:
        return
    try:
        attrs: dict[str, Any] = {A.GEN_AI_TOOL_NAME: str(name)}
        if error_type:
            attrs[A.ERROR_TYPE] = error_type
            inst.tool_errors.add(1, attrs)
        inst.tool_duration.record(float(duration_s), attrs)
    except Exception:
        tracing_failed("metrics.record_tool")


def record_llm(operation: str, provider: str | None, model: str | None, duration_s: float,
               input_tokens: int | None = None, output_tokens: int | None = None,
               error_type: str | None = None, server_address: str | None = None, *,
               server_port: int | None = None, response_model: str | None = None) -> None:
    """One GenAI client operation: its duration and, when known, input/output token counts."""
    inst = _instruments()
    if inst is None:
        return
    try:
        attrs = _llm_attributes(operation, provider, model, error_type, server_address,
                                server_port, response_model)
        inst.duration.record(float(duration_s), attrs)
        # The conventions report tokens per type; a failed call's partial counts are still billable.
        for count, token_type in ((input_tokens, A.TokenType.INPUT.value),
                                  (output_tokens, A.TokenType.COMPLETION.value)):
            if count is not None and count >= 0:
                inst.tokens.record(int(count), {**attrs, A.GEN_AI_TOKEN_TYPE: token_type})
    except Exception:
        tracing_failed("metrics.record_llm")


def record_first_chunk(operation: str, provider: str | None, model: str | None, seconds: float,
                       server_address: str | None = None, *, server_port: int | None = None) -> None:
    """Time to the first chunk of a streamed response (streaming calls only, per the conventions)."""
    inst = _instruments()
    if inst is None:
        return
    try:
        attrs = _llm_attributes(operation, provider, model, None, server_address, server_port, None)
        inst.first_chunk.record(float(seconds), attrs)
    except Exception:
        tracing_failed("metrics.record_first_chunk")


def _http_metrics_url(endpoint: str) -> str:
    """A base OTLP/HTTP endpoint gets the signal path, as OTEL_EXPORTER_OTLP_ENDPOINT does."""
    path = urlsplit(endpoint).path.rstrip("/")
    if path.endswith("/v1/metrics"):
        return endpoint
    return endpoint.rstrip("/") + "/v1/metrics"


def configure_metrics(endpoint: str | None = None, protocol: str = "http/protobuf", *,
                      headers: dict[str, str] | None = None, timeout: float | None = None,
                      export_interval_millis: float | None = None, resource: Any = None,
                      set_global: bool = True) -> Any:
    """Build a MeterProvider exporting over OTLP and record our instruments into it.

    ``endpoint`` is the base URL (``http://host:4318`` for http/protobuf, ``http://host:4317``
    for grpc); None lets the exporter read the standard ``OTEL_EXPORTER_OTLP_*`` variables, which
    also supply headers, timeout, compression and certificates when not given here. The provider
    becomes the global one unless the application already set its own (``set_global`` False: never).
    """
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter

        exporter = OTLPMetricExporter(endpoint=endpoint, headers=headers, timeout=timeout)
    elif protocol in ("http/protobuf", "http"):
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import (
            OTLPMetricExporter as HTTPMetricExporter,
        )

        exporter = HTTPMetricExporter(
            endpoint=_http_metrics_url(endpoint) if endpoint else None, headers=headers, timeout=timeout,
        )
    else:
        raise ValueError(f"unsupported OTLP protocol {protocol!r}: use 'http/protobuf' or 'grpc'")
    reader = PeriodicExportingMetricReader(exporter, export_interval_millis=export_interval_millis)
    kwargs: dict[str, Any] = {"metric_readers": [reader]}
    if resource is not None:
        kwargs["resource"] = resource
    provider = MeterProvider(**kwargs)
    if set_global and isinstance(metrics.get_meter_provider(), _PLACEHOLDERS):
        metrics.set_meter_provider(provider)
    use_meter_provider(provider)
    return provider


def shutdown_metrics(timeout_millis: float = 10_000) -> None:
    """Flush and close the provider configure_metrics built (no-op when there is none)."""
    global _cached_for, _cached
    provider = _own_provider
    if provider is None:
        return
    use_meter_provider(None)
    with _lock:  # it may still be the global provider: treat it as absent from now on
        _cached_for, _cached = provider, None
    try:
        provider.shutdown(timeout_millis=timeout_millis)
    except Exception:
        tracing_failed("metrics.shutdown")


class ToolMetricsSpanProcessor(_SpanProcessor):
    """Records the per-tool instruments when any tool span ends (ours, or another
    instrumentation's ``execute_tool`` span), so no decorator has to time anything twice.

    Add it to the TracerProvider next to the exporting processors; without a MeterProvider each
    span costs one identity check.
    """

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        pass

    def on_end(self, span: Any) -> None:
        if _instruments() is None:
            return
        try:
            attrs = span.attributes or {}
            if attrs.get(A.GEN_AI_OPERATION_NAME) != "execute_tool" and attrs.get(A.SPAN_TYPE) != "tool":
                return
            if span.start_time is None or span.end_time is None:
                return
            error_type = attrs.get(A.ERROR_TYPE)
            if not error_type and span.status is not None and span.status.status_code.name == "ERROR":
                error_type = "_OTHER"  # the conventions' fallback when the error class is unknown
            record_tool(attrs.get(A.GEN_AI_TOOL_NAME) or span.name, (span.end_time - span.start_time) / 1e9,
                        error_type)
        except Exception:
            tracing_failed("metrics.tool_span")

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True
