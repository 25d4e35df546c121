"""Streamed Anthropic calls (``create(stream=True)`` and the ``stream()`` managers): the span is
not current between events, keeps its parent, and ends exactly once however the stream ends —
exhaustion, break + close(), leaving ``with``, an exception in the caller's loop, an error event,
cancellation, garbage collection."""

from __future__ import annotations

import asyncio
import gc
import json

import anthropic
import pytest
from opentelemetry import trace
from opentelemetry.trace import StatusCode
from support.anthropic_replay import message_sse
from support.genai_capture import llm_spans
from support.replay_server import sse_interaction

from actiontrace.spans import _starter

MODEL = "claude-haiku-4-5-20251001"
ASK = {"model": MODEL, "max_tokens": 100, "messages": [{"role": "user", "content": "Hi"}]}


def _only(spans):
    """The one span of the call: ours, never the client's own."""
    assert not [s for s in spans.get_finished_spans() if s.instrumentation_scope.name == "com.anthropic.sdk.python"]
    (llm,) = llm_spans(spans)
    return llm


def test_full_consumption_parent_and_usage(server, client, spans, capture_on):
    server.queue(message_sse())
    with _starter.traced("parent"):
        stream = client.messages.create(**ASK, stream=True)
        assert not llm_spans(spans)  # still open
        current = trace.get_current_span()
        events = [event.type for event in stream]
    assert events[0] == "message_start" and events[-1] == "message_stop"
    parent = next(s for s in spans.get_finished_spans() if s.name == "parent")
    llm = _only(spans)
    assert current.get_span_context().span_id == parent.context.span_id  # the LLM span was not left current
    assert llm.parent.span_id == parent.context.span_id
    a = llm.attributes
    assert a["actiontrace.stream.completed"] is True and a["gen_ai.request.stream"] is True
    assert a["gen_ai.response.id"] == "msg_s1" and tuple(a["gen_ai.response.finish_reasons"]) == ("stop",)
    # message_start's input and cache counts, message_delta's cumulative output count
    assert a["gen_ai.usage.input_tokens"] == 25 and a["gen_ai.usage.output_tokens"] == 9
    assert a["gen_ai.usage.cache_read.input_tokens"] == 5
    assert json.loads(a["gen_ai.output.messages"]) == [
        {"role": "assistant", "finish_reason": "stop", "parts": [{"type": "text", "content": "Hello there."}]}]


def test_spans_started_while_consuming_are_not_children(server, client, spans, capture_off):
    server.queue(message_sse())
    for i, _ in enumerate(client.messages.create(**ASK, stream=True)):
        with _starter.traced(f"consumer-{i}"):
            pass
    llm = _only(spans)
    consumers = [s for s in spans.get_finished_spans() if s.name.startswith("consumer-")]
    assert consumers and all(s.parent is None and s.context.trace_id != llm.context.trace_id for s in consumers)


def test_tool_input_json_joined_and_parsed(server, client, spans, capture_on):
    server.queue(message_sse(("Let me look.",), tool=("toolu_1", "get_weather", ['{"ci', 'ty": "Os', 'lo"}']),
                             stop_reason="tool_use"))
    for _ in client.messages.create(**ASK, stream=True):
        pass
    out = json.loads(_only(spans).attributes["gen_ai.output.messages"])
    assert out[0]["finish_reason"] == "tool_call"
    assert out[0]["parts"][1] == {"type": "tool_call", "id": "toolu_1", "name": "get_weather",
                                  "arguments": {"city": "Oslo"}}


def test_break_then_close(server, client, spans, capture_on):
    server.queue(message_sse())
    stream = client.messages.create(**ASK, stream=True)
    for i, _ in enumerate(stream):
        if i == 3:
            break
    assert not llm_spans(spans)
    stream.close()
    stream.close()
    llm = _only(spans)
    assert llm.attributes["actiontrace.stream.completed"] is False
    assert llm.status.status_code == StatusCode.UNSET


def test_with_exit_and_user_exception(server, client, spans, capture_off):
    server.queue(message_sse(), message_sse())
    with client.messages.create(**ASK, stream=True) as stream:
        next(iter(stream))
    with pytest.raises(KeyError):
        with client.messages.create(**ASK, stream=True) as stream:
            for _ in stream:
                raise KeyError("boom")
    first, second = sorted(llm_spans(spans), key=lambda s: s.start_time)
    assert first.attributes["actiontrace.stream.completed"] is False
    assert second.status.status_code == StatusCode.ERROR and second.attributes["error.type"] == "KeyError"


