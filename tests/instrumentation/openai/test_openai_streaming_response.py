"""``with_streaming_response`` bodies the caller reads itself (``read()``, ``text()``,
``json()``, ``iter_bytes()``/``iter_text()``/``iter_lines()``) instead of ``parse()``: the span
gets the response model, usage, finish reason and cost it gets from ``parse()``, for the sync
and async clients; with ``stream=True`` the events read off the body go to the stream reader
and the span ends when the body does."""

from __future__ import annotations

import gc
import json

import openai
import pytest
from support.openai_replay import llm_spans, queue_recording, set_capture

OUTCOME = ("gen_ai.response.id", "gen_ai.response.model", "gen_ai.response.finish_reasons", "gen_ai.usage.input_tokens",
           "gen_ai.usage.output_tokens", "gen_ai.usage.cache_read.input_tokens",
           "gen_ai.usage.reasoning.output_tokens", "actiontrace.cost.usd", "gen_ai.output.messages")


def _outcome(span) -> dict:
    return {k: span.attributes.get(k) for k in OUTCOME}


def _parsed_outcome(server, client, spans) -> dict:
    queue_recording(server, "chat_basic")
    with client.chat.completions.with_streaming_response.create(model="gpt-4o-mini", messages=[]) as resp:
        resp.parse()
    (span,) = llm_spans(spans)
    spans.clear()
    return _outcome(span)


def _read(resp, how: str):
    if how == "read":
        return json.loads(resp.read())
    if how == "text":
        return json.loads(resp.text())
    if how == "json":
        return resp.json()
    if how == "iter_lines":
        return json.loads("\n".join(resp.iter_lines()))
    if how == "iter_text":
        return json.loads("".join(resp.iter_text(chunk_size=7)))
    return json.loads(b"".join(resp.iter_bytes(chunk_size=5)))


@pytest.mark.parametrize("how", ["read", "text", "json", "iter_bytes", "iter_text", "iter_lines"])
@pytest.mark.parametrize("capture", [False, True])
def test_a_body_read_without_parse_is_recorded_as_parse_records_it(server, client, spans, monkeypatch, how, capture):
    set_capture(monkeypatch, capture)
    expected = _parsed_outcome(server, client, spans)
    assert expected["gen_ai.response.model"] == "gpt-4o-mini-2024-07-18" and expected["actiontrace.cost.usd"] > 0
    assert (expected["gen_ai.output.messages"] is not None) is capture
    queue_recording(server, "chat_basic")
    with client.chat.completions.with_streaming_response.create(model="gpt-4o-mini", messages=[]) as resp:
        body = _read(resp, how)
        assert body["id"] == "chatcmpl-basic1"  # the caller's body is the server's
        (span,) = llm_spans(spans)  # ended when the body was read, before the with block ends
    assert _outcome(span) == expected


def test_parse_after_read_gives_the_sdk_object_and_one_span(server, client, spans, capture_off):
    queue_recording(server, "chat_basic")
    with client.chat.completions.with_streaming_response.create(model="gpt-4o-mini", messages=[]) as resp:
        resp.read()
        parsed = resp.parse()
        assert type(parsed) is openai.types.chat.ChatCompletion and parsed.usage.prompt_tokens == 120
    (span,) = llm_spans(spans)
    assert span.attributes["gen_ai.usage.output_tokens"] == 40


@pytest.mark.parametrize("how", ["read", "json", "iter_lines", "iter_bytes"])
async def test_the_async_client(server, aclient, spans, capture_off, how):
    queue_recording(server, "chat_basic")
    async with aclient.chat.completions.with_streaming_response.create(model="gpt-4o-mini", messages=[]) as resp:
        if how == "read":
            body = json.loads(await resp.read())
        elif how == "json":
            body = await resp.json()
        elif how == "iter_lines":
            body = json.loads("\n".join([line async for line in resp.iter_lines()]))
        else:
            body = json.loads(b"".join([chunk async for chunk in resp.iter_bytes()]))
    assert body["model"] == "gpt-4o-mini-2024-07-18"
    (span,) = llm_spans(spans)
    a = span.attributes
    assert a["gen_ai.response.model"] == "gpt-4o-mini-2024-07-18" and a["gen_ai.usage.input_tokens"] == 120
    assert tuple(a["gen_ai.response.finish_reasons"]) == ("stop",) and a["actiontrace.cost.usd"] > 0


