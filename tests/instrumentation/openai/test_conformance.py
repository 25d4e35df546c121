"""Conformance: replay every recorded OpenAI interaction in ``../shared/cassettes/openai/``
(relative to the repository root; never copied into the project) through the real client
and the local replay server, and check the span against what the recording says.

Expected values are read from the recording itself (request model, response ids, models,
finish reasons, token counts, tool calls, HTTP status), not from the instrumentation.
When the directory is absent the suite says so, and fails only if
``ACTIONTRACE_REQUIRE_CASSETTES=1``.
"""

from __future__ import annotations

from support.paths import CASSETTES as SHARED_CASSETTES
import asyncio
import base64
import inspect
import json
import os
from pathlib import Path

import openai
import pytest
from support.openai_replay import llm_spans, set_capture
from opentelemetry.trace import StatusCode
from support.replay_server import Interaction, load_cassette

CASSETTES = SHARED_CASSETTES / "openai"
FILES = sorted(CASSETTES.glob("*.yaml")) if CASSETTES.is_dir() else []

_RESOURCE = {"/chat/completions": ("chat", "completions"), "/embeddings": ("embeddings",),
             "/responses": ("responses",), "/completions": ("completions",)}
_OPERATION = {"/chat/completions": "chat", "/embeddings": "embeddings", "/responses": "chat",
              "/completions": "text_completion"}


class UserError(Exception):
    pass


