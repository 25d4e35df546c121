"""Non-streamed Anthropic calls against a scripted local server: attributes, errors (429, 529,
transport), suppression, raw and streaming-response views, count_tokens, the Bedrock and Vertex
clients, beta and parse, tool-use round trips under @agent/@tool, instrument/uninstrument and
the client's own spans."""

from __future__ import annotations

import json

import anthropic
import anthropic._base_client
import pytest
from opentelemetry import context
from opentelemetry.instrumentation import utils
from opentelemetry.trace import SpanKind, StatusCode
from support.anthropic_replay import error_json, message_json, message_sse
from support.genai_capture import llm_spans
from support.replay_server import json_interaction

from actiontrace.instrumentation.anthropic import AnthropicInstrumentor
from actiontrace.spans._decorators import agent, tool

MODEL = "claude-haiku-4-5-20251001"
ASK = {"model": MODEL, "max_tokens": 100, "messages": [{"role": "user", "content": "Hi"}]}
NATIVE = "com.anthropic.sdk.python"
HAS_NATIVE_SPANS = "_tracer" in vars(anthropic._base_client.BaseClient)  # 1.x and later


def _native(spans) -> list:
    return [s for s in spans.get_finished_spans() if s.instrumentation_scope.name == NATIVE]


def test_create_attributes_and_return_value(server, client, spans, capture_on):
    server.queue(message_json(usage={"input_tokens": 4, "cache_read_input_tokens": 1000,
                                     "cache_creation_input_tokens": 200, "output_tokens": 7}))
    result = client.messages.create(**ASK, stop_sequences=["END"], system="Be brief.",
                                    tools=[{"name": "get_weather", "description": "Weather",
                                            "input_schema": {"type": "object"}}])
    assert type(result) is anthropic.types.Message and result.content[0].text == "Hello there."
    (span,) = llm_spans(spans)
    assert span.name == f"chat {MODEL}" and span.kind == SpanKind.CLIENT
    assert span.instrumentation_scope.name == "actiontrace.instrumentation.anthropic"
    a = span.attributes
    assert a["gen_ai.provider.name"] == "anthropic" and a["gen_ai.operation.name"] == "chat"
    assert a["gen_ai.request.max_tokens"] == 100 and tuple(a["gen_ai.request.stop_sequences"]) == ("END",)
    assert a["server.address"] == "127.0.0.1" and a["server.port"] == server.port
    assert a["gen_ai.usage.input_tokens"] == 1204 and a["gen_ai.usage.output_tokens"] == 7
    assert a["gen_ai.usage.cache_read.input_tokens"] == 1000
    assert a["gen_ai.usage.cache_creation.input_tokens"] == 200
    # claude-haiku-4-5: 1 / 0.10 (cache read) / 1.25 (cache write) / 5 USD per 1M tokens
    assert a["actiontrace.cost.usd"] == pytest.approx((4 * 1 + 1000 * 0.1 + 200 * 1.25 + 7 * 5) / 1e6)
    assert json.loads(a["gen_ai.system_instructions"]) == [{"type": "text", "content": "Be brief."}]
    assert json.loads(a["gen_ai.tool.definitions"]) == [
        {"type": "function", "name": "get_weather", "description": "Weather", "parameters": {"type": "object"}}]
    assert json.loads(a["gen_ai.input.messages"]) == [{"role": "user", "parts": [{"type": "text", "content": "Hi"}]}]
    assert not _native(spans)


@pytest.mark.parametrize("status,kind,error", [(429, "rate_limit_error", anthropic.RateLimitError),
                                               (529, "overloaded_error", anthropic.APIStatusError)])
def test_http_errors(server, client, spans, capture_off, status, kind, error):
    server.queue(error_json(status, kind))
    with pytest.raises(error) as info:
        client.messages.create(**ASK)
    assert info.value.status_code == status
    (span,) = llm_spans(spans)
    assert span.status.status_code == StatusCode.ERROR
    assert span.attributes["error.type"] == str(status)
    assert "gen_ai.usage.input_tokens" not in span.attributes
    assert len(spans.get_finished_spans()) == 1


def test_transport_error_uses_class_name(spans, capture_off):
    with anthropic.Anthropic(base_url="http://127.0.0.1:9", api_key="t", max_retries=0) as c:
        with pytest.raises(anthropic.APIConnectionError):
            c.messages.create(**ASK)
    (span,) = llm_spans(spans)
    assert span.attributes["error.type"].endswith("APIConnectionError") and span.attributes["server.port"] == 9


