"""Streamed calls through the core (support/echo_provider.py): the span ends exactly once on
exhaustion, close(), the stream's response closing, leaving ``with``, an error, or garbage
collection; it is never current between chunks; time to first chunk is recorded."""

from __future__ import annotations

import gc
import json
import threading
import time

import pytest
from opentelemetry import trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.trace import StatusCode
from support import echo_provider as echo
from support.metrics import points

from actiontrace import _vocabulary as A
from actiontrace.spans import _starter


@pytest.fixture
def reader():
    return InMemoryMetricReader()


@pytest.fixture
def client(reader):
    meter_provider = MeterProvider(metric_readers=[reader])
    inst = echo.EchoInstrumentation()
    inst.instrument(meter_provider=meter_provider)
    yield echo.Client()
    inst.uninstrument()
    meter_provider.shutdown()


def _llm(spans) -> list:
    return [s for s in spans.get_finished_spans() if s.attributes.get(A.SPAN_TYPE) == "llm"]


def test_exhaustion_ends_with_the_assembled_stream(client, spans, reader):
    with _starter.traced("parent"):
        stream = client.messages.create(model="m", prompt="one two three", stream=True)
        assert _llm(spans) == []  # open until the stream ends
        for i, _ in enumerate(stream):
            with _starter.traced(f"consumer-{i}"):
                pass
    parent = next(s for s in spans.get_finished_spans() if s.name == "parent")
    consumers = [s for s in spans.get_finished_spans() if s.name.startswith("consumer-")]
    (llm,) = _llm(spans)
    a = llm.attributes
    assert llm.parent.span_id == parent.context.span_id
    assert len(consumers) == 4 and all(c.parent.span_id == parent.context.span_id for c in consumers)
    assert a[A.STREAM_COMPLETED] is True and a[A.ITEMS_YIELDED] == 4
    assert a[A.GEN_AI_USAGE_INPUT_TOKENS] == 3 and a[A.GEN_AI_REQUEST_STREAM] is True
    assert a[A.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] >= 0
    assert json.loads(a[A.GEN_AI_OUTPUT_MESSAGES])[0]["parts"] == [{"type": "text", "content": "one two three"}]
    (first,) = points(reader)["gen_ai.client.operation.time_to_first_chunk"]
    assert first.attributes[A.GEN_AI_PROVIDER_NAME] == "echo"


def test_break_then_close_ends_once_incomplete(client, spans):
    stream = client.messages.create(model="m", prompt="a b c", stream=True)
    next(stream)
    assert _llm(spans) == []
    stream.close()
    stream.close()
    (llm,) = _llm(spans)
    assert llm.attributes[A.STREAM_COMPLETED] is False and llm.attributes[A.ITEMS_YIELDED] == 1
    assert A.GEN_AI_USAGE_INPUT_TOKENS not in llm.attributes
    assert llm.status.status_code == StatusCode.UNSET


def test_closing_the_streams_response_ends_it(client, spans):
    stream = client.messages.create(model="m", prompt="a b", stream=True)
    next(stream)
    stream.response.close()  # what SDK stream managers do on exit
    (llm,) = _llm(spans)
    assert llm.attributes[A.STREAM_COMPLETED] is False


def test_leaving_with_ends_it_and_records_the_callers_error(client, spans):
    with pytest.raises(KeyError):
        with client.messages.create(model="m", prompt="a b", stream=True) as stream:
            for _ in stream:
                raise KeyError("boom")
    (llm,) = _llm(spans)
    assert llm.status.status_code == StatusCode.ERROR and llm.attributes[A.ERROR_TYPE] == "KeyError"


def test_an_error_from_the_stream_ends_it_and_propagates(client, spans):
    stream = client.messages.create(model="m", prompt="a b c", stream=True, fail_after=1)
    next(stream)
    with pytest.raises(ConnectionError):
        next(stream)
    (llm,) = _llm(spans)
    assert llm.status.status_code == StatusCode.ERROR
    assert llm.attributes[A.ERROR_TYPE] == "ConnectionError" and llm.attributes[A.ITEMS_YIELDED] == 1


def test_a_dropped_stream_ends_at_its_last_chunk(client, spans):
    stream = client.messages.create(model="m", prompt="a b c", stream=True)
    next(stream)
    time.sleep(0.01)
    dropped_ns = time.time_ns()
    del stream
    gc.collect()
    (llm,) = _llm(spans)
    assert llm.attributes[A.STREAM_COMPLETED] is False
    assert llm.end_time < dropped_ns  # at its last chunk, not when the collector ran
    assert json.loads(llm.attributes[A.GEN_AI_OUTPUT_MESSAGES])[0]["parts"] == [{"type": "text", "content": "a"}]


def test_concurrent_closes_end_it_once(client, spans):
    for _ in range(10):
        stream = client.messages.create(model="m", prompt="a b", stream=True)
        next(stream)
        barrier = threading.Barrier(4)

        def close(stream=stream, barrier=barrier) -> None:
            barrier.wait()
            stream.close()

        threads = [threading.Thread(target=close) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(_llm(spans)) == 10


async def test_async_stream_exhaustion_and_close(spans):
    inst = echo.EchoInstrumentation()
    inst.instrument()
    try:
        client = echo.AsyncClient()
        stream = await client.messages.create(model="m", prompt="x y", stream=True)
        assert [c.text async for c in stream] == ["x", "y", ""]
        early = await client.messages.create(model="m", prompt="x y", stream=True)
        await early.__anext__()
        assert not trace.get_current_span().is_recording()
        await early.close()
        reply = await client.messages.create(model="m", prompt="plain")
    finally:
        inst.uninstrument()
    assert reply.text == "plain"
    done, closed, plain = sorted(_llm(spans), key=lambda s: s.start_time)
    assert done.attributes[A.STREAM_COMPLETED] is True and closed.attributes[A.STREAM_COMPLETED] is False
    assert plain.attributes[A.GEN_AI_USAGE_OUTPUT_TOKENS] == 1