def test_cassette_directory_present():
    if not FILES:
        message = f"no OpenAI cassettes at {CASSETTES}: the conformance suite ran 0 recordings"
        if os.environ.get("ACTIONTRACE_REQUIRE_CASSETTES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    print(f"\nOpenAI conformance: {len(FILES)} recordings found in {CASSETTES}")


# --- what the recording says -----------------------------------------------------

def _sse_payloads(body: str) -> list[dict]:
    out = []
    for block in body.split("\n\n"):
        for line in block.splitlines():
            if line.startswith("data:") and line[5:].strip() not in ("", "[DONE]"):
                out.append(json.loads(line[5:].strip()))
    return out


def _expected(item: Interaction) -> dict:
    """Response facts from the recorded body: id, model, finish reasons, usage, tool calls."""
    exp: dict = {"tool_calls": []}
    if item.is_sse:
        events = _sse_payloads(item.body)
        if item.path == "/responses":
            final = [e["response"] for e in events if e.get("type") == "response.completed"]
            return _expected_json(item.path, final[-1]) if final else exp
        reasons: dict[int, str] = {}
        calls: dict[tuple, dict] = {}
        for chunk in events:
            exp.setdefault("id", chunk.get("id"))
            exp.setdefault("model", chunk.get("model"))
            if chunk.get("usage"):
                exp["usage"] = chunk["usage"]
            for choice in chunk.get("choices") or []:
                if choice.get("finish_reason"):
                    reasons[choice["index"]] = choice["finish_reason"]
                for call in (choice.get("delta") or {}).get("tool_calls") or []:
                    slot = calls.setdefault((choice["index"], call["index"]), {})
                    if call.get("id"):
                        slot["id"] = call["id"]
                    if (call.get("function") or {}).get("name"):
                        slot["name"] = call["function"]["name"]
        exp["finish_reasons"] = [reasons[i] for i in sorted(reasons)]
        exp["tool_calls"] = [calls[k] for k in sorted(calls)]
        return exp
    return _expected_json(item.path, json.loads(item.body))


def _expected_json(path: str, body: dict) -> dict:
    exp: dict = {"id": body.get("id"), "model": body.get("model"), "usage": body.get("usage"), "tool_calls": []}
    if path == "/responses":
        calls = [o for o in body.get("output") or [] if o.get("type") == "function_call"]
        exp["tool_calls"] = [{"id": c["call_id"], "name": c["name"]} for c in calls]
        if body.get("status") == "completed":
            exp["finish_reasons"] = ["tool_calls" if calls else "stop"]
    elif path == "/embeddings":
        exp.pop("id")
        vector = body["data"][0]["embedding"] if body.get("data") else None
        # base64 vectors are packed float32s
        exp["dimensions"] = len(base64.b64decode(vector)) // 4 if isinstance(vector, str) else len(vector or [])
    else:
        exp["finish_reasons"] = [c["finish_reason"] for c in body.get("choices") or []]
        for choice in body.get("choices") or []:
            for call in (choice.get("message") or {}).get("tool_calls") or []:
                exp["tool_calls"].append({"id": call["id"], "name": call["function"]["name"]})
    return exp


def _tokens(usage: dict | None) -> tuple:
    if not usage:
        return None, None
    inp = usage.get("prompt_tokens", usage.get("input_tokens"))
    out = usage.get("completion_tokens", usage.get("output_tokens"))
    return inp, out


# --- replaying ----------------------------------------------------------------------

def _method(client, path: str, raw: bool):
    target = client
    for name in _RESOURCE[path]:
        target = getattr(target, name)
    if raw:
        target = target.with_raw_response
    return target.create


def _split_kwargs(fn, body: dict) -> dict:
    params = inspect.signature(fn).parameters
    kwargs = {k: v for k, v in body.items() if k in params}
    extra = {k: v for k, v in body.items() if k not in params}
    if extra:
        kwargs["extra_body"] = extra
    return kwargs


def _partial(name: str) -> bool:
    """The consumer stopped the stream early (break, or an exception of its own)."""
    return _mode(name) in ("break", "raise")


def _mode(name: str) -> str:
    if "not_complete" in name:
        return "break"
    if "user_exception" in name:
        return "raise"
    if "context_manager" in name:
        return "with"
    return "all"


def _run_sync(client, item: Interaction, name: str):
    fn = _method(client, item.path, "raw_response" in name)
    result = fn(**_split_kwargs(fn, item.request_body or {}))
    if "raw_response" in name:
        result = result.parse()
    if not (item.request_body or {}).get("stream"):
        return result
    mode = _mode(name)
    if mode == "break":
        for _ in result:
            break
        result.close()
    elif mode == "raise":
        with pytest.raises(UserError):
            with result as stream:
                for _ in stream:
                    raise UserError("raised by the consumer")
    elif mode == "with":
        with result as stream:
            for _ in stream:
                pass
    else:
        for _ in result:
            pass
    return result


async def _run_async(client, item: Interaction, name: str):
    fn = _method(client, item.path, "raw_response" in name)
    result = await fn(**_split_kwargs(fn, item.request_body or {}))
    if "raw_response" in name:
        result = result.parse()
    if not (item.request_body or {}).get("stream"):
        return result
    mode = _mode(name)
    if mode == "break":
        async for _ in result:
            break
        await result.close()
    elif mode == "raise":
        with pytest.raises(UserError):
            async with result as stream:
                async for _ in stream:
                    raise UserError("raised by the consumer")
    elif mode == "with":
        async with result as stream:
            async for _ in stream:
                pass
    else:
        async for _ in result:
            pass
    return result


def _check(span, item: Interaction, name: str, capture: bool) -> None:
    a = span.attributes
    body = item.request_body or {}
    assert span.end_time is not None
    assert a["gen_ai.operation.name"] == _OPERATION[item.path]
    assert a["gen_ai.provider.name"] == "openai"
    assert a["gen_ai.request.model"] == body["model"]
    assert span.name == f"{_OPERATION[item.path]} {body['model']}"
    if item.status >= 400:
        assert span.status.status_code == StatusCode.ERROR
        assert a["error.type"] == str(item.status)
        return
    exp = _expected(item)
    if exp.get("id"):
        assert a["gen_ai.response.id"] == exp["id"]
    if exp.get("model"):
        assert a["gen_ai.response.model"] == exp["model"]
    if exp.get("finish_reasons") and not _partial(name):
        assert list(a["gen_ai.response.finish_reasons"]) == exp["finish_reasons"]
    inp, out = _tokens(exp.get("usage"))
    if _partial(name):
        assert a["actiontrace.stream.completed"] is False
    else:
        assert a.get("gen_ai.usage.input_tokens") == inp
        assert a.get("gen_ai.usage.output_tokens") == out
    if exp.get("dimensions"):
        assert a["gen_ai.embeddings.dimension.count"] == exp["dimensions"]
    if _mode(name) == "raise":
        assert span.status.status_code == StatusCode.ERROR and a["error.type"].endswith("UserError")
    elif item.status < 400:
        assert span.status.status_code == StatusCode.UNSET
    if not capture:
        assert "gen_ai.input.messages" not in a and "gen_ai.output.messages" not in a
    elif exp["tool_calls"] and not _partial(name):
        parts = [p for m in json.loads(a["gen_ai.output.messages"]) for p in m["parts"] if p["type"] == "tool_call"]
        assert [{"id": p["id"], "name": p["name"]} for p in parts] == exp["tool_calls"]
        assert all(isinstance(p.get("arguments"), (dict, str)) for p in parts)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_cassette(path, server, spans, monkeypatch):
    name = path.stem
    capture = "no_content" not in name and "event_only" not in name
    set_capture(monkeypatch, capture)
    interactions = load_cassette(path)
    server.queue(*interactions)

    if "async" in name:
        async def main():
            async with openai.AsyncOpenAI(base_url=server.base_url, api_key="test", max_retries=0) as client:
                for item in interactions:
                    if item.status >= 400:
                        with pytest.raises(openai.APIStatusError):
                            await _run_async(client, item, name)
                    else:
                        await _run_async(client, item, name)
        asyncio.run(main())
    else:
        with openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0) as client:
            for item in interactions:
                if item.status >= 400:
                    with pytest.raises(openai.APIStatusError):
                        _run_sync(client, item, name)
                else:
                    _run_sync(client, item, name)

    assert server.pending() == 0, "every recorded response was requested"
    produced = llm_spans(spans)
    assert len(produced) == len(interactions), "one span per API call"
    for span, item in zip(sorted(produced, key=lambda s: s.start_time), interactions):
        _check(span, item, name, capture)
