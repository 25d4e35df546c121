"""Reading metrics back: an in-memory MeterProvider our instruments record into, and its points."""

from __future__ import annotations

import contextlib

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from actiontrace.genai import _metrics


@contextlib.contextmanager
def recording_reader():
    """An InMemoryMetricReader on a MeterProvider named as the one in force, for the block."""
    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader])
    _metrics.use_meter_provider(provider)
    try:
        yield reader
    finally:
        _metrics.use_meter_provider(None)
        provider.shutdown()


def points(reader: InMemoryMetricReader, scope: str = "actiontrace") -> dict[str, list]:
    """Data points by metric name; every metric must come from ``scope``."""
    data = reader.get_metrics_data()
    out: dict[str, list] = {}
    if data is None:
        return out
    for rm in data.resource_metrics:
        for sm in rm.scope_metrics:
            assert sm.scope.name == scope
            for metric in sm.metrics:
                out.setdefault(metric.name, []).extend(metric.data.data_points)
    return out