def _streamed_outcome(server, client, spans) -> dict:
    queue_recording(server, "chat_stream_text")
    list(client.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True))
    (span,) = llm_spans(spans)
    spans.clear()
    return _outcome(span)


@pytest.mark.parametrize("how", ["iter_lines", "iter_bytes", "iter_text", "read"])
def test_stream_true_events_read_off_the_body_are_recorded_and_end_the_span(server, client, spans, capture_on, how):
    expected = _streamed_outcome(server, client, spans)
    assert expected["gen_ai.usage.input_tokens"] is not None and expected["gen_ai.output.messages"] is not None
    queue_recording(server, "chat_stream_text")
    with client.chat.completions.with_streaming_response.create(model="gpt-4o-mini", messages=[],
                                                                stream=True) as resp:
        if how == "iter_lines":
            text = "\n".join(resp.iter_lines())
        elif how == "iter_text":
            text = "".join(resp.iter_text(chunk_size=3))
        elif how == "iter_bytes":
            text = b"".join(resp.iter_bytes(chunk_size=11)).decode()
        else:
            text = resp.read().decode()
        assert text.count("data:") == 9
        (span,) = llm_spans(spans)
    assert _outcome(span) == expected
    a = span.attributes
    assert a["actiontrace.stream.completed"] is True and a["actiontrace.stream.items"] == 8
    assert a["gen_ai.response.time_to_first_chunk"] >= 0


def test_stream_true_left_early_ends_once_incomplete(server, client, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    with client.chat.completions.with_streaming_response.create(model="gpt-4o-mini", messages=[],
                                                                stream=True) as resp:
        for _ in resp.iter_lines():
            break
        assert llm_spans(spans) == []
    (span,) = llm_spans(spans)
    assert span.attributes["actiontrace.stream.completed"] is False


def test_stream_true_dropped_unread_is_ended_by_gc(server, client, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    manager = client.chat.completions.with_streaming_response.create(model="gpt-4o-mini", messages=[], stream=True)
    resp = manager.__enter__()
    lines = resp.iter_lines()
    next(lines)
    del lines, resp, manager
    gc.collect()
    (span,) = llm_spans(spans)
    assert span.attributes["actiontrace.stream.completed"] is False


async def test_async_stream_true_iter_lines(server, aclient, spans, capture_off):
    queue_recording(server, "chat_stream_text")
    async with aclient.chat.completions.with_streaming_response.create(model="gpt-4o-mini", messages=[],
                                                                       stream=True) as resp:
        lines = [line async for line in resp.iter_lines()]
    assert sum(line.startswith("data:") for line in lines) == 9
    (span,) = llm_spans(spans)
    a = span.attributes
    assert a["actiontrace.stream.completed"] is True and a["gen_ai.response.model"] == "gpt-4o-mini-2024-07-18"
    assert tuple(a["gen_ai.response.finish_reasons"]) == ("stop",)


def test_responses_stream_events_read_as_lines(server, client, spans, capture_on):
    queue_recording(server, "responses_stream")
    with client.responses.with_streaming_response.create(model="gpt-4o-mini", input="Say this is a test",
                                                         stream=True) as resp:
        for _ in resp.iter_lines():
            pass
    (span,) = llm_spans(spans)
    a = span.attributes
    assert a["gen_ai.response.id"] == "resp_basic1" and a["gen_ai.usage.input_tokens"] == 22
    assert a["gen_ai.usage.output_tokens"] == 6 and a["actiontrace.stream.completed"] is True
    assert json.loads(a["gen_ai.output.messages"])[0]["parts"] == [{"type": "text", "content": "This is a test."}]
