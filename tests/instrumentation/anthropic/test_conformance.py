"""Conformance: replay every recorded Anthropic call in ``../shared/cassettes/anthropic/``
(relative to the repository root; never copied into the project) through the real client and
the local replay server, and check the span against what the recording says.

Expected values come from the recording (request body and URI, response id, model, stop
reason, usage, content blocks), not from the instrumentation. Every call must give exactly
one span in all (the client's own span of 1.x and later is off while instrumented), and the
client must hand back what it would without us. When the directory is absent the suite says
so, and fails only if ``ACTIONTRACE_REQUIRE_CASSETTES=1``.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os

import anthropic
import pytest
from opentelemetry.trace import SpanKind, StatusCode
from support.anthropic_replay import (
    CASSETTES,
    FILES,
    HAS_COMPLETIONS,
    bedrock_model,
    is_async,
    is_bedrock,
    make_client,
    mode,
    recorded_message,
    replay_async,
    replay_sync,
)
from support.genai_capture import llm_spans, set_capture
from support.replay_server import Interaction, load_cassette

from actiontrace.instrumentation.anthropic import _parts as P

SCOPE = "actiontrace.instrumentation.anthropic"


def test_cassette_directory_present():
    if not FILES:
        message = f"no Anthropic cassettes at {CASSETTES}: the conformance suite ran 0 recordings"
        if os.environ.get("ACTIONTRACE_REQUIRE_CASSETTES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    print(f"\nAnthropic conformance: {len(FILES)} recordings found in {CASSETTES}")


def _unsupported(item: Interaction) -> str | None:
    """Why this client version cannot make the recorded call, if it cannot."""
    if item.path == "/complete" and not HAS_COMPLETIONS:
        return f"anthropic {anthropic.__version__} has no Text Completions API (removed in 1.0)"
    if is_bedrock(item) and importlib.util.find_spec("botocore") is None:
        import inspect

        if "api_key" not in inspect.signature(anthropic.AnthropicBedrock.__init__).parameters:
            return f"anthropic {anthropic.__version__}'s Bedrock client signs with botocore, not installed"
    return None


def _request_model(item: Interaction) -> str:
    return bedrock_model(item) if is_bedrock(item) else item.request_body["model"]


def _check_request(span, item: Interaction, capture: bool) -> None:
    a = span.attributes
    body = item.request_body
    operation = "text_completion" if item.path == "/complete" else "chat"
    model = _request_model(item)
    assert span.name == f"{operation} {model}"
    assert span.kind == SpanKind.CLIENT
    assert span.instrumentation_scope.name == SCOPE
    assert a["gen_ai.operation.name"] == operation
    assert a["gen_ai.provider.name"] == ("aws.bedrock" if is_bedrock(item) else "anthropic")
    assert a["gen_ai.request.model"] == model
    assert a["server.address"] == "127.0.0.1" and isinstance(a["server.port"], int)
    assert a["gen_ai.request.max_tokens"] == body.get("max_tokens", body.get("max_tokens_to_sample"))
    for key in ("temperature", "top_p", "top_k"):
        if key in body:
            assert a[f"gen_ai.request.{key}"] == body[key]
    if "stop_sequences" in body:
        assert list(a["gen_ai.request.stop_sequences"]) == body["stop_sequences"]
    assert a.get("gen_ai.request.stream", False) == bool(body.get("stream"))
    if "output_format" in body:
        assert a["gen_ai.output.type"] == "json"
    content = ("gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions",
               "gen_ai.tool.definitions")
    if not capture:
        assert not any(key in a for key in content)
        return
    inputs = json.loads(a["gen_ai.input.messages"])
    assert len(inputs) == len(body.get("messages") or [body.get("prompt")])
    assert all(set(m) == {"role", "parts"} and m["parts"] for m in inputs)
    if "system" in body:
        system = json.loads(a["gen_ai.system_instructions"])
        assert [p["type"] for p in system] == ["text"] * len(system) and system
    if "tools" in body:
        names = [d["name"] for d in json.loads(a["gen_ai.tool.definitions"])]
        assert names == [t["name"] for t in body["tools"]]


def _check_response(span, item: Interaction, capture: bool) -> None:
    a = span.attributes
    message = recorded_message(item)
    assert span.status.status_code == StatusCode.UNSET
    assert a["gen_ai.response.id"] == message["id"]
    assert a["gen_ai.response.model"] == message["model"]
    reason = P.FINISH_REASONS.get(message["stop_reason"], message["stop_reason"])
    assert list(a["gen_ai.response.finish_reasons"]) == [reason]
    if item.is_sse:
        assert a["actiontrace.stream.completed"] is True
        assert a["gen_ai.response.time_to_first_chunk"] >= 0
    usage = message.get("usage")
    if usage:  # the Text Completions API reports none
        read = usage.get("cache_read_input_tokens")
        written = usage.get("cache_creation_input_tokens")
        assert a["gen_ai.usage.input_tokens"] == usage["input_tokens"] + (read or 0) + (written or 0)
        assert a["gen_ai.usage.output_tokens"] == usage["output_tokens"]
        assert a.get("gen_ai.usage.cache_read.input_tokens") == read
        assert a.get("gen_ai.usage.cache_creation.input_tokens") == written
        assert a["actiontrace.cost.usd"] > 0
    if not capture:
        return
    (output,) = json.loads(a["gen_ai.output.messages"])
    assert output["role"] == "assistant" and output["finish_reason"] == reason
    calls = [(b["id"], b["name"], b["input"]) for b in message.get("content") or [] if b["type"] == "tool_use"]
    parts = [(p["id"], p["name"], p["arguments"]) for p in output["parts"] if p["type"] == "tool_call"]
    assert parts == calls
    if any(b["type"] == "thinking" for b in message.get("content") or []):
        assert any(p["type"] == "reasoning" and p["content"] for p in output["parts"])


def _check_returned(result, item: Interaction, name: str) -> None:
    """What the application got is the client's own result, matching the recording."""
    if item.path == "/complete":
        assert isinstance(result, anthropic.types.Completion)
        assert result.completion == json.loads(item.body)["completion"]
        return
    message = recorded_message(item)
    how = mode(item, name)
    if how == "iterate":
        assert [e.type for e in result][0] == "message_start"
        assert result[0].message.id == message["id"]
        return
    if how == "text_stream":
        text, result = result
        assert text == "".join(b.get("text", "") for b in message["content"] if b["type"] == "text")
    elif how == "manager":
        events, result = result
        assert events
    assert isinstance(result, (anthropic.types.Message, anthropic.types.beta.BetaMessage))
    assert result.id == message["id"] and result.stop_reason == message["stop_reason"]
    assert [b.type for b in result.content] == [b["type"] for b in message["content"]]


async def _run_async(server, interactions, name):
    results = []
    for item in interactions:
        async with make_client(server, item, True) as client:
            results.append(await replay_async(client, item, name))
    return results


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_cassette(path, server, spans, monkeypatch):
    name = path.stem
    capture = "no_content" not in name
    set_capture(monkeypatch, capture)
    interactions = load_cassette(path)
    for item in interactions:
        reason = _unsupported(item)
        if reason:
            pytest.skip(reason)
    server.queue(*interactions)

    if is_async(interactions[0], name):
        results = asyncio.run(_run_async(server, interactions, name))
    else:
        results = []
        for item in interactions:
            with make_client(server, item, False) as client:
                results.append(replay_sync(client, item, name))

    assert server.pending() == 0, "every recorded response was requested"
    everything = spans.get_finished_spans()
    produced = llm_spans(spans)
    assert len(produced) == len(interactions), "one LLM span per API call"
    assert len(everything) == len(interactions), "and no other span (the client's own is off)"
    for span, item, result in zip(sorted(produced, key=lambda s: s.start_time), interactions, results):
        _check_request(span, item, capture)
        _check_response(span, item, capture)
        _check_returned(result, item, name)
