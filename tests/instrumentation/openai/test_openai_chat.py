"""Chat Completions through the real client against the replay server: one CLIENT span each."""

from __future__ import annotations

import json

import openai
import pytest
from support.openai_replay import llm_spans, queue_recording
from opentelemetry.trace import SpanKind, StatusCode


def test_chat_create_attributes(server, client, spans, capture_off):
    queue_recording(server, "chat_basic")
    result = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}], temperature=0.2, top_p=0.9,
        max_completion_tokens=50, presence_penalty=0.1, frequency_penalty=0.3, seed=7, stop="END",
        n=1, response_format={"type": "json_object"}, reasoning_effort="low", service_tier="default",
    )
    assert result.choices[0].message.content == "Hello there!"
    (span,) = llm_spans(spans)
    a = span.attributes
    assert span.name == "chat gpt-4o-mini" and span.kind == SpanKind.CLIENT
    assert a["gen_ai.operation.name"] == "chat" and a["gen_ai.provider.name"] == "openai"
    assert a["actiontrace.span.type"] == "llm"
    assert a["server.address"] == "127.0.0.1" and a["server.port"] == server.port
    assert a["gen_ai.request.model"] == "gpt-4o-mini"
    assert a["gen_ai.request.temperature"] == 0.2 and a["gen_ai.request.top_p"] == 0.9
    assert a["gen_ai.request.max_tokens"] == 50 and a["gen_ai.request.seed"] == 7
    assert a["gen_ai.request.presence_penalty"] == 0.1 and a["gen_ai.request.frequency_penalty"] == 0.3
    assert tuple(a["gen_ai.request.stop_sequences"]) == ("END",)
    assert "gen_ai.request.choice.count" not in a  # n=1 is the default
    assert a["gen_ai.output.type"] == "json"
    assert a["actiontrace.request.reasoning_effort"] == "low"
    assert a["openai.request.service_tier"] == "default"
    assert a["gen_ai.response.id"] == "chatcmpl-basic1"
    assert a["gen_ai.response.model"] == "gpt-4o-mini-2024-07-18"
    assert tuple(a["gen_ai.response.finish_reasons"]) == ("stop",)
    assert a["openai.response.system_fingerprint"] == "fp_abc123"
    assert a["openai.response.service_tier"] == "default"
    assert a["gen_ai.usage.input_tokens"] == 120 and a["gen_ai.usage.output_tokens"] == 40
    assert a["gen_ai.usage.cache_read.input_tokens"] == 100
    assert a["gen_ai.usage.reasoning.output_tokens"] == 8
    # gpt-4o-mini: 20 fresh input @0.15, 100 cached @0.075, 32 output @0.6, 8 reasoning @0.6 per 1M
    assert a["actiontrace.cost.usd"] == pytest.approx((20 * 0.15 + 100 * 0.075 + 40 * 0.6) / 1e6)
    assert "gen_ai.input.messages" not in a and "gen_ai.output.messages" not in a
    assert span.status.status_code == StatusCode.UNSET


def test_usage_absent_when_not_carried_and_not_given_never_recorded(server, client, spans, capture_off):
    queue_recording(server, "chat_no_usage")
    client.chat.completions.create(model="local-model", messages=[{"role": "user", "content": "Hi"}],
                                   temperature=openai.NOT_GIVEN, top_p=openai.omit, seed=None)
    (span,) = llm_spans(spans)
    a = span.attributes
    for key in ("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "actiontrace.cost.usd",
                "gen_ai.request.temperature", "gen_ai.request.top_p", "gen_ai.request.seed"):
        assert key not in a
    sent = server.received[-1].body
    assert "temperature" not in sent and "top_p" not in sent  # the request itself is untouched


