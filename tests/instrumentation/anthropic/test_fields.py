"""The Anthropic field readers, request and response, against the recorded calls' own data
(as dicts and as the client's models) and against hand-made blocks for the rarer part types."""

from __future__ import annotations

import json
import os

import anthropic
import pytest
from pydantic import TypeAdapter
from support.anthropic_replay import FILES, recorded_message, sse_events
from support.replay_server import load_cassette

from actiontrace.instrumentation.anthropic import _fields as F
from actiontrace.instrumentation.anthropic import _parts as P
from actiontrace.instrumentation.anthropic._accumulate import MessageStreamAccumulator

INTERACTIONS = [(path.stem, i, item) for path in FILES for i, item in enumerate(load_cassette(path))]
MESSAGES = [(f"{n}#{i}", item) for n, i, item in INTERACTIONS if item.path != "/complete"]


def test_cassettes_found():
    if not FILES:
        message = "no Anthropic cassettes: the field readers were checked on hand-made data only"
        if os.environ.get("ACTIONTRACE_REQUIRE_CASSETTES") == "1":
            pytest.fail(message)
        pytest.skip(message)


def _expected_usage(usage: dict) -> tuple:
    base = usage["input_tokens"]
    read = usage.get("cache_read_input_tokens")
    written = usage.get("cache_creation_input_tokens")
    return base + (read or 0) + (written or 0), usage["output_tokens"], read, written


def _check_outcome(outcome, message: dict) -> None:
    a = outcome.attributes
    assert a["gen_ai.response.id"] == message["id"]
    assert a["gen_ai.response.model"] == message["model"]
    assert a["gen_ai.response.finish_reasons"] == [P.FINISH_REASONS.get(message["stop_reason"],
                                                                         message["stop_reason"])]
    u = outcome.usage
    assert (u.input_tokens, u.output_tokens, u.cache_read_input_tokens,
            u.cache_creation_input_tokens) == _expected_usage(message["usage"])
    out = a["gen_ai.output.messages"]
    assert len(out) == 1 and out[0]["role"] == "assistant"
    assert out[0]["finish_reason"] == a["gen_ai.response.finish_reasons"][0]
    kinds = [b["type"] for b in message["content"]]
    expected = {"text": "text", "tool_use": "tool_call", "thinking": "reasoning", "redacted_thinking": "reasoning"}
    assert [p["type"] for p in out[0]["parts"]] == [expected.get(k, k) for k in kinds]
    for part, block in zip(out[0]["parts"], message["content"]):
        if block["type"] == "tool_use":
            assert (part["id"], part["name"], part["arguments"]) == (block["id"], block["name"], block["input"])
            assert isinstance(part["arguments"], dict)
        elif block["type"] == "text":
            assert part["content"] == block["text"]
        elif block["type"] == "thinking":
            assert part["content"] == block["thinking"]
    json.dumps(out)  # the conventions' schema is JSON


@pytest.mark.parametrize("name,item", MESSAGES, ids=[n for n, _ in MESSAGES])
def test_response_and_stream_readers(name, item):
    message = recorded_message(item)
    if not item.is_sse:
        _check_outcome(F.message_outcome(message, True), message)
        model = anthropic.types.Message.model_validate(message)
        _check_outcome(F.message_outcome(model, True), message)
        return
    for as_models in (False, True):
        acc = MessageStreamAccumulator()
        adapter = TypeAdapter(anthropic.types.RawMessageStreamEvent)
        for event in sse_events(item.body):
            if event.get("type") in ("ping", "error"):
                continue
            acc.add(adapter.validate_python(event) if as_models else event)
        _check_outcome(acc.outcome(True), message)


@pytest.mark.parametrize("name,item", MESSAGES, ids=[n for n, _ in MESSAGES])
def test_request_reader(name, item):
    body = item.request_body
    attrs = F.request_attributes(body, True)
    assert attrs.get("gen_ai.request.max_tokens") == body["max_tokens"]
    assert attrs.get("gen_ai.request.stream", False) == bool(body.get("stream"))
    assert len(attrs["gen_ai.input.messages"]) == len(body["messages"])
    if "system" in body:
        system = attrs["gen_ai.system_instructions"]
        assert all(p["type"] == "text" for p in system)
        texts = [body["system"]] if isinstance(body["system"], str) else [b["text"] for b in body["system"]]
        assert [p["content"] for p in system] == texts
    if "tools" in body:
        defs = attrs["gen_ai.tool.definitions"]
        assert [(d["type"], d["name"]) for d in defs] == [("function", t["name"]) for t in body["tools"]]
        assert all(d["parameters"] == t["input_schema"] for d, t in zip(defs, body["tools"]))
    if "output_format" in body:
        assert attrs["gen_ai.output.type"] == "json"
    assert "gen_ai.input.messages" not in F.request_attributes(body, False)
    json.dumps(attrs)


def test_image_and_history_parts():
    images = [(n, item) for n, item in MESSAGES if "multi_modal" in n or "image" in n]
    if not images:
        pytest.skip("no multi-modal recordings")
    for _, item in images:
        if "/9j/" not in json.dumps(item.request_body):  # the turn before the image was sent
            continue
        parts = [p for m in P.input_messages(item.request_body["messages"]) for p in m["parts"]]
        blobs = [p for p in parts if p["type"] == "blob"]
        assert blobs and all(p["modality"] == "image" and p["mime_type"].startswith("image/") for p in blobs)
        assert all(isinstance(p["content"], str) and p["content"] for p in blobs)


