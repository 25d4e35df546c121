"""The SDK's own processors (its exporter to OpenAI's platform): dropped by default while
instrumented, or kept behind our redaction on request; nothing secret reaches them either way."""

from __future__ import annotations

import json
import logging

from agents import Agent, Runner, function_tool
from agents.tracing import flush_traces, get_trace_provider, set_trace_processors
from agents.tracing.processor_interface import TracingExporter
from agents.tracing.processors import BatchTraceProcessor, default_processor
from support.agents_replay import answer, one, tool_call
from support.secret_corpus import secrets

from actiontrace.instrumentation.openai_agents import OpenAIAgentsInstrumentor, _current_processors

SECRET = next(s for rule, s, _ in secrets() if rule == "openai-key")


class Collected(TracingExporter):
    """Stands where the SDK's exporter to OpenAI's platform would: keeps what it is given."""

    def __init__(self) -> None:
        self.items: list[dict] = []

    def export(self, items) -> None:
        self.items.extend(item.export() for item in items)


@function_tool
def store_credential(service: str, credential: str) -> str:
    """Stores a credential."""
    return f"stored {credential} for {service}"


def _run_with_a_secret(server, model) -> None:
    server.queue(tool_call("resp_1", "store_credential", {"service": "billing", "credential": SECRET}),
                 answer("resp_2", "Stored."))
    Runner.run_sync(Agent(name="keeper", tools=[store_credential], model=model), "Store my key")


def test_default_replaces_the_sdk_processors(server, spans, model):
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
    assert collected.items == []  # nothing went the platform's way
    one(spans, "execute_tool store_credential")  # while our spans were made


def test_kept_processors_get_redacted_items(server, spans, model):
    collected = Collected()
    set_trace_processors([BatchTraceProcessor(collected)])
    instrumentor = OpenAIAgentsInstrumentor()
    instrumentor.instrument(replace_default_processors=False)
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
    assert "billing" in function["span_data"]["input"]  # the rest of what it sends is intact


def test_no_key_no_export_errors(server, spans, model, monkeypatch, caplog):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    set_trace_processors([default_processor()])  # as a fresh process has it
    instrumentor = OpenAIAgentsInstrumentor()
    instrumentor.instrument()
    try:
        with caplog.at_level(logging.DEBUG, logger="openai.agents"):
            _run_with_a_secret(server, model)
            flush_traces()
    finally:
        instrumentor.uninstrument()
        assert _current_processors(get_trace_provider()) == [default_processor()]
        set_trace_processors([])
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