def test_tool_calls_become_tool_call_parts(server, client, spans, capture_on):
    queue_recording(server, "chat_tool_calls")
    tools = [{"type": "function", "function": {"name": "fetch_weather", "description": "Weather",
                                               "parameters": {"type": "object", "properties": {}}}}]
    client.chat.completions.create(
        model="gpt-4o-mini", tools=tools,
        messages=[{"role": "system", "content": "Be brief"}, {"role": "user", "content": "Weather in Paris?"},
                  {"role": "assistant", "tool_calls": [{"id": "call_0", "type": "function",
                                                        "function": {"name": "fetch_weather", "arguments": "{}"}}]},
                  {"role": "tool", "tool_call_id": "call_0", "content": "sunny"},
                  {"role": "user", "content": [{"type": "text", "text": "and this?"},
                                               {"type": "image_url", "image_url": {"url": "https://x/img.png"}},
                                               {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}],
    )
    (span,) = llm_spans(spans)
    out = json.loads(span.attributes["gen_ai.output.messages"])
    assert out == [{"role": "assistant", "finish_reason": "tool_calls", "parts": [
        {"type": "tool_call", "id": "call_w1", "name": "fetch_weather", "arguments": {"city": "Paris"}},
        {"type": "tool_call", "id": "call_s1", "name": "search_database", "arguments": {"query": "paris"}}]}]
    inp = json.loads(span.attributes["gen_ai.input.messages"])
    assert inp[0] == {"role": "system", "parts": [{"type": "text", "content": "Be brief"}]}
    assert inp[2]["parts"] == [{"type": "tool_call", "id": "call_0", "name": "fetch_weather", "arguments": {}}]
    assert inp[3] == {"role": "tool", "parts": [{"type": "tool_call_response", "id": "call_0", "response": "sunny"}]}
    assert inp[4]["parts"][1] == {"type": "uri", "modality": "image", "uri": "https://x/img.png"}
    assert inp[4]["parts"][2] == {"type": "blob", "modality": "image", "mime_type": "image/png", "content": "AAAA"}
    defs = json.loads(span.attributes["gen_ai.tool.definitions"])
    assert defs == [{"type": "function", "name": "fetch_weather", "description": "Weather",
                     "parameters": {"type": "object", "properties": {}}}]
    assert tuple(span.attributes["gen_ai.response.finish_reasons"]) == ("tool_calls",)


def test_http_error_sets_status_and_propagates(server, client, spans, capture_off):
    queue_recording(server, "error_429")
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "x"}])
    assert info.value.status_code == 429
    (span,) = llm_spans(spans)
    assert span.status.status_code == StatusCode.ERROR
    assert span.attributes["error.type"] == "429"
    assert "gen_ai.usage.input_tokens" not in span.attributes


def test_transport_error_uses_class_name(spans, capture_off):
    with openai.OpenAI(base_url="http://127.0.0.1:9/v1", api_key="t", max_retries=0) as c:
        with pytest.raises(openai.APIConnectionError):
            c.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    (span,) = llm_spans(spans)
    assert span.attributes["error.type"].endswith("APIConnectionError")
    assert span.attributes["server.port"] == 9


async def test_async_chat_create(server, aclient, spans, capture_on):
    queue_recording(server, "chat_basic")
    result = await aclient.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    assert result.id == "chatcmpl-basic1"
    (span,) = llm_spans(spans)
    assert span.attributes["gen_ai.response.id"] == "chatcmpl-basic1"
    out = json.loads(span.attributes["gen_ai.output.messages"])
    assert out == [{"role": "assistant", "finish_reason": "stop", "parts": [{"type": "text", "content": "Hello there!"}]}]


@pytest.mark.parametrize("key", ["context key", "plain string key"])
def test_suppressed_instrumentation_makes_no_span(server, client, spans, capture_off, key):
    from opentelemetry import context
    from opentelemetry.instrumentation import utils

    queue_recording(server, "chat_basic")
    queue_recording(server, "chat_basic")
    suppress = utils._SUPPRESS_INSTRUMENTATION_KEY if key == "context key" else "suppress_instrumentation"
    token = context.attach(context.set_value(suppress, True))
    try:
        result = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    finally:
        context.detach(token)
    assert result.choices[0].message.content == "Hello there!"
    assert llm_spans(spans) == []
    client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    assert len(llm_spans(spans)) == 1  # and the next call, outside, is traced again
