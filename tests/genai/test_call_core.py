"""The GenAI call core through a second provider (support/echo_provider.py, a fake SDK and its
instrumentation over the core): one span per call with the provider's attributes, usage, cost
and roll-ups, errors, pass-through of nested and suppressed calls, ending exactly once."""

from __future__ import annotations

import json
import logging
import threading

import pytest
from opentelemetry import trace
from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from support import echo_provider as echo
from support.metrics import points

from actiontrace import _vocabulary as A
from actiontrace.genai import _call, _cost
from actiontrace.spans._decorators import agent

PRICE = {"input": 2.0, "output": 8.0, "cached_input": 0.5, "cache_creation_input": 2.5, "reasoning": 8.0}
USAGE = {"input": 50, "output": 40, "cache_read": 30, "cache_write": 20, "reasoning": 10}


@pytest.fixture
def instrumentation():
    inst = echo.EchoInstrumentation()
    inst.instrument()
    yield inst
    inst.uninstrument()


@pytest.fixture
def client(instrumentation) -> echo.Client:
    return echo.Client()


@pytest.fixture
def priced():
    _cost.set_prices({"echo-model": PRICE})
    yield
    _cost.set_prices({}, replace=True)


def _llm(spans) -> list:
    return [s for s in spans.get_finished_spans() if s.attributes.get(A.SPAN_TYPE) == "llm"]


def test_one_client_span_with_the_providers_attributes(client, spans, priced):
    reply = client.messages.create(model="echo-model", prompt="hello there", usage=USAGE)
    assert reply.text == "hello there"
    (span,) = _llm(spans)
    a = span.attributes
    assert span.name == "chat echo-model" and span.kind == SpanKind.CLIENT
    assert span.instrumentation_scope.name == echo.SCOPE
    assert a[A.GEN_AI_OPERATION_NAME] == "chat" and a[A.GEN_AI_PROVIDER_NAME] == "echo"
    assert a[A.SERVER_ADDRESS] == "echo.example" and a[A.SERVER_PORT] == 8443
    assert a["echo.tenant"] == "t-1" and a[A.GEN_AI_REQUEST_STREAM] is False
    assert a[A.GEN_AI_RESPONSE_ID] == "reply-1" and a[A.GEN_AI_RESPONSE_MODEL] == "echo-model-2025"
    # The provider maps its usage shape: input counts the cached parts.
    assert a[A.GEN_AI_USAGE_INPUT_TOKENS] == 100 and a[A.GEN_AI_USAGE_OUTPUT_TOKENS] == 40
    assert a[A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] == 30
    assert a[A.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] == 20
    assert a[A.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] == 10
    # 50 fresh @2, 30 read @0.5, 20 written @2.5, 40 output @8 (10 of them reasoning, @8) per 1M
    assert a[A.COST_USD] == pytest.approx((50 * 2 + 30 * 0.5 + 20 * 2.5 + 40 * 8) / 1e6)
    assert json.loads(a[A.GEN_AI_INPUT_MESSAGES]) == [
        {"role": "user", "parts": [{"type": "text", "content": "hello there"}]}]
    assert json.loads(a[A.GEN_AI_OUTPUT_MESSAGES]) == [
        {"role": "assistant", "parts": [{"type": "text", "content": "hello there"}], "finish_reason": "stop"}]
    assert span.status.status_code == StatusCode.UNSET


def test_capture_switch_is_asked_per_call(spans):
    switch = {"on": False}
    inst = echo.EchoInstrumentation()
    inst.instrument(capture_content=lambda: switch["on"])
    try:
        client = echo.Client()
        client.messages.create(model="m", prompt="quiet")
        switch["on"] = True
        client.messages.create(model="m", prompt="loud")
    finally:
        inst.uninstrument()
    quiet, loud = sorted(_llm(spans), key=lambda s: s.start_time)
    assert A.GEN_AI_INPUT_MESSAGES not in quiet.attributes
    assert "loud" in loud.attributes[A.GEN_AI_INPUT_MESSAGES]


def test_tokens_and_cost_roll_up_to_the_enclosing_agent(client, spans, priced):
    @agent(name="echoer")
    def run():
        for _ in range(3):
            client.messages.create(model="echo-model", prompt="x", usage=USAGE)

    run()
    root = next(s for s in spans.get_finished_spans() if s.name == "invoke_agent echoer")
    llms = _llm(spans)
    assert len(llms) == 3 and all(s.parent.span_id == root.context.span_id for s in llms)
    assert root.attributes[A.TOTAL_INPUT_TOKENS] == 300 and root.attributes[A.TOTAL_OUTPUT_TOKENS] == 120
    assert root.attributes[A.TOTAL_COST_USD] == pytest.approx(3 * llms[0].attributes[A.COST_USD])


def test_span_named_from_the_response_when_the_request_names_no_model(client, spans):
    client.messages.create(model="", prompt="x")
    (span,) = _llm(spans)
    assert span.name == "chat echo-default-2025" and A.GEN_AI_REQUEST_MODEL not in span.attributes


