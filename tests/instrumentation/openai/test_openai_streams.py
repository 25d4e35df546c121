"""Streamed calls: the span is not current after create(), and ends exactly once however the
stream ends — exhaustion, break + close(), with-exit, cancellation, garbage collection,
another thread or task — with the right parent and the assembled output."""

from __future__ import annotations

import asyncio
import gc
import json
import threading

import pytest
from support.openai_replay import llm_spans, queue_recording
from opentelemetry import trace
from opentelemetry.trace import StatusCode

from actiontrace.spans import _starter


def _parent_and_llm(spans, parent_name="parent"):
    finished = spans.get_finished_spans()
    parent = next(s for s in finished if s.name == parent_name)
    (llm,) = llm_spans(spans)
    return parent, llm


def test_full_consumption(server, client, spans, capture_on):
    queue_recording(server, "chat_stream_text")
    with _starter.traced("parent"):
        stream = client.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True)
        assert not llm_spans(spans)  # still open
        current = trace.get_current_span()
        text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
        inner_parent = None
        with _starter.traced("after") as after:
            inner_parent = after.parent
    assert text == "This is a test."
    parent, llm = _parent_and_llm(spans)
    assert current.get_span_context().span_id == parent.context.span_id  # LLM span not left current
    assert inner_parent.span_id == parent.context.span_id
    assert llm.parent.span_id == parent.context.span_id
    a = llm.attributes
    assert a["actiontrace.stream.completed"] is True
    assert a["gen_ai.request.stream"] is True
    assert a["gen_ai.response.id"] == "chatcmpl-stream1"
    assert tuple(a["gen_ai.response.finish_reasons"]) == ("stop",)
    assert a["gen_ai.usage.input_tokens"] == 12 and a["gen_ai.usage.output_tokens"] == 5
    assert a["gen_ai.response.time_to_first_chunk"] >= 0
    out = json.loads(a["gen_ai.output.messages"])
    assert out == [{"role": "assistant", "finish_reason": "stop", "parts": [{"type": "text", "content": "This is a test."}]}]


def test_spans_started_while_consuming_are_not_children(server, client, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    stream = client.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True)
    for i, _ in enumerate(stream):
        with _starter.traced(f"consumer-{i}"):
            pass
    (llm,) = llm_spans(spans)
    consumers = [s for s in spans.get_finished_spans() if s.name.startswith("consumer-")]
    assert consumers and all(s.parent is None for s in consumers)
    assert all(s.context.trace_id != llm.context.trace_id for s in consumers)


def test_tool_call_deltas_assembled(server, client, spans, capture_on):
    queue_recording(server, "chat_stream_tools")
    for _ in client.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True):
        pass
    (llm,) = llm_spans(spans)
    out = json.loads(llm.attributes["gen_ai.output.messages"])
    assert out == [{"role": "assistant", "finish_reason": "tool_calls", "parts": [
        {"type": "tool_call", "id": "call_a", "name": "fetch_weather", "arguments": {"city": "Oslo"}},
        {"type": "tool_call", "id": "call_b", "name": "search_database", "arguments": {"query": "oslo"}}]}]
    assert llm.attributes["gen_ai.usage.output_tokens"] == 20


def test_break_then_close_ends_once_incomplete(server, client, spans, capture_on):
    queue_recording(server, "chat_stream_text")
    stream = client.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True)
    for i, _ in enumerate(stream):
        if i == 2:
            break
    assert not llm_spans(spans)
    stream.close()
    stream.close()  # a second close is harmless and does not end the span again
    (llm,) = llm_spans(spans)
    assert llm.attributes["actiontrace.stream.completed"] is False
    assert llm.attributes["actiontrace.stream.items"] == 3
    assert "gen_ai.usage.input_tokens" not in llm.attributes
    assert llm.status.status_code == StatusCode.UNSET


def test_with_exit_ends_span(server, client, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    with client.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True) as stream:
        assert next(iter(stream)).id == "chatcmpl-stream1"
    (llm,) = llm_spans(spans)
    assert llm.attributes["actiontrace.stream.completed"] is False


def test_user_exception_inside_with_is_recorded(server, client, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    with pytest.raises(KeyError):
        with client.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True) as stream:
            for _ in stream:
                raise KeyError("boom")
    (llm,) = llm_spans(spans)
    assert llm.status.status_code == StatusCode.ERROR
    assert llm.attributes["error.type"] == "KeyError"


def test_abandoned_stream_is_ended_by_gc(server, client, spans, capture_on):
    queue_recording(server, "chat_stream_text")
    stream = client.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True)
    it = iter(stream)
    next(it)
    next(it)
    del stream, it
    gc.collect()
    (llm,) = llm_spans(spans)
    assert llm.attributes["actiontrace.stream.completed"] is False
    out = json.loads(llm.attributes["gen_ai.output.messages"])
    assert out[0]["parts"] == [{"type": "text", "content": "This"}]  # the partial output


def test_consumed_in_another_thread(server, client, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    with _starter.traced("parent"):
        stream = client.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True)
    errors = []

    def consume():
        try:
            for _ in stream:
                pass
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=consume)
    worker.start()
    worker.join()
    assert not errors
    parent, llm = _parent_and_llm(spans)
    assert llm.parent.span_id == parent.context.span_id
    assert llm.attributes["actiontrace.stream.completed"] is True


