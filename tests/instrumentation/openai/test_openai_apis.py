"""Responses, Embeddings, legacy Completions, parse(), raw/streaming responses, the
instrumentor's lifecycle, Helicone headers, HTTP suppression, Azure, roll-ups."""

from __future__ import annotations

import json

import openai
import pytest
from support.openai_replay import llm_spans, queue_recording
from opentelemetry.instrumentation.utils import is_http_instrumentation_enabled
from pydantic import BaseModel
from support.replay_server import json_interaction

import actiontrace
from actiontrace.spans import _starter
from actiontrace.spans._decorators import agent
from actiontrace.instrumentation.openai import OpenAIInstrumentor


def test_responses_create_with_content(server, client, spans, capture_on):
    queue_recording(server, "responses_basic")
    result = client.responses.create(model="gpt-4o-mini", input="Say this is a test",
                                     instructions="You are terse.", max_output_tokens=50,
                                     reasoning={"effort": "low"}, text={"format": {"type": "text"}})
    assert result.output_text == "This is a test."
    (span,) = llm_spans(spans)
    a = span.attributes
    assert span.name == "chat gpt-4o-mini" and a["gen_ai.operation.name"] == "chat"
    assert a["gen_ai.request.max_tokens"] == 50 and a["gen_ai.output.type"] == "text"
    assert a["actiontrace.request.reasoning_effort"] == "low"
    assert a["gen_ai.response.id"] == "resp_basic1" and tuple(a["gen_ai.response.finish_reasons"]) == ("stop",)
    assert a["gen_ai.usage.input_tokens"] == 22 and a["gen_ai.usage.output_tokens"] == 6
    assert json.loads(a["gen_ai.system_instructions"]) == [{"type": "text", "content": "You are terse."}]
    assert json.loads(a["gen_ai.input.messages"]) == [
        {"role": "user", "parts": [{"type": "text", "content": "Say this is a test"}]}]
    assert json.loads(a["gen_ai.output.messages"]) == [
        {"role": "assistant", "finish_reason": "stop", "parts": [{"type": "text", "content": "This is a test."}]}]


def test_responses_parse_and_retrieve(server, client, spans, capture_off):
    class Answer(BaseModel):
        text: str

    resp = {"id": "resp_p", "object": "response", "created_at": 1, "status": "completed", "model": "gpt-4o-mini",
            "output": [{"id": "m", "type": "message", "status": "completed", "role": "assistant",
                        "content": [{"type": "output_text", "text": "{\"text\": \"hi\"}", "annotations": []}]}],
            "parallel_tool_calls": True, "tool_choice": "auto", "tools": [],
            "usage": {"input_tokens": 5, "output_tokens": 3, "total_tokens": 8}}
    server.queue(json_interaction("/responses", resp))
    parsed = client.responses.parse(model="gpt-4o-mini", input="hi", text_format=Answer)
    assert parsed.output_parsed.text == "hi"
    server.queue(json_interaction("/responses/resp_p", resp, method="GET"))
    again = client.responses.retrieve("resp_p")
    assert again.id == "resp_p"
    first, second = sorted(llm_spans(spans), key=lambda s: s.start_time)
    assert first.attributes["gen_ai.output.type"] == "json"
    assert first.attributes["gen_ai.response.id"] == "resp_p"
    assert second.name == "chat gpt-4o-mini"  # named from the response: retrieve has no model argument
    assert second.attributes["gen_ai.usage.output_tokens"] == 3


