"""The SDK's own processors (its exporter to OpenAI's platform): kept behind our redaction by
default while instrumented, replaced on request; the real exporter posts to a local fake of
the platform's ingest endpoint, only redacted data, and only while it has a key."""

from __future__ import annotations

import json
import logging

import pytest
from agents import Agent, RunConfig, Runner, function_tool, set_tracing_export_api_key
from agents.tracing import flush_traces, get_trace_provider, set_trace_processors
from agents.tracing.processor_interface import TracingExporter
from agents.tracing.processors import BatchTraceProcessor, default_exporter, default_processor
from support.agents_replay import answer, one, tool_call
from support.replay_server import ReplayServer, json_interaction
from support.secret_corpus import secrets

from actiontrace.instrumentation.openai_agents import OpenAIAgentsInstrumentor, _current_processors

SECRET = next(s for rule, s, _ in secrets() if rule == "openai-key")
PLATFORM_KEY = "platform-test-key"


class Collected(TracingExporter):
    """Stands for any other exporter the application added: keeps what it is given."""

    def __init__(self) -> None:
        self.items: list[dict] = []

    def export(self, items) -> None:
        self.items.extend(item.export() for item in items)


@function_tool
def store_credential(service: str, credential: str) -> str:
    """Stores a credential."""
    return f"stored {credential} for {service}"


def _run_with_a_secret(server, model, run_config: RunConfig | None = None) -> None:
    server.queue(tool_call("resp_1", "store_credential", {"service": "billing", "credential": SECRET}),
                 answer("resp_2", "Stored."))
    Runner.run_sync(Agent(name="keeper", tools=[store_credential], model=model), "Store my key",
                    run_config=run_config)


@pytest.fixture
def platform(monkeypatch):
    """A local stand-in for OpenAI's trace ingest endpoint, behind the SDK's default processor
    (as a fresh process has it), with no key anywhere until a test sets one."""
    exporter = default_exporter()
    with ReplayServer() as server:
        server.queue(*[json_interaction("/traces/ingest", {}) for _ in range(20)])
        monkeypatch.setattr(exporter, "endpoint", f"{server.base_url}/traces/ingest")
        monkeypatch.setattr(exporter, "_api_key", None)
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)
        set_trace_processors([default_processor()])
        yield server
        set_trace_processors([])


def _posted(platform: ReplayServer) -> list[dict]:
    return [item for r in platform.received if r.path == "/traces/ingest" for item in r.body["data"]]


@pytest.mark.parametrize("key_from", ["OPENAI_API_KEY", "set_tracing_export_api_key", "RunConfig"])
def test_default_keeps_the_platform_export_redacted(server, spans, model, platform, monkeypatch, key_from):
    instrumentor = OpenAIAgentsInstrumentor()
    instrumentor.instrument()
    run_config = None
    try:  # the key is set after instrument(), as an application loading a .env later does
        if key_from == "OPENAI_API_KEY":
            monkeypatch.setenv("OPENAI_API_KEY", PLATFORM_KEY)
        elif key_from == "set_tracing_export_api_key":
            set_tracing_export_api_key(PLATFORM_KEY)
        else:
            run_config = RunConfig(tracing={"api_key": PLATFORM_KEY})
        _run_with_a_secret(server, model, run_config)
        flush_traces()
    finally:
        instrumentor.uninstrument()
    assert _current_processors(get_trace_provider()) == [default_processor()]  # restored
    posts = [r for r in platform.received if r.path == "/traces/ingest"]
    assert posts and all(r.headers["Authorization"] == f"Bearer {PLATFORM_KEY}" for r in posts)
    items = _posted(platform)
    kinds = {item.get("span_data", {}).get("type") for item in items}
    assert {"agent", "function", "response"} <= kinds and "trace" in {item.get("object") for item in items}
    sent = json.dumps([r.body for r in posts])
    assert SECRET not in sent and SECRET[:12] not in sent
    function = next(i for i in items if i.get("span_data", {}).get("type") == "function")
    assert "billing" in function["span_data"]["input"]  # the rest of what it sends is intact
    one(spans, "execute_tool store_credential")  # and our spans were made


def test_no_key_no_export_errors(server, spans, model, platform, caplog):
    instrumentor = OpenAIAgentsInstrumentor()
    instrumentor.instrument()
    try:
        with caplog.at_level(logging.DEBUG, logger="openai.agents"):
            _run_with_a_secret(server, model)
            flush_traces()
    finally:
        instrumentor.uninstrument()
    assert _current_processors(get_trace_provider()) == [default_processor()]
    bad = [r for r in caplog.records if r.name.startswith("openai.agents") and r.levelno >= logging.WARNING]
    assert not bad, caplog.text
    assert platform.received == []
    one(spans, "execute_tool store_credential")


def test_replace_default_processors_sends_nothing(server, spans, model, platform, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", PLATFORM_KEY)
    instrumentor = OpenAIAgentsInstrumentor()
    instrumentor.instrument(replace_default_processors=True)
    try:
        assert _current_processors(get_trace_provider()) == [instrumentor._processor]
        _run_with_a_secret(server, model)
        flush_traces()
    finally:
        instrumentor.uninstrument()
    assert _current_processors(get_trace_provider()) == [default_processor()]
    assert platform.received == []  # nothing went the platform's way
    one(spans, "execute_tool store_credential")  # while our spans were made


def test_other_kept_processors_get_redacted_items(server, spans, model):
    collected = Collected()
    set_trace_processors([BatchTraceProcessor(collected)])
    instrumentor = OpenAIAgentsInstrumentor()
    instrumentor.instrument()
    try:
        _run_with_a_secret(server, model)
        flush_traces()
    finally:
        instrumentor.uninstrument()
        set_trace_processors([])
    sent = json.dumps(collected.items)
    kinds = {item.get("span_data", {}).get("type") for item in collected.items}
    assert {"agent", "function", "response"} <= kinds and "trace" in {item.get("object") for item in collected.items}
    assert SECRET not in sent
    assert SECRET[:12] not in sent
    function = next(i for i in collected.items if i.get("span_data", {}).get("type") == "function")
    assert "billing" in function["span_data"]["input"]