def test_abandoned_stream_is_ended_by_gc(server, client, spans, capture_on):
    server.queue(message_sse())
    stream = client.messages.create(**ASK, stream=True)
    it = iter(stream)
    for _ in range(4):  # message_start, block start, two text deltas (the ping is not an event)
        next(it)
    del stream, it
    gc.collect()
    llm = _only(spans)
    assert llm.attributes["actiontrace.stream.completed"] is False
    assert json.loads(llm.attributes["gen_ai.output.messages"])[0]["parts"] == [{"type": "text", "content": "Hello there"}]


def test_error_event_mid_stream(server, client, spans, capture_off):
    events = [{"type": "message_start", "message": {"id": "msg_e", "type": "message", "role": "assistant",
                                                     "model": MODEL, "content": [], "stop_reason": None,
                                                     "usage": {"input_tokens": 3, "output_tokens": 1}}},
              {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}]
    server.queue(sse_interaction("/messages", events, done=False, named=True))
    with pytest.raises(anthropic.APIStatusError):
        for _ in client.messages.create(**ASK, stream=True):
            pass
    llm = _only(spans)
    assert llm.status.status_code == StatusCode.ERROR and llm.attributes["error.type"]


def test_stream_manager_helpers(server, client, spans, capture_on):
    server.queue(message_sse(), message_sse(id="msg_s2"), message_sse(id="msg_s3"))
    with client.messages.stream(**ASK) as stream:
        text = "".join(stream.text_stream)
    with client.messages.stream(**ASK) as stream:
        final = stream.get_final_message()
    with client.messages.stream(**ASK) as stream:
        stream.until_done()
    assert text == "Hello there." and final.id == "msg_s2"
    spans_ = sorted(llm_spans(spans), key=lambda s: s.start_time)
    assert [s.attributes["gen_ai.response.id"] for s in spans_] == ["msg_s1", "msg_s2", "msg_s3"]
    assert all(s.attributes["actiontrace.stream.completed"] is True for s in spans_)
    assert all(s.attributes["gen_ai.request.stream"] is True for s in spans_)
    assert len(spans.get_finished_spans()) == 3


def test_stream_manager_left_early_and_never_entered(server, client, spans, capture_off):
    server.queue(message_sse())
    client.messages.stream(**ASK)  # never entered: no request, no span
    with pytest.raises(ValueError):
        with client.messages.stream(**ASK) as stream:
            next(iter(stream))
            raise ValueError("left early")
    llm = _only(spans)
    assert llm.attributes["actiontrace.stream.completed"] is False
    assert server.pending() == 0


async def test_async_stream_and_parent(server, aclient, spans, capture_off):
    server.queue(message_sse())
    with _starter.traced("parent"):
        stream = await aclient.messages.create(**ASK, stream=True)
        async for _ in stream:
            pass
    parent = next(s for s in spans.get_finished_spans() if s.name == "parent")
    llm = _only(spans)
    assert llm.parent.span_id == parent.context.span_id
    assert llm.attributes["actiontrace.stream.completed"] is True


async def test_async_gather_keeps_parents(server, aclient, spans, capture_off):
    server.queue(*[message_sse(id=f"msg_{i}") for i in range(3)])

    async def one(i):
        with _starter.traced(f"task-{i}"):
            async with aclient.messages.stream(**ASK) as stream:
                await stream.get_final_message()

    await asyncio.gather(*(one(i) for i in range(3)))
    tasks = {s.context.span_id: s.name for s in spans.get_finished_spans() if s.name.startswith("task-")}
    llms = llm_spans(spans)
    assert len(llms) == 3 and len(tasks) == 3
    assert sorted(tasks[s.parent.span_id] for s in llms) == ["task-0", "task-1", "task-2"]


async def test_async_consumer_cancelled(server, aclient, spans, capture_off):
    server.queue(message_sse())
    server.set_chunk_delay(0.05)
    stream = await aclient.messages.create(**ASK, stream=True)

    async def consume():
        async for _ in stream:
            pass

    task = asyncio.ensure_future(consume())
    await asyncio.sleep(0.12)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await stream.close()
    llm = _only(spans)
    assert llm.attributes["actiontrace.stream.completed"] is False
    assert llm.status.status_code == StatusCode.UNSET  # a cancellation is no error of the call


async def test_async_stream_manager_left_early(server, aclient, spans, capture_off):
    server.queue(message_sse())
    async with aclient.messages.stream(**ASK) as stream:
        async for _ in stream:
            break
    assert _only(spans).attributes["actiontrace.stream.completed"] is False