def test_chat_parse_is_one_span(server, client, spans, capture_off):
    class Answer(BaseModel):
        text: str

    server.queue(json_interaction("/chat/completions", {
        "id": "chatcmpl-p", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "{\"text\": \"ok\"}"},
                     "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}}))
    result = client.chat.completions.parse(model="gpt-4o-mini", messages=[{"role": "user", "content": "x"}],
                                           response_format=Answer)
    assert result.choices[0].message.parsed.text == "ok"
    (span,) = llm_spans(spans)
    assert span.attributes["gen_ai.output.type"] == "json"
    assert span.attributes["gen_ai.response.id"] == "chatcmpl-p"


async def test_embeddings_sync_and_async(server, client, aclient, spans, capture_on):
    queue_recording(server, "embeddings")
    result = client.embeddings.create(model="text-embedding-3-small", input=["a", "b"], encoding_format="float",
                                      dimensions=4)
    assert len(result.data) == 2
    queue_recording(server, "embeddings")
    await aclient.embeddings.create(model="text-embedding-3-small", input="a")
    first, second = sorted(llm_spans(spans), key=lambda s: s.start_time)
    a = first.attributes
    assert first.name == "embeddings text-embedding-3-small"
    assert tuple(a["gen_ai.request.encoding_formats"]) == ("float",)
    assert a["gen_ai.embeddings.dimension.count"] == 4
    assert a["gen_ai.usage.input_tokens"] == 4 and "gen_ai.usage.output_tokens" not in a
    assert a["actiontrace.cost.usd"] == pytest.approx(4 * 0.02 / 1e6)
    assert json.loads(a["gen_ai.input.messages"])[0]["parts"] == [
        {"type": "text", "content": "a"}, {"type": "text", "content": "b"}]
    assert "gen_ai.request.encoding_formats" not in second.attributes


def test_legacy_completions(server, client, spans, capture_on):
    queue_recording(server, "completions")
    assert client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say hi").choices[0].text == "Hi!"
    queue_recording(server, "completions_stream")
    text = "".join(c.choices[0].text for c in client.completions.create(
        model="gpt-3.5-turbo-instruct", prompt="Say hi", stream=True))
    assert text == "Hi there"
    first, second = sorted(llm_spans(spans), key=lambda s: s.start_time)
    assert first.name == "text_completion gpt-3.5-turbo-instruct"
    assert first.attributes["gen_ai.operation.name"] == "text_completion"
    assert first.attributes["gen_ai.usage.output_tokens"] == 2
    assert tuple(second.attributes["gen_ai.response.finish_reasons"]) == ("length",)
    assert json.loads(second.attributes["gen_ai.output.messages"])[0]["parts"] == [
        {"type": "text", "content": "Hi there"}]


def test_raw_and_streaming_response_non_stream(server, client, spans, capture_off):
    queue_recording(server, "chat_basic")
    raw = client.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=[])
    assert raw.headers["x-request-id"] == "req_test"
    assert raw.parse().id == "chatcmpl-basic1"
    queue_recording(server, "chat_basic")
    with client.chat.completions.with_streaming_response.create(model="gpt-4o-mini", messages=[]) as resp:
        assert resp.parse().usage.prompt_tokens == 120
    spans_ = llm_spans(spans)
    assert len(spans_) == 2
    assert all(s.attributes["gen_ai.response.id"] == "chatcmpl-basic1" for s in spans_)


async def test_async_streaming_response(server, aclient, spans, capture_off):
    queue_recording(server, "chat_basic")
    async with aclient.chat.completions.with_streaming_response.create(model="gpt-4o-mini", messages=[]) as resp:
        parsed = await resp.parse()
    assert parsed.id == "chatcmpl-basic1"
    (span,) = llm_spans(spans)
    assert span.attributes["gen_ai.usage.input_tokens"] == 120


def test_instrument_twice_wraps_once_and_uninstrument_restores(server, instrumented, spans, capture_off):
    original = openai.resources.chat.Completions.__dict__["create"].__wrapped__
    before = openai.OpenAI(base_url=server.base_url, api_key="t", max_retries=0)  # made before: covered
    instrumented.instrument()  # a second instrument() is a no-op
    queue_recording(server, "chat_basic")
    before.chat.completions.create(model="gpt-4o-mini", messages=[])
    assert len(llm_spans(spans)) == 1
    assert len(OpenAIInstrumentor.wrapped_methods()) == len(set(OpenAIInstrumentor.wrapped_methods()))
    instrumented.uninstrument()
    assert openai.resources.chat.Completions.__dict__["create"] is original
    assert OpenAIInstrumentor.wrapped_methods() == []
    queue_recording(server, "chat_basic")
    before.chat.completions.create(model="gpt-4o-mini", messages=[])
    assert len(llm_spans(spans)) == 1
    instrumented.instrument()


def test_helicone_headers_become_session_attributes(server, spans, capture_off):
    c = openai.OpenAI(base_url=server.base_url, api_key="t", max_retries=0,
                      default_headers={"Helicone-Property-Env": "test"})
    queue_recording(server, "chat_basic")
    c.chat.completions.create(model="gpt-4o-mini", messages=[], extra_headers={
        "Helicone-Session-Id": "sess-42", "Helicone-Session-Name": "support", "helicone-session-path": "/a/b",
        "Helicone-Property-Tier": "gold"})
    (span,) = llm_spans(spans)
    a = span.attributes
    assert a["session.id"] == "sess-42"
    assert a["actiontrace.session.name"] == "support" and a["actiontrace.session.path"] == "/a/b"
    assert a["actiontrace.property.Tier"] == "gold" and a["actiontrace.property.Env"] == "test"
    sent = {k.lower(): v for k, v in server.received[-1].headers.items()}
    assert sent["helicone-session-id"] == "sess-42"  # the request still carries them


def test_http_instrumentation_suppressed_during_call(server, spans, capture_off):
    seen = []
    import importlib

    httpx = importlib.import_module("httpx2" if openai.__version__.startswith("3") else "httpx")
    hook = httpx.Client(event_hooks={"request": [lambda request: seen.append(is_http_instrumentation_enabled())]})
    c = openai.OpenAI(base_url=server.base_url, api_key="t", max_retries=0, http_client=hook)
    queue_recording(server, "chat_basic")
    c.chat.completions.create(model="gpt-4o-mini", messages=[])
    assert seen == [False]
    assert is_http_instrumentation_enabled()


def test_azure_provider_name(server, spans, capture_off):
    c = openai.AzureOpenAI(azure_endpoint=f"http://127.0.0.1:{server.port}", api_version="2024-10-21",
                           api_key="t", max_retries=0)
    item = json_interaction("/openai/deployments/gpt-4o-mini/chat/completions", {
        "id": "chatcmpl-az", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}]})
    server.queue(item)
    c.chat.completions.create(model="gpt-4o-mini", messages=[])
    (span,) = llm_spans(spans)
    assert span.attributes["gen_ai.provider.name"] == "azure.ai.openai"


