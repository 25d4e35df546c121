"""GenAI client metrics and per-tool instruments, read back through the SDK's InMemoryMetricReader."""

from __future__ import annotations

import logging
import threading

import pytest
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from support.metrics import points as _points
from support.metrics import recording_reader

from actiontrace.genai import _metrics
from actiontrace import _vocabulary as A


@pytest.fixture
def reader():
    with recording_reader() as reader:
        yield reader


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


def test_recorder_records_into_the_meter_provider_it_was_handed(reader):
    own = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[own])
    try:
        recorder = _metrics.Recorder(provider)
        recorder.llm("chat", "openai", "m", 0.5, 10, 2, None, "h", 443, "m-1")
        recorder.first_chunk("chat", "openai", "m", 0.1, "h", 443)
        mine = _points(own)
        (duration,) = mine["gen_ai.client.operation.duration"]
        assert dict(duration.attributes) == {
            A.GEN_AI_OPERATION_NAME: "chat", A.GEN_AI_PROVIDER_NAME: "openai", A.GEN_AI_REQUEST_MODEL: "m",
            A.GEN_AI_RESPONSE_MODEL: "m-1", A.SERVER_ADDRESS: "h", A.SERVER_PORT: 443}
        assert {p.attributes[A.GEN_AI_TOKEN_TYPE]: p.sum for p in mine["gen_ai.client.token.usage"]} == {
            "input": 10, "output": 2}
        assert len(mine["gen_ai.client.operation.time_to_first_chunk"]) == 1
        assert _points(reader) == {}  # not into the provider in force
    finally:
        provider.shutdown()


def test_recorder_without_a_provider_follows_the_one_in_force(reader):
    recorder = _metrics.Recorder()
    recorder.llm("embeddings", "openai", "e", 0.2, 3, None, "openai.BadRequestError", None, None, None)
    (duration,) = _points(reader)["gen_ai.client.operation.duration"]
    assert duration.attributes[A.ERROR_TYPE] == "openai.BadRequestError"
    (tokens,) = _points(reader)["gen_ai.client.token.usage"]
    assert tokens.attributes[A.GEN_AI_TOKEN_TYPE] == "input"


def test_recorder_on_a_noop_provider_records_nothing():
    recorder = _metrics.Recorder(NoOpMeterProvider())
    recorder.llm("chat", "openai", "m", 0.1, 1, 1, None, None, None, None)
    assert recorder._instruments() is None


def test_latest_experimental_metric_and_usage_names(monkeypatch):
    from actiontrace.genai import _semconv
    from actiontrace.genai._tokens import Usage

    monkeypatch.setenv("OTEL_SEMCONV_STABILITY_OPT_IN", "gen_ai_latest_experimental")
    reader = InMemoryMetricReader()
    try:
        recorder = _metrics.Recorder(MeterProvider(metric_readers=[reader]))  # instruments made now, in the opt-in
        recorder.llm("chat", "openai", "gpt-4o", 0.5, 10, 3, None, None, None, None)
        recorder.first_chunk("chat", "openai", "gpt-4o", 0.1, None, None)
        recorder.llm("chat", "openai", "gpt-4o", 0.5, None, None, "500", None, None, None)  # no usage came back
        metrics_by_name = {m.name: m for rm in reader.get_metrics_data().resource_metrics for sm in rm.scope_metrics
                           for m in sm.metrics}
        assert set(metrics_by_name) == {
            "gen_ai.client.inference.duration", "gen_ai.client.inference.time_to_first_chunk",
            "gen_ai.client.inference.operation.input_tokens", "gen_ai.client.inference.operation.output_tokens",
            "gen_ai.client.inference.usage.input_tokens", "gen_ai.client.inference.usage.output_tokens"}
        (hist_in,) = metrics_by_name["gen_ai.client.inference.operation.input_tokens"].data.data_points
        assert hist_in.count == 1 and hist_in.sum == 10 and A.GEN_AI_TOKEN_TYPE not in hist_in.attributes
        usage_points = metrics_by_name["gen_ai.client.inference.usage.input_tokens"].data.data_points
        assert sorted(p.value for p in usage_points) == [0, 10]  # the failed call counts 0, as the conventions ask
        assert {p.attributes["gen_ai.token.modality"] for p in usage_points} == {"unknown"}
        attrs: dict = {}
        Usage(1, 1, cache_creation_input_tokens=7).add_to(attrs)
        assert attrs[A.LATEST_USAGE_CACHE_WRITE_INPUT_TOKENS] == 7 and A.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS not in attrs
    finally:
        monkeypatch.delenv("OTEL_SEMCONV_STABILITY_OPT_IN")
        assert not _semconv.refresh().latest  # back to the v1.41 names for the other tests
    attrs = {}
    Usage(1, 1, cache_creation_input_tokens=7).add_to(attrs)
    assert attrs == {A.GEN_AI_USAGE_INPUT_TOKENS: 1, A.GEN_AI_USAGE_OUTPUT_TOKENS: 1,
                     A.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS: 7}