def test_http_status_error_type_and_the_exception_propagates(client, spans):
    error = echo.EchoError(429)
    with pytest.raises(echo.EchoError) as raised:
        client.messages.create(model="m", prompt="x", fail=error)
    assert raised.value is error
    with pytest.raises(KeyError):
        client.messages.create(model="m", prompt="x", fail=KeyError("k"))
    limited, missing = sorted(_llm(spans), key=lambda s: s.start_time)
    assert limited.attributes[A.ERROR_TYPE] == "429" and limited.status.status_code == StatusCode.ERROR
    assert missing.attributes[A.ERROR_TYPE] == "KeyError"


def test_nested_instrumented_call_passes_through(client, spans):
    client.messages.create_twice_inside(model="m", prompt="x")
    assert len(_llm(spans)) == 1


def test_suppressed_instrumentation_makes_no_span(client, spans):
    with suppress_instrumentation():
        assert client.messages.create(model="m", prompt="x").text == "x"
    assert _llm(spans) == []


def test_http_client_spans_are_suppressed_only_when_asked(spans):
    for suppress in (True, False):
        inst = echo.EchoInstrumentation()
        inst.instrument(suppress_http=suppress)
        client = echo.Client()
        try:
            client.messages.create(model="m", prompt="x")
        finally:
            inst.uninstrument()
        assert client.messages.seen_http_suppressed == [suppress]


def test_disabled_provider_passes_through_and_a_kept_wrapper_follows_it(instrumentation, client, spans):
    create = client.messages.create  # a bound wrapper kept across uninstrument/instrument
    instrumentation.uninstrument()
    create(model="m", prompt="x")
    assert _llm(spans) == []
    instrumentation.instrument()
    create(model="m", prompt="x")
    assert len(_llm(spans)) == 1


def test_raw_response_ends_the_span_with_the_parsed_reply(client, spans):
    raw = client.messages.create(model="m", prompt="raw", raw=True)
    assert raw.headers["x-request-id"] == "req-1" and raw.parse().text == "raw"
    (span,) = _llm(spans)
    assert span.attributes[A.GEN_AI_RESPONSE_ID] == "reply-1"


def test_tracer_and_meter_providers_handed_to_instrument(spans):
    exporter, reader = InMemorySpanExporter(), InMemoryMetricReader()
    tracer_provider, meter_provider = TracerProvider(), MeterProvider(metric_readers=[reader])
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    inst = echo.EchoInstrumentation()
    inst.instrument(tracer_provider=tracer_provider, meter_provider=meter_provider)
    try:
        echo.Client().messages.create(model="m", prompt="x", usage={"input": 3, "output": 2})
    finally:
        inst.uninstrument()
        meter_provider.shutdown()
    assert _llm(spans) == []  # not the global provider
    (span,) = exporter.get_finished_spans()
    assert (span.instrumentation_scope.name, span.instrumentation_scope.version) == (echo.SCOPE, "0.1")
    got = points(reader)
    (duration,) = got["gen_ai.client.operation.duration"]
    assert duration.attributes[A.GEN_AI_PROVIDER_NAME] == "echo"
    assert duration.attributes[A.SERVER_ADDRESS] == "echo.example"
    assert sorted(p.sum for p in got["gen_ai.client.token.usage"]) == [2, 3]


def test_concurrent_ends_end_each_call_once(instrumentation, spans, caplog):
    @agent(name="racer")
    def race():
        calls = [_call.start(instrumentation.provider, instrumentation.operation, echo.Client().messages,
                             {"model": "m"}) for _ in range(20)]
        for call in calls:
            reply = echo.Reply("m", "x", {"input": 1, "output": 1})
            barrier = threading.Barrier(6)

            def end(how: int, call=call, reply=reply, barrier=barrier) -> None:
                barrier.wait()
                if how == 0:
                    call.fail(RuntimeError("late"))
                elif how == 1:
                    call.release()
                else:
                    call.succeed(instrumentation.operation.response_outcome(reply, False))

            threads = [threading.Thread(target=end, args=(i % 3,)) for i in range(6)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

    caplog.set_level(logging.WARNING)
    race()
    assert not [r for r in caplog.records if "ended span" in r.getMessage()]  # the SDK's double-end warning
    llms = _llm(spans)
    assert len(llms) == 20
    assert len({s.context.span_id for s in llms}) == 20
    root = next(s for s in spans.get_finished_spans() if s.name == "invoke_agent racer")
    # Each call's usage counted once at most (only the ending that won records it).
    assert root.attributes.get(A.TOTAL_INPUT_TOKENS, 0) == sum(
        s.attributes.get(A.GEN_AI_USAGE_INPUT_TOKENS, 0) for s in llms)


def test_span_is_current_only_while_the_method_runs(client, spans):
    client.messages.create(model="m", prompt="x")
    assert client.messages.seen_current == ["chat m"]
    assert not trace.get_current_span().is_recording()


def test_capture_option_as_a_switch(monkeypatch):
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "span_only")
    from_env = _call.capture_switch(None)
    assert from_env() is True
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "false")
    assert from_env() is False  # read per call
    assert [_call.capture_switch(v)() for v in (True, False, "true", "false", " NO ")] == [
        True, False, True, False, False]
