"""The metrics pipeline ``configure()`` builds when an OTLP endpoint is set.

The same OTLP metric exporter ``genai._metrics.configure_metrics`` would build, behind
:func:`~actiontrace.exporters._otlp.resilient_metric_exporter`, so that at shutdown traces and
metrics share one export timeout (a dead collector costs one timeout, not one per signal).
The provider does not register its own exit hook: ``configure()``'s shuts traces down first
(the spans matter more), then metrics with what is left of the budget.
"""

from __future__ import annotations

from typing import Any

from opentelemetry import metrics


def _sdk_exporter(endpoint: str | None, protocol: str) -> Any:
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter

        return OTLPMetricExporter(endpoint=endpoint)
    if protocol in ("http/protobuf", "http"):
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter as HTTPExporter

        if endpoint and not endpoint.rstrip("/").endswith("/v1/metrics"):
            endpoint = endpoint.rstrip("/") + "/v1/metrics"  # a base endpoint gets the signal's path
        return HTTPExporter(endpoint=endpoint or None)
    raise ValueError(f"OTLP protocol must be 'http/protobuf' or 'grpc', not {protocol!r}")


def build_meter_provider(endpoint: str | None, protocol: str, budget: Any) -> Any:
    """A MeterProvider exporting over OTLP, recorded into by actiontrace's instruments.

    It becomes the global provider unless the application already installed an SDK one.
    """
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

    from .._sdk import placeholder_meter_provider_types
    from ..exporters._otlp import resilient_metric_exporter
    from ..genai._metrics import use_meter_provider

    exporter = resilient_metric_exporter(_sdk_exporter(endpoint, protocol), budget)
    provider = MeterProvider(metric_readers=[PeriodicExportingMetricReader(exporter)], shutdown_on_exit=False)
    if isinstance(metrics.get_meter_provider(), placeholder_meter_provider_types()):  # nothing installed yet
        metrics.set_meter_provider(provider)
    use_meter_provider(provider)
    return provider
