"""GenAI client metrics and per-tool instruments, read back through the SDK's InMemoryMetricReader."""

from __future__ import annotations

import logging
import threading

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from actiontrace.genai import _metrics
from actiontrace import _vocabulary as A
from support.otlp_receiver import OtlpHttpReceiver


@pytest.fixture
def otlp_receiver():
    with OtlpHttpReceiver() as receiver:
        yield receiver


@pytest.fixture
def reader():
    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader])
    _metrics.use_meter_provider(provider)
    yield reader
    _metrics.use_meter_provider(None)
    provider.shutdown()


def _points(reader: InMemoryMetricReader) -> dict[str, list]:
    data = reader.get_metrics_data()
    out: dict[str, list] = {}
    if data is None:
        return out
    for rm in data.resource_metrics:
        for sm in rm.scope_metrics:
            assert sm.scope.name == "actiontrace"
            for metric in sm.metrics:
                out.setdefault(metric.name, []).extend(metric.data.data_points)
    return out


def test_tool_duration_and_errors(reader):
    _metrics.record_tool("search", 0.02)
    _metrics.record_tool("search", 0.5, error_type="builtins.TimeoutError")
    _metrics.record_tool("fetch", 1.5)
    points = _points(reader)

    durations = {(tuple(sorted(p.attributes.items()))): p for p in points[A.TOOL_DURATION_METRIC]}
    ok = durations[((A.GEN_AI_TOOL_NAME, "search"),)]
    assert ok.count == 1 and ok.sum == pytest.approx(0.02)
    failed = durations[tuple(sorted({A.GEN_AI_TOOL_NAME: "search", A.ERROR_TYPE: "builtins.TimeoutError"}.items()))]
    assert failed.count == 1
    assert ok.explicit_bounds == _metrics.TOOL_DURATION_BUCKETS

    errors = points[A.TOOL_ERRORS_METRIC]
    assert len(errors) == 1
    assert errors[0].value == 1
    assert dict(errors[0].attributes) == {A.GEN_AI_TOOL_NAME: "search", A.ERROR_TYPE: "builtins.TimeoutError"}


def test_llm_duration_and_token_usage_follow_the_conventions(reader):
    _metrics.record_llm("chat", "openai", "gpt-4o-mini", 1.2, input_tokens=120, output_tokens=30,
                        server_address="api.openai.com", server_port=443, response_model="gpt-4o-mini-2024")
    points = _points(reader)

    (duration,) = points["gen_ai.client.operation.duration"]
    assert duration.sum == pytest.approx(1.2)
    assert duration.explicit_bounds == _metrics.DURATION_BUCKETS
    assert dict(duration.attributes) == {
        A.GEN_AI_OPERATION_NAME: "chat", A.GEN_AI_PROVIDER_NAME: "openai",
        A.GEN_AI_REQUEST_MODEL: "gpt-4o-mini", A.GEN_AI_RESPONSE_MODEL: "gpt-4o-mini-2024",
        A.SERVER_ADDRESS: "api.openai.com", A.SERVER_PORT: 443,
    }
    tokens = {p.attributes[A.GEN_AI_TOKEN_TYPE]: p for p in points["gen_ai.client.token.usage"]}
    assert tokens["input"].sum == 120 and tokens["output"].sum == 30
    assert tokens["input"].explicit_bounds == _metrics.TOKEN_BUCKETS


def test_failed_llm_call_carries_error_type_and_no_token_points(reader):
    _metrics.record_llm("chat", "openai", "gpt-4o", 0.3, error_type="openai.RateLimitError")
    points = _points(reader)
    (duration,) = points["gen_ai.client.operation.duration"]
    assert duration.attributes[A.ERROR_TYPE] == "openai.RateLimitError"
    assert "gen_ai.client.token.usage" not in points


def test_time_to_first_chunk(reader):
    _metrics.record_first_chunk("chat", "openai", "gpt-4o", 0.05)
    (point,) = _points(reader)["gen_ai.client.operation.time_to_first_chunk"]
    assert point.sum == pytest.approx(0.05)
    assert point.explicit_bounds == _metrics.DURATION_BUCKETS


