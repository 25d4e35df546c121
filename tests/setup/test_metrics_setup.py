"""The metrics pipeline configure() builds: a MeterProvider exporting over OTLP, then retired."""

from __future__ import annotations

import pytest
from support.otlp_receiver import OtlpHttpReceiver

from actiontrace import _vocabulary as A
from actiontrace.genai import _metrics
from actiontrace.setup import _metrics as _setup_metrics


@pytest.fixture
def otlp_receiver():
    with OtlpHttpReceiver() as receiver:
        yield receiver


def test_configure_metrics_exports_over_otlp_http(otlp_receiver):
    provider = _setup_metrics.configure_metrics(otlp_receiver.base_url, "http/protobuf", set_global=False,
                                          export_interval_millis=60_000)
    try:
        _metrics.record_tool("exported", 0.25, error_type="builtins.KeyError")
        assert provider.force_flush(timeout_millis=10_000)
    finally:
        _setup_metrics.shutdown_metrics()
    names = otlp_receiver.metric_names()
    assert {A.TOOL_DURATION_METRIC, A.TOOL_ERRORS_METRIC} <= names
    # After shutdown the provider is retired: recording is a cheap no-op again.
    assert _metrics._instruments() is None


def test_configure_metrics_rejects_unknown_protocol():
    with pytest.raises(ValueError):
        _setup_metrics.configure_metrics("http://127.0.0.1:1", "carrier-pigeon", set_global=False)


def test_http_metrics_url_appends_signal_path_once():
    assert _setup_metrics._http_metrics_url("http://h:4318") == "http://h:4318/v1/metrics"
    assert _setup_metrics._http_metrics_url("http://h:4318/") == "http://h:4318/v1/metrics"
    assert _setup_metrics._http_metrics_url("http://h:4318/v1/metrics") == "http://h:4318/v1/metrics"