@pytest.mark.parametrize("key", ["context key", "plain string key"])
def test_suppressed_instrumentation_makes_no_span(server, client, spans, capture_off, key):
    server.queue(message_json(), message_json())
    suppress = utils._SUPPRESS_INSTRUMENTATION_KEY if key == "context key" else "suppress_instrumentation"
    token = context.attach(context.set_value(suppress, True))
    try:
        assert client.messages.create(**ASK).id == "msg_1"
    finally:
        context.detach(token)
    assert spans.get_finished_spans() == ()  # neither ours nor the client's own
    client.messages.create(**ASK)
    assert len(llm_spans(spans)) == 1


def test_raw_and_streaming_response_views(server, client, spans, capture_off):
    server.queue(message_json(id="msg_raw"), message_sse(id="msg_rawstream"), message_json(id="msg_sr"))
    raw = client.messages.with_raw_response.create(**ASK)
    assert raw.parse().id == "msg_raw" and raw.headers.get("content-type") == "application/json"
    for _ in client.messages.with_raw_response.create(**ASK, stream=True).parse():
        pass
    with client.messages.with_streaming_response.create(**ASK) as response:
        assert response.parse().id == "msg_sr"
    ids = [s.attributes.get("gen_ai.response.id") for s in sorted(llm_spans(spans), key=lambda s: s.start_time)]
    assert ids == ["msg_raw", "msg_rawstream", "msg_sr"]
    assert len(spans.get_finished_spans()) == 3


def test_streaming_response_bodies_read_without_parse(server, client, spans, capture_off):
    server.queue(message_json(id="msg_read"), message_sse(id="msg_lines"))
    with client.messages.with_streaming_response.create(**ASK) as response:
        assert json.loads(response.read())["id"] == "msg_read"
    with client.messages.with_streaming_response.create(**ASK, stream=True) as response:
        assert "event: message_stop" in list(response.iter_lines())
    read, lines = sorted(llm_spans(spans), key=lambda s: s.start_time)
    assert read.attributes["gen_ai.response.id"] == "msg_read" and read.attributes["gen_ai.usage.output_tokens"] == 5
    assert tuple(read.attributes["gen_ai.response.finish_reasons"]) == ("stop",)
    assert read.attributes["actiontrace.cost.usd"] > 0
    a = lines.attributes
    assert a["gen_ai.response.id"] == "msg_lines" and a["gen_ai.response.model"] == MODEL
    assert a["gen_ai.usage.input_tokens"] == 25 and a["actiontrace.stream.completed"] is True


async def test_async_raw_response(server, aclient, spans, capture_off):
    server.queue(message_json(id="msg_araw"))
    raw = await aclient.messages.with_raw_response.create(**ASK)
    parsed = raw.parse()
    parsed = await parsed if hasattr(parsed, "__await__") else parsed
    assert parsed.id == "msg_araw"
    (span,) = llm_spans(spans)
    assert span.attributes["gen_ai.response.id"] == "msg_araw"


def test_count_tokens_has_no_span_of_ours(server, client, spans, capture_off):
    server.queue(json_interaction("/messages/count_tokens", {"input_tokens": 9}))
    assert client.messages.count_tokens(model=MODEL, messages=ASK["messages"]).input_tokens == 9
    assert llm_spans(spans) == []
    assert len(_native(spans)) == (1 if HAS_NATIVE_SPANS else 0)  # the client's own, if it has them


def test_beta_and_parse(server, client, spans, capture_off):
    from pydantic import BaseModel

    class Joke(BaseModel):
        joke: str

    server.queue(message_json('{"joke": "spans"}', id="msg_parse"), message_json(id="msg_beta", path="/messages"))
    parsed = client.messages.parse(**ASK, output_format=Joke)
    assert parsed.parsed_output.joke == "spans"
    client.beta.messages.create(**ASK, betas=["structured-outputs-2025-11-13"])
    first, second = sorted(llm_spans(spans), key=lambda s: s.start_time)
    assert first.attributes["gen_ai.output.type"] == "json" and first.attributes["gen_ai.response.id"] == "msg_parse"
    assert second.attributes["gen_ai.response.id"] == "msg_beta" and "gen_ai.output.type" not in second.attributes
    assert server.received[-1].path == "/messages"