def test_tool_history_parts():
    history = [(n, item) for n, item in MESSAGES if "tools_history" in n]
    if not history:
        pytest.skip("no tool-history recordings")
    for _, item in history:
        messages = P.input_messages(item.request_body["messages"])
        calls = [p for m in messages for p in m["parts"] if p["type"] == "tool_call"]
        results = [p for m in messages for p in m["parts"] if p["type"] == "tool_call_response"]
        assert calls and results
        assert {p["id"] for p in results} <= {p["id"] for p in calls}


def test_rare_blocks():
    blocks = [
        {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.png"}},
        {"type": "image", "source": {"type": "file", "file_id": "file_1"}},
        {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0"}},
        {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "plain words"}},
        {"type": "document", "source": {"type": "content", "content": [{"type": "text", "text": "a"},
                                                                        {"type": "text", "text": "b"}]}},
        {"type": "redacted_thinking", "data": "EncryptedBlob"},
        {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "otel"}},
        {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1",
         "content": [{"type": "web_search_result", "url": "https://opentelemetry.io", "title": "OTel"}]},
        {"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "text", "text": "57F"}],
         "is_error": True},
        {"type": "container_upload", "file_id": "file_2"},
    ]
    parts = P.content_parts(blocks)
    assert parts[0] == {"type": "uri", "modality": "image", "uri": "https://example.com/cat.png"}
    assert parts[1] == {"type": "file", "modality": "image", "file_id": "file_1"}
    assert parts[2] == {"type": "blob", "modality": "file", "mime_type": "application/pdf", "content": "JVBERi0"}
    assert parts[3] == {"type": "text", "content": "plain words"}
    assert parts[4] == {"type": "text", "content": "ab"}
    assert parts[5] == {"type": "reasoning", "content": "", "redacted": True}
    assert parts[6] == {"type": "server_tool_call", "id": "srvtoolu_1", "name": "web_search",
                        "server_tool_call": {"type": "web_search", "arguments": {"query": "otel"}}}
    assert parts[7]["type"] == "server_tool_call_response" and parts[7]["id"] == "srvtoolu_1"
    assert parts[7]["server_tool_call_response"]["type"] == "web_search_tool_result"
    assert parts[8] == {"type": "tool_call_response", "id": "toolu_1", "response": "57F", "is_error": True}
    assert parts[9] == {"type": "container_upload"}


def test_finish_reasons_and_usage():
    assert [P.finish_reason(r) for r in ("end_turn", "stop_sequence", "max_tokens", "tool_use", "pause_turn",
                                         "refusal", None)] == ["stop", "stop", "length", "tool_call", "pause_turn",
                                                               "refusal", None]
    usage = F.usage_from({"input_tokens": 4, "cache_creation_input_tokens": 1163, "cache_read_input_tokens": 10,
                          "output_tokens": 187})
    attrs: dict = {}
    usage.add_to(attrs)
    assert attrs == {"gen_ai.usage.input_tokens": 1177, "gen_ai.usage.output_tokens": 187,
                     "gen_ai.usage.cache_read.input_tokens": 10, "gen_ai.usage.cache_creation.input_tokens": 1163}
    assert F.usage_from({"output_tokens": 3}).input_tokens is None
    assert F.usage_from(None) is None


def test_request_parameters():
    attrs = F.request_attributes({"model": "claude-3-haiku-20240307", "max_tokens": 10, "temperature": 0.5,
                                  "top_p": 0.9, "top_k": 40, "stop_sequences": ["END"], "stream": True,
                                  "system": [{"type": "text", "text": "be brief"}]}, True)
    assert attrs["gen_ai.request.temperature"] == 0.5 and attrs["gen_ai.request.top_k"] == 40
    assert attrs["gen_ai.request.top_p"] == 0.9 and attrs["gen_ai.request.stop_sequences"] == ["END"]
    assert attrs["gen_ai.request.stream"] is True
    assert attrs["gen_ai.system_instructions"] == [{"type": "text", "content": "be brief"}]
    # a newer parameter an older client sends through extra_body
    assert F.request_attributes({"extra_body": {"temperature": 0.1}}, False)["gen_ai.request.temperature"] == 0.1
    assert F.request_attributes({"output_config": {"format": {"type": "json_schema"}}}, False)[
        "gen_ai.output.type"] == "json"
    assert F.request_attributes({"stream": anthropic.NOT_GIVEN}, False) == {}
    assert F.request_attributes({}, False, stream=True) == {"gen_ai.request.stream": True}


def test_legacy_completion():
    completions = [item for _, _, item in INTERACTIONS if item.path == "/complete"]
    if not completions:
        pytest.skip("no Text Completions recording")
    body = json.loads(completions[0].body)
    outcome = F.completion_outcome(body, True)
    assert outcome.attributes["gen_ai.response.id"] == body["id"]
    assert outcome.attributes["gen_ai.output.messages"][0]["parts"][0]["content"] == body["completion"]
    attrs = F.request_attributes(completions[0].request_body, True)
    assert attrs["gen_ai.request.max_tokens"] == completions[0].request_body["max_tokens_to_sample"]
    assert attrs["gen_ai.input.messages"][0]["parts"][0]["content"] == completions[0].request_body["prompt"]