async def test_async_full_consumption_and_parent(server, aclient, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    async with _starter.traced("parent"):
        stream = await aclient.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True)
        count = 0
        async for _ in stream:
            count += 1
    parent, llm = _parent_and_llm(spans)
    assert count == 8
    assert llm.parent.span_id == parent.context.span_id
    assert llm.attributes["actiontrace.stream.completed"] is True
    assert llm.attributes["gen_ai.usage.output_tokens"] == 5


async def test_async_consumed_in_another_task(server, aclient, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    async with _starter.traced("parent"):
        stream = await aclient.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True)

    async def consume():
        return [c async for c in stream]

    chunks = await asyncio.create_task(consume())
    assert len(chunks) == 8
    parent, llm = _parent_and_llm(spans)
    assert llm.parent.span_id == parent.context.span_id
    assert llm.end_time is not None


async def test_async_consumer_cancelled(server, aclient, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    server.set_chunk_delay(0.05)
    stream = await aclient.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True)
    got_one = asyncio.Event()

    async def consume():
        async for _ in stream:
            got_one.set()

    task = asyncio.create_task(consume())
    await got_one.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    (llm,) = llm_spans(spans)
    assert llm.attributes["actiontrace.stream.completed"] is False
    assert llm.status.status_code == StatusCode.UNSET
    await stream.close()
    assert len(llm_spans(spans)) == 1  # closing after the cancel does not end it again


async def test_async_break_and_aclose(server, aclient, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    stream = await aclient.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True)
    async for _ in stream:
        break
    assert not llm_spans(spans)
    await stream.close()
    (llm,) = llm_spans(spans)
    assert llm.attributes["actiontrace.stream.completed"] is False


async def test_async_with_exit(server, aclient, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    async with await aclient.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True) as stream:
        async for _ in stream:
            pass
    (llm,) = llm_spans(spans)
    assert llm.attributes["actiontrace.stream.completed"] is True


def test_chat_stream_manager_is_one_span(server, client, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    with client.chat.completions.stream(model="gpt-4o-mini", messages=[]) as stream:
        for _ in stream:
            pass
        final = stream.get_final_completion()
    assert final.choices[0].message.content == "This is a test."
    (llm,) = llm_spans(spans)
    assert llm.attributes["actiontrace.stream.completed"] is True


def test_chat_stream_manager_early_exit_ends_span(server, client, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    with client.chat.completions.stream(model="gpt-4o-mini", messages=[]) as stream:
        next(iter(stream))
    (llm,) = llm_spans(spans)
    assert llm.attributes["actiontrace.stream.completed"] is False


def test_responses_stream_manager(server, client, spans, capture_on):
    queue_recording(server, "responses_stream")
    with client.responses.stream(model="gpt-4o-mini", input="Say this is a test") as stream:
        for _ in stream:
            pass
        final = stream.get_final_response()
    assert final.output_text == "This is a test."
    (llm,) = llm_spans(spans)
    a = llm.attributes
    assert llm.name == "chat gpt-4o-mini"
    assert a["gen_ai.response.id"] == "resp_basic1" and a["gen_ai.usage.input_tokens"] == 22
    assert tuple(a["gen_ai.response.finish_reasons"]) == ("stop",)
    assert a["actiontrace.stream.completed"] is True


def test_responses_stream_early_exit_records_partial(server, client, spans, capture_on):
    queue_recording(server, "responses_stream")
    with client.responses.stream(model="gpt-4o-mini", input="x") as stream:
        for event in stream:
            if event.type == "response.output_text.delta":
                break
    (llm,) = llm_spans(spans)
    a = llm.attributes
    assert a["actiontrace.stream.completed"] is False
    assert a["gen_ai.response.id"] == "resp_basic1"
    assert json.loads(a["gen_ai.output.messages"])[0]["parts"] == [{"type": "text", "content": "This is"}]


def test_raw_response_stream(server, client, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    raw = client.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=[], stream=True)
    assert raw.headers.get("x-request-id") == "req_test"
    stream = raw.parse()
    assert raw.parse() is stream
    assert len(list(stream)) == 8
    (llm,) = llm_spans(spans)
    assert llm.attributes["actiontrace.stream.completed"] is True


def test_streaming_response_stream(server, client, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    with client.chat.completions.with_streaming_response.create(model="gpt-4o-mini", messages=[], stream=True) as resp:
        assert resp.status_code == 200
        for _ in resp.parse():
            break
    (llm,) = llm_spans(spans)
    assert llm.attributes["actiontrace.stream.completed"] is False


def test_include_usage_injection_is_opt_in(server, instrumented, client, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    list(client.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True))
    assert "stream_options" not in server.received[-1].body
    instrumented.uninstrument()
    instrumented.instrument(stream_include_usage=True)
    queue_recording(server, "chat_stream_text")
    list(client.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True))
    assert server.received[-1].body["stream_options"] == {"include_usage": True}
    instrumented.uninstrument()
    instrumented.instrument()
