"""The metrics pipelines: ``configure()``'s MeterProvider (bounded at shutdown together with the
traces), ``configure_metrics`` for applications that want one of their own, and its shutdown; each
named as the provider in force for our instruments (``genai._metrics``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from opentelemetry import metrics

from .._safety import tracing_failed
from ..genai import _metrics


def _http_metrics_url(endpoint: str) -> str:
    """A base OTLP/HTTP endpoint gets the signal path, as OTEL_EXPORTER_OTLP_ENDPOINT does."""
    path = urlsplit(endpoint).path.rstrip("/")
    if path.endswith("/v1/metrics"):
        return endpoint
    return endpoint.rstrip("/") + "/v1/metrics"


def _otlp_metric_exporter(endpoint: str | None, protocol: str, *, headers: dict[str, str] | None = None,
                          timeout: float | None = None) -> Any:
    """The SDK's OTLP metric exporter; what is not given comes from the OTEL_EXPORTER_OTLP_* variables."""
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter

        return OTLPMetricExporter(endpoint=endpoint, headers=headers, timeout=timeout)
    if protocol in ("http/protobuf", "http"):
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter as HTTPExporter

        return HTTPExporter(endpoint=_http_metrics_url(endpoint) if endpoint else None, headers=headers,
                            timeout=timeout)
    raise ValueError(f"OTLP protocol must be 'http/protobuf' or 'grpc', not {protocol!r}")


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

    exporter = _otlp_metric_exporter(endpoint, protocol, headers=headers, timeout=timeout)
    reader = PeriodicExportingMetricReader(exporter, export_interval_millis=export_interval_millis)
    kwargs: dict[str, Any] = {"metric_readers": [reader]}
    if resource is not None:
        kwargs["resource"] = resource
    provider = MeterProvider(**kwargs)
    if set_global and _metrics.is_placeholder(metrics.get_meter_provider()):
        metrics.set_meter_provider(provider)
    _metrics.use_meter_provider(provider)
    return provider


def shutdown_metrics(timeout_millis: float = 10_000) -> None:
    """Flush and close the provider configure_metrics built (no-op when there is none)."""
    provider = _metrics.own_provider()
    if provider is None:
        return
    _metrics.retire(provider)  # it may still be the global provider: treat it as absent from now on
    try:
        provider.shutdown(timeout_millis=timeout_millis)
    except Exception:
        tracing_failed("metrics.shutdown")


def build_meter_provider(endpoint: str | None, protocol: str, budget: Any) -> Any:
    """``configure()``'s MeterProvider: the OTLP exporter behind
    :func:`~actiontrace.exporters._otlp.resilient_metric_exporter`, so that at shutdown traces
    and metrics share one export timeout (a dead collector costs one timeout, not one per signal).
    It registers no exit hook of its own: ``configure()``'s shuts traces down first (the spans
    matter more), then metrics with what is left of the budget. It becomes the global provider
    unless the application already installed one."""
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

    from ..exporters._otlp import resilient_metric_exporter

    exporter = resilient_metric_exporter(_otlp_metric_exporter(endpoint, protocol), budget)
    provider = MeterProvider(metric_readers=[PeriodicExportingMetricReader(exporter)], shutdown_on_exit=False)
    if _metrics.is_placeholder(metrics.get_meter_provider()):
        metrics.set_meter_provider(provider)
    _metrics.use_meter_provider(provider)
    return provider