def test_tokens_and_cost_roll_up_to_agent(server, client, spans, capture_off):
    @agent(name="helper")
    def run():
        for _ in range(2):
            queue_recording(server, "chat_basic")
            client.chat.completions.create(model="gpt-4o-mini", messages=[])

    run()
    root = next(s for s in spans.get_finished_spans() if s.name == "invoke_agent helper")
    llms = llm_spans(spans)
    assert all(s.parent.span_id == root.context.span_id for s in llms)
    assert root.attributes["actiontrace.total.input_tokens"] == 240
    assert root.attributes["actiontrace.total.output_tokens"] == 80
    assert root.attributes["actiontrace.total.cost.usd"] == pytest.approx(
        2 * llms[0].attributes["actiontrace.cost.usd"])


def test_messages_given_as_iterators_reach_the_server(server, client, spans, capture_on):
    # The instrumentation must not consume an iterator the client has yet to read.
    queue_recording(server, "chat_basic")
    messages = iter([{"role": "user", "content": "Hi"}])
    tools = (t for t in [{"type": "function", "function": {"name": "f", "parameters": {}}}])
    client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=tools)
    sent = server.received[-1].body
    assert sent["messages"] == [{"role": "user", "content": "Hi"}]
    assert sent["tools"][0]["function"]["name"] == "f"
    assert len(llm_spans(spans)) == 1


def test_hostile_values_never_break_the_call(server, client, spans, capture_on):
    class Hostile(dict):
        def get(self, *a):  # the client reads items(); only the instrumentation would call get()
            raise RuntimeError("hostile mapping")

    queue_recording(server, "chat_basic")
    result = client.chat.completions.create(model="gpt-4o-mini", messages=[Hostile(role="user", content="x")])
    assert result.id == "chatcmpl-basic1"
    assert len(llm_spans(spans)) <= 1


def test_price_table_override(server, client, spans, capture_off):
    from actiontrace.genai import _cost
    from actiontrace.instrumentation.openai import prices_version, set_prices

    assert prices_version() != "unknown"
    try:
        set_prices({"local-model": {"input": 1.0, "output": 2.0}})
        queue_recording(server, "chat_basic")  # served model gpt-4o-mini-2024-07-18: the table's own price
        client.chat.completions.create(model="gpt-4o-mini", messages=[])
        server.queue(json_interaction("/chat/completions", {
            "id": "c", "object": "chat.completion", "created": 1, "model": "local-model-v2",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "x"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500}}))
        client.chat.completions.create(model="local-model", messages=[])
    finally:
        set_prices({}, replace=True)
    first, second = sorted(llm_spans(spans), key=lambda s: s.start_time)
    assert second.attributes["actiontrace.cost.usd"] == pytest.approx((1000 * 1.0 + 500 * 2.0) / 1e6)
    assert _cost.price_for("local-model-v2") is None  # the override is gone again


def test_an_llm_span_with_reported_usage_costs_what_the_instrumented_call_costs(server, client, spans, capture_off):
    @agent(name="instrumented")
    def through_the_client():
        client.chat.completions.create(model="gpt-4o-mini", messages=[])

    @actiontrace.llm(model="gpt-4o-mini")
    def by_hand():  # the same usage as the recording's response
        actiontrace.record_usage(120, 40, response_model="gpt-4o-mini-2024-07-18", cache_read_input_tokens=100,
                                 reasoning_output_tokens=8)

    @agent(name="decorated")
    def decorated():
        by_hand()

    queue_recording(server, "chat_basic")
    through_the_client()
    decorated()
    by = {}
    for s in spans.get_finished_spans():
        by.setdefault(s.name, []).append(s.attributes)
    instrumented, manual = by["chat gpt-4o-mini"]
    assert instrumented["actiontrace.cost.usd"] > 0
    assert manual["actiontrace.cost.usd"] == pytest.approx(instrumented["actiontrace.cost.usd"])
    assert manual["gen_ai.provider.name"] == instrumented["gen_ai.provider.name"] == "openai"
    assert by["invoke_agent decorated"][0]["actiontrace.total.cost.usd"] == pytest.approx(
        by["invoke_agent instrumented"][0]["actiontrace.total.cost.usd"])
