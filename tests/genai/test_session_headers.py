"""One precedence rule for Helicone-style session headers, whichever path reads them: an
instrumented client call (OpenAI, Anthropic: ``extra_headers`` over the client's
``default_headers``) and ``log_request`` (``additional_headers`` over the logger's ``headers``).
A field the headers name wins over the enclosing ``session()``; the others keep its values."""

from __future__ import annotations

import anthropic
import openai
import pytest
from support.anthropic_replay import message_json
from support.genai_capture import capture_off, llm_spans  # noqa: F401  (fixture)
from support.openai_replay import queue_recording
from support.replay_server import replay, server  # noqa: F401  (fixtures)

import actiontrace
from actiontrace.compat.helicone import HeliconeManualLogger
from actiontrace.instrumentation.anthropic import AnthropicInstrumentor
from actiontrace.instrumentation.openai import OpenAIInstrumentor

DEFAULTS = {"Helicone-Session-Name": "default-name", "Helicone-Property-Region": "eu"}
REQUEST = {"Helicone-Session-Id": "inner", "helicone-session-name": "Inner", "Helicone-Session-Path": "/inner/step",
           "Helicone-Property-Tier": "gold"}
SESSION_KEYS = ("session.id", "gen_ai.conversation.id", "user.id", "actiontrace.session.name",
                "actiontrace.session.path", "actiontrace.property.tier", "actiontrace.property.Tier",
                "actiontrace.property.env", "actiontrace.property.Region")
EXPECTED = {
    "session.id": "inner", "gen_ai.conversation.id": "inner",  # named by the request's header
    "user.id": "alice",  # no header names it: the enclosing session's
    "actiontrace.session.name": "Inner",  # the request's header over the client's default
    "actiontrace.session.path": "/inner/step",  # absolute, not joined onto /outer
    "actiontrace.property.tier": "free", "actiontrace.property.Tier": "gold",  # properties by key (case kept)
    "actiontrace.property.env": "prod", "actiontrace.property.Region": "eu",
}


def _outer():
    return actiontrace.session(session_id="outer", user_id="alice", name="outer-name", path="/outer",
                               properties={"tier": "free", "env": "prod"})


def _session_values(span) -> dict:
    return {k: span.attributes[k] for k in SESSION_KEYS if k in span.attributes}


@pytest.fixture
def instrumented():
    openai_, anthropic_ = OpenAIInstrumentor(), AnthropicInstrumentor()
    openai_.instrument()
    anthropic_.instrument()
    yield
    anthropic_.uninstrument()
    openai_.uninstrument()


def _after(spans) -> dict:
    (after,) = [s for s in spans.get_finished_spans() if s.name == "after"]
    return _session_values(after)


def test_an_openai_call(server, instrumented, spans, capture_off):
    client = openai.OpenAI(base_url=server.base_url, api_key="t", max_retries=0, default_headers=DEFAULTS)
    queue_recording(server, "chat_basic")
    with _outer():
        client.chat.completions.create(model="gpt-4o-mini", messages=[], extra_headers=REQUEST)
        with actiontrace.span("after"):
            pass
    (span,) = llm_spans(spans)
    assert _session_values(span) == EXPECTED
    assert _after(spans)["session.id"] == "outer"  # the request's values were for that request only


async def test_an_async_anthropic_call(server, instrumented, spans, capture_off):
    client = anthropic.AsyncAnthropic(base_url=server.root_url, api_key="t", max_retries=0, default_headers=DEFAULTS)
    server.queue(message_json())
    with _outer():
        await client.messages.create(model="claude-haiku-4-5", max_tokens=10,
                                     messages=[{"role": "user", "content": "Hi"}], extra_headers=REQUEST)
    (span,) = llm_spans(spans)
    assert _session_values(span) == EXPECTED


def test_log_request(spans):
    logger = HeliconeManualLogger(api_key="unused", headers=DEFAULTS)
    with _outer():
        logger.log_request({"_type": "tool", "toolName": "lookup", "input": {}}, lambda r: None, REQUEST)
        with actiontrace.span("after"):
            pass
    (span,) = [s for s in spans.get_finished_spans() if s.name == "execute_tool lookup"]
    assert _session_values(span) == EXPECTED
    assert _after(spans)["actiontrace.session.path"] == "/outer"


def test_headers_alone_and_an_ambient_session_alone(server, instrumented, spans, capture_off):
    client = openai.OpenAI(base_url=server.base_url, api_key="t", max_retries=0)
    queue_recording(server, "chat_basic")
    client.chat.completions.create(model="gpt-4o-mini", messages=[], extra_headers={"Helicone-User-Id": "bob"})
    queue_recording(server, "chat_basic")
    with _outer():
        client.chat.completions.create(model="gpt-4o-mini", messages=[])
    headers_only, ambient_only = llm_spans(spans)
    assert _session_values(headers_only) == {"user.id": "bob"}
    assert _session_values(ambient_only) == {
        "session.id": "outer", "gen_ai.conversation.id": "outer", "user.id": "alice",
        "actiontrace.session.name": "outer-name", "actiontrace.session.path": "/outer",
        "actiontrace.property.tier": "free", "actiontrace.property.env": "prod"}
