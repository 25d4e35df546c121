"""GenAI events from the OpenAI instrumentation, in every content mode: the real client against
the replay server, the real SDK LoggerProvider (the JSONL and OTLP branches: tests/setup)."""

from __future__ import annotations

import pytest
from support.genai_events import EVENT, MODES, check_call, events, structured  # noqa: F401  (fixture)
from support.openai_replay import llm_spans, queue_recording

from actiontrace._settings import ContentMode

TOOLS = [{"type": "function", "function": {"name": "fetch_weather", "description": "Weather",
                                           "parameters": {"type": "object", "properties": {}}}}]


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.name)
def test_chat_in_every_mode(mode, server, client, spans, events):
    events.use(mode)
    queue_recording(server, "chat_basic")
    client.chat.completions.create(model="gpt-4o-mini", messages=[
        {"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}])
    (span,) = llm_spans(spans)
    a = check_call(mode, span, events.records(), provider="openai")
    if mode.in_event:
        assert structured(a["gen_ai.output.messages"])[0]["parts"] == [{"type": "text", "content": "Hello there!"}]
        assert tuple(a["gen_ai.response.finish_reasons"]) == ("stop",)


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.name)
def test_streamed_tool_calls_in_every_mode(mode, server, client, spans, events):
    events.use(mode)
    queue_recording(server, "chat_stream_tools")
    stream = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Weather?"}],
                                            tools=TOOLS, stream=True, stream_options={"include_usage": True})
    for _ in stream:
        pass
    (span,) = llm_spans(spans)
    a = check_call(mode, span, events.records(), provider="openai")
    if mode.in_event:
        assert a["gen_ai.request.stream"] is True
        assert structured(a["gen_ai.tool.definitions"])[0]["name"] == "fetch_weather"
        parts = structured(a["gen_ai.output.messages"])[0]["parts"]
        assert any(p["type"] == "tool_call" for p in parts)


def test_events_on_without_content_and_emit_off(server, client, spans, events):
    # OTEL_INSTRUMENTATION_GENAI_EMIT_EVENT=true with the span-only mode: events without content.
    events.use(ContentMode.SPAN_ONLY, emit=True)
    queue_recording(server, "chat_basic")
    client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    check_call(ContentMode.SPAN_ONLY, llm_spans(spans)[0], events.records(), provider="openai", emitted=True)
    # ...=false with an event mode: no event, and the content goes nowhere.
    spans.clear()
    events.exporter.clear()
    events.use(ContentMode.EVENT_ONLY, emit=False)
    queue_recording(server, "chat_basic")
    client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    check_call(ContentMode.NO_CONTENT, llm_spans(spans)[0], events.records(), provider="openai", emitted=False)


def test_a_failed_call_emits_its_event_with_the_error_type(server, client, spans, events):
    events.use(ContentMode.EVENT_ONLY)
    queue_recording(server, "error_429")
    with pytest.raises(Exception):
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    (record,) = events.records()
    assert record.event_name == EVENT and record.attributes["error.type"] == "429"
    assert structured(record.attributes["gen_ai.input.messages"])[0]["parts"][0]["content"] == "Hi"
    assert "gen_ai.input.messages" not in llm_spans(spans)[0].attributes


def test_instrument_takes_the_mode_and_a_logger_provider(instrumented, server, client, spans, events, monkeypatch):
    monkeypatch.delenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", raising=False)
    instrumented.uninstrument()
    instrumented.instrument(capture_content="Event_Only", logger_provider=events.provider)
    queue_recording(server, "chat_basic")
    client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    check_call(ContentMode.EVENT_ONLY, llm_spans(spans)[0], events.records(), provider="openai")


def test_records_for_a_pipeline_we_did_not_build_are_redacted_before_they_are_emitted(server, client, spans, events):
    # The application's (or zero-code's) LoggerProvider: its processors never see the secret.
    import random

    from support.secret_corpus import URLSAFE, rnd

    key = "sk-proj-" + rnd(random.Random(3), 120, URLSAFE)
    events.use(ContentMode.EVENT_ONLY)
    queue_recording(server, "chat_basic")
    client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": f"key {key}"}])
    (record,) = events.records()
    text = structured(record.attributes["gen_ai.input.messages"])[0]["parts"][0]["content"]
    assert text == "key [REDACTED:openai-key]" and key not in repr(dict(record.attributes))
    assert "attributes.gen_ai.input.messages[0].parts[0].content:openai-key" in record.attributes["actiontrace.redacted"]
