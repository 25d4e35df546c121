"""GenAI events from the Anthropic instrumentation, in every content mode: the real client against
the scripted server, the real SDK LoggerProvider (the JSONL and OTLP branches: tests/setup)."""

from __future__ import annotations

import anthropic
import pytest
from support.anthropic_replay import error_json, message_json, message_sse
from support.genai_capture import llm_spans
from support.genai_events import EVENT, MODES, check_call, events, structured  # noqa: F401  (fixture)

from actiontrace._settings import ContentMode

MODEL = "claude-haiku-4-5-20251001"
TOOL = {"name": "get_weather", "description": "Weather", "input_schema": {"type": "object", "properties": {}}}


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.name)
def test_messages_in_every_mode(mode, server, client, spans, events):
    events.use(mode)
    server.queue(message_json(tool=("toolu_1", "get_weather", {"city": "Paris"}), stop_reason="tool_use"))
    client.messages.create(model=MODEL, max_tokens=100, system="Be brief.", tools=[TOOL],
                           messages=[{"role": "user", "content": "Weather in Paris?"}])
    (span,) = llm_spans(spans)
    a = check_call(mode, span, events.records(), provider="anthropic")
    if mode.in_event:
        assert structured(a["gen_ai.system_instructions"]) == [{"type": "text", "content": "Be brief."}]
        assert structured(a["gen_ai.tool.definitions"])[0]["name"] == "get_weather"
        parts = structured(a["gen_ai.output.messages"])[0]["parts"]
        assert parts[-1] == {"type": "tool_call", "id": "toolu_1", "name": "get_weather", "arguments": {"city": "Paris"}}


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.name)
async def test_async_stream_in_every_mode(mode, server, aclient, spans, events):
    events.use(mode)
    server.queue(message_sse())
    async with aclient.messages.stream(model=MODEL, max_tokens=100,
                                       messages=[{"role": "user", "content": "Hi"}]) as stream:
        async for _ in stream:
            pass
    (span,) = llm_spans(spans)
    a = check_call(mode, span, events.records(), provider="anthropic")
    if mode.in_event:
        assert structured(a["gen_ai.output.messages"])[0]["parts"] == [{"type": "text", "content": "Hello there."}]
        assert a["gen_ai.request.stream"] is True


def test_a_failed_call_emits_its_event_with_the_error_type(server, client, spans, events):
    events.use(ContentMode.SPAN_AND_EVENT)
    server.queue(error_json(400, "invalid_request_error"))
    with pytest.raises(anthropic.BadRequestError):
        client.messages.create(model=MODEL, max_tokens=10, messages=[{"role": "user", "content": "Hi"}])
    (record,) = events.records()
    assert record.event_name == EVENT and record.attributes["error.type"] == "400"
    assert "gen_ai.input.messages" in llm_spans(spans)[0].attributes and "gen_ai.input.messages" in record.attributes


def test_instrument_takes_the_mode_and_a_logger_provider(instrumented, server, client, spans, events, monkeypatch):
    monkeypatch.delenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", raising=False)
    instrumented.uninstrument()
    instrumented.instrument(capture_content=ContentMode.SPAN_AND_EVENT, logger_provider=events.provider)
    server.queue(message_json())
    client.messages.create(model=MODEL, max_tokens=10, messages=[{"role": "user", "content": "Hi"}])
    check_call(ContentMode.SPAN_AND_EVENT, llm_spans(spans)[0], events.records(), provider="anthropic")