def test_bad_input_is_swallowed_and_logged_once(reader, caplog):
    caplog.set_level(logging.WARNING, logger="actiontrace")
    _metrics.record_tool("t", "not-a-number")  # type: ignore[arg-type]
    _metrics.record_llm("chat", "openai", "m", object())  # type: ignore[arg-type]
    _metrics.record_tool("t", 0.1)  # still records afterwards
    assert _points(reader)[A.TOOL_DURATION_METRIC][0].count == 1
    assert any("metrics.record_tool" in r.getMessage() for r in caplog.records)


def test_no_provider_means_no_instruments():
    """Without a MeterProvider (the API's proxy) nothing is created and nothing raises."""
    _metrics.use_meter_provider(None)
    _metrics.record_tool("t", 0.1)
    _metrics.record_llm("chat", "openai", "m", 0.1, 1, 2)
    _metrics.record_first_chunk("chat", "openai", "m", 0.1)
    assert _metrics._instruments() is None


def test_instruments_follow_a_provider_change(reader):
    _metrics.record_tool("a", 0.1)
    second = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[second])
    _metrics.use_meter_provider(provider)
    try:
        _metrics.record_tool("b", 0.1)
        assert [p.attributes[A.GEN_AI_TOOL_NAME] for p in _points(second)[A.TOOL_DURATION_METRIC]] == ["b"]
    finally:
        provider.shutdown()


def test_concurrent_recording_is_counted_exactly(reader):
    def work():
        for _ in range(500):
            _metrics.record_tool("parallel", 0.001, error_type="builtins.ValueError")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _points(reader)[A.TOOL_ERRORS_METRIC][0].value == 4000


def test_configure_metrics_exports_over_otlp_http(otlp_receiver):
    provider = _metrics.configure_metrics(otlp_receiver.base_url, "http/protobuf", set_global=False,
                                          export_interval_millis=60_000)
    try:
        _metrics.record_tool("exported", 0.25, error_type="builtins.KeyError")
        assert provider.force_flush(timeout_millis=10_000)
    finally:
        _metrics.shutdown_metrics()
    names = otlp_receiver.metric_names()
    assert {A.TOOL_DURATION_METRIC, A.TOOL_ERRORS_METRIC} <= names
    # After shutdown the provider is retired: recording is a cheap no-op again.
    assert _metrics._instruments() is None


def test_configure_metrics_rejects_unknown_protocol():
    with pytest.raises(ValueError):
        _metrics.configure_metrics("http://127.0.0.1:1", "carrier-pigeon", set_global=False)


def test_http_metrics_url_appends_signal_path_once():
    assert _metrics._http_metrics_url("http://h:4318") == "http://h:4318/v1/metrics"
    assert _metrics._http_metrics_url("http://h:4318/") == "http://h:4318/v1/metrics"
    assert _metrics._http_metrics_url("http://h:4318/v1/metrics") == "http://h:4318/v1/metrics"


def test_tool_spans_feed_the_tool_instruments(reader):
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Status, StatusCode

    provider = TracerProvider()
    provider.add_span_processor(_metrics.ToolMetricsSpanProcessor())
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("execute_tool lookup", attributes={
            A.GEN_AI_OPERATION_NAME: "execute_tool", A.GEN_AI_TOOL_NAME: "lookup"}):
        pass
    with tracer.start_as_current_span("execute_tool lookup", attributes={
            A.GEN_AI_OPERATION_NAME: "execute_tool", A.GEN_AI_TOOL_NAME: "lookup",
            A.ERROR_TYPE: "builtins.KeyError"}) as span:
        span.set_status(Status(StatusCode.ERROR))
    with tracer.start_as_current_span("legacy", attributes={A.SPAN_TYPE: "tool"}) as span:
        span.set_status(Status(StatusCode.ERROR))
    with tracer.start_as_current_span("chat m", attributes={A.GEN_AI_OPERATION_NAME: "chat"}):
        pass  # not a tool: no tool metric
    provider.shutdown()

    points = _points(reader)
    durations = {tuple(sorted(p.attributes.items())): p.count for p in points[A.TOOL_DURATION_METRIC]}
    assert durations == {
        ((A.GEN_AI_TOOL_NAME, "lookup"),): 1,
        ((A.ERROR_TYPE, "builtins.KeyError"), (A.GEN_AI_TOOL_NAME, "lookup")): 1,
        ((A.ERROR_TYPE, "_OTHER"), (A.GEN_AI_TOOL_NAME, "legacy")): 1,
    }
    assert sum(p.value for p in points[A.TOOL_ERRORS_METRIC]) == 2