def test_bedrock_client(server, spans, capture_off):
    model = "anthropic.claude-3-haiku-20240307-v1:0"
    server.queue(message_json(path=f"/model/{model}/invoke", model="claude-3-haiku-20240307"))
    with anthropic.AnthropicBedrock(base_url=server.root_url, api_key="t", aws_region="us-east-1",
                                    max_retries=0) as c:
        c.messages.create(**{**ASK, "model": model})
    (span,) = llm_spans(spans)
    assert span.name == f"chat {model}" and span.attributes["gen_ai.provider.name"] == "aws.bedrock"
    assert span.attributes["gen_ai.response.model"] == "claude-3-haiku-20240307"
    assert len(spans.get_finished_spans()) == 1


def test_vertex_client(server, spans, capture_off):
    path = f"/projects/p1/locations/us-east5/publishers/anthropic/models/{MODEL}:rawPredict"
    server.queue(message_json(path=path))
    with anthropic.AnthropicVertex(base_url=server.root_url + "/v1", region="us-east5", project_id="p1",
                                   access_token="t", max_retries=0) as c:
        c.messages.create(**ASK)
    (span,) = llm_spans(spans)
    assert span.attributes["gen_ai.provider.name"] == "gcp.vertex_ai"
    assert span.attributes["gen_ai.response.id"] == "msg_1" and len(spans.get_finished_spans()) == 1


def test_tool_round_trip_under_agent(server, client, spans, capture_on):
    server.queue(message_json("", id="msg_t1", stop_reason="tool_use", tool=("toolu_9", "get_weather", {"city": "Oslo"})),
                 message_json("It is rainy.", id="msg_t2"))

    @tool
    def get_weather(city: str) -> str:
        return "rainy, 57F"

    @agent(name="weather")
    def run() -> str:
        history = list(ASK["messages"])
        first = client.messages.create(**{**ASK, "messages": history})
        call = first.content[0]
        history += [{"role": "assistant", "content": [c.model_dump() for c in first.content]},
                    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id,
                                                  "content": get_weather(**call.input)}]}]
        return client.messages.create(**{**ASK, "messages": history}).content[0].text

    assert run() == "It is rainy."
    finished = spans.get_finished_spans()
    root = next(s for s in finished if s.name == "invoke_agent weather")
    first, second = sorted(llm_spans(spans), key=lambda s: s.start_time)
    tool_span = next(s for s in finished if s.name.startswith("execute_tool"))
    assert {first.parent.span_id, second.parent.span_id, tool_span.parent.span_id} == {root.context.span_id}
    out = json.loads(first.attributes["gen_ai.output.messages"])
    assert out[0]["finish_reason"] == "tool_call"
    assert out[0]["parts"] == [{"type": "tool_call", "id": "toolu_9", "name": "get_weather", "arguments": {"city": "Oslo"}}]
    inputs = json.loads(second.attributes["gen_ai.input.messages"])
    assert inputs[2]["parts"] == [{"type": "tool_call_response", "id": "toolu_9", "response": "rainy, 57F"}]
    assert root.attributes["actiontrace.total.input_tokens"] == 24
    assert root.attributes["actiontrace.total.cost.usd"] == pytest.approx(
        first.attributes["actiontrace.cost.usd"] + second.attributes["actiontrace.cost.usd"])


def test_clients_made_before_and_uninstrument_restores(server, instrumented, spans, capture_off):
    instrumented.uninstrument()
    before = anthropic.Anthropic(base_url=server.root_url, api_key="t", max_retries=0)
    view = before.messages.with_raw_response  # cached by the client before instrument()
    instrumented.instrument()
    instrumented.instrument()  # a second instrument() is a no-op
    assert len(AnthropicInstrumentor.wrapped_methods()) == 2
    server.queue(message_json(), message_json(), message_json())
    before.messages.create(**ASK)
    view.create(**ASK)
    assert len(llm_spans(spans)) == 2 and len(spans.get_finished_spans()) == 2
    instrumented.uninstrument()
    assert AnthropicInstrumentor.wrapped_methods() == [] and not AnthropicInstrumentor.native_spans_disabled()
    from anthropic import _base_client

    assert not hasattr(_base_client.SyncAPIClient.__dict__["request"], "__wrapped__")
    before.messages.create(**ASK)
    assert len(llm_spans(spans)) == 2  # no new span of ours
    assert len(_native(spans)) == (1 if HAS_NATIVE_SPANS else 0)  # the client's own is back
    instrumented.instrument()
