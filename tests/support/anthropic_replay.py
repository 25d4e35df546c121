"""Replaying the recorded Anthropic calls in ``../shared/cassettes/anthropic/`` through the real
``anthropic`` client: which client and method a recording was made with (read from its URI, its
request body, its ``user-agent`` and its name), and driving that method the way the recording's
test did (``create``, ``create(stream=True)``, the ``stream()`` manager and its helpers,
``with_raw_response``), sync or async.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

import anthropic

from support.paths import CASSETTES as SHARED_CASSETTES
from support.replay_server import Interaction, ReplayServer

CASSETTES = SHARED_CASSETTES / "anthropic"
FILES = sorted(CASSETTES.glob("*.yaml")) if CASSETTES.is_dir() else []

def _has_completions() -> bool:
    try:
        from anthropic.resources import completions  # noqa: F401
    except ImportError:
        return False
    return True


# What the client version offers: 1.x dropped the Text Completions API and the sampling parameters.
HAS_COMPLETIONS = _has_completions()


def is_async(item: Interaction, name: str) -> bool:
    agent = item.request_headers.get("user-agent", "")
    return agent.startswith("Async") or "async" in name


def is_bedrock(item: Interaction) -> bool:
    return "bedrock" in item.uri


def is_beta(item: Interaction) -> bool:
    return "beta=true" in item.uri


def streams(item: Interaction) -> bool:
    return bool((item.request_body or {}).get("stream"))


def mode(item: Interaction, name: str) -> str:
    """How the recorded test read the response."""
    if item.path == "/complete":
        return "completion"
    if not streams(item):
        return "create"
    if "text_stream" in name:
        return "text_stream"
    if "helper_methods" in name:
        return "final_message"
    if "stream_manager" in name:
        return "manager"
    return "iterate"


def make_client(server: ReplayServer, item: Interaction, asynchronous: bool) -> Any:
    if is_bedrock(item):
        cls = anthropic.AsyncAnthropicBedrock if asynchronous else anthropic.AnthropicBedrock
        if "api_key" in inspect.signature(cls.__init__).parameters:
            return cls(base_url=server.root_url, api_key="test", aws_region="us-east-1", max_retries=0)
        return cls(base_url=server.root_url, aws_access_key="test", aws_secret_key="test",
                   aws_region="us-east-1", max_retries=0)
    cls = anthropic.AsyncAnthropic if asynchronous else anthropic.Anthropic
    return cls(base_url=server.root_url, api_key="test", max_retries=0)


def bedrock_model(item: Interaction) -> str:
    return item.path.split("/model/", 1)[1].rsplit("/", 1)[0]


def request_kwargs(fn: Any, item: Interaction) -> dict:
    """The recorded body as keyword arguments of ``fn``; what it does not take goes in ``extra_body``."""
    body = dict(item.request_body or {})
    if is_bedrock(item):
        body.pop("anthropic_version", None)
        body["model"] = bedrock_model(item)
    params = inspect.signature(fn).parameters
    kwargs = {k: v for k, v in body.items() if k in params}
    extra = {k: v for k, v in body.items() if k not in params and k != "stream"}
    if extra:
        kwargs["extra_body"] = extra
    beta = item.request_headers.get("anthropic-beta")
    if beta:
        kwargs["extra_headers"] = {"anthropic-beta": beta}
    return kwargs


def _resource(client: Any, item: Interaction, raw: bool) -> Any:
    target = client.completions if item.path == "/complete" else client.messages
    if is_beta(item):
        target = client.beta.messages
    return target.with_raw_response if raw else target


def replay_sync(client: Any, item: Interaction, name: str) -> Any:
    """Makes the recorded call; returns what the application got (a message, a final message,
    or the parsed raw response)."""
    how = mode(item, name)
    resource = _resource(client, item, "raw_response" in name)
    if how in ("create", "completion", "iterate"):
        kwargs = request_kwargs(resource.create, item)
        result = resource.create(**kwargs)
        if "raw_response" in name:
            result = result.parse()
        if how == "iterate":
            return [event for event in result]
        return result
    kwargs = request_kwargs(resource.stream, item)
    with resource.stream(**kwargs) as stream:
        if how == "text_stream":
            text = "".join(stream.text_stream)
            return text, stream.get_final_message()
        if how == "final_message":
            return stream.get_final_message()
        events = [event for event in stream]
        return events, stream.get_final_message()


async def replay_async(client: Any, item: Interaction, name: str) -> Any:
    how = mode(item, name)
    resource = _resource(client, item, "raw_response" in name)
    if how in ("create", "completion", "iterate"):
        kwargs = request_kwargs(resource.create, item)
        result = await resource.create(**kwargs)
        if "raw_response" in name:
            result = result.parse()
            if inspect.isawaitable(result):  # 1.x: AsyncAPIResponse.parse() is a coroutine
                result = await result
        if how == "iterate":
            return [event async for event in result]
        return result
    kwargs = request_kwargs(resource.stream, item)
    async with resource.stream(**kwargs) as stream:
        if how == "text_stream":
            text = "".join([t async for t in stream.text_stream])
            return text, await stream.get_final_message()
        if how == "final_message":
            return await stream.get_final_message()
        events = [event async for event in stream]
        return events, await stream.get_final_message()


# --- what the recording says ------------------------------------------------------

def sse_events(body: str) -> list[dict]:
    out = []
    for block in body.split("\n\n"):
        for line in block.splitlines():
            if line.startswith("data:") and line[5:].strip():
                out.append(json.loads(line[5:].strip()))
    return out


def recorded_message(item: Interaction) -> dict:
    """The response message of a recording, a stream's events folded into one message."""
    if not item.is_sse:
        return json.loads(item.body)
    message: dict = {}
    blocks: dict[int, dict] = {}
    arguments: dict[int, str] = {}
    for event in sse_events(item.body):
        kind = event.get("type")
        if kind == "message_start":
            message = dict(event["message"])
            message["usage"] = dict(message.get("usage") or {})
        elif kind == "content_block_start":
            blocks[event["index"]] = dict(event["content_block"])
        elif kind == "content_block_delta":
            block, delta = blocks[event["index"]], event["delta"]
            if delta["type"] == "text_delta":
                block["text"] = block.get("text", "") + delta["text"]
            elif delta["type"] == "thinking_delta":
                block["thinking"] = block.get("thinking", "") + delta["thinking"]
            elif delta["type"] == "input_json_delta":
                arguments[event["index"]] = arguments.get(event["index"], "") + delta["partial_json"]
        elif kind == "message_delta":
            message.update({k: v for k, v in (event.get("delta") or {}).items() if v is not None})
            for key, value in (event.get("usage") or {}).items():
                if value is not None:
                    message["usage"][key] = value
    for index, raw in arguments.items():
        blocks[index]["input"] = json.loads(raw) if raw else {}
    message["content"] = [blocks[i] for i in sorted(blocks)]
    return message


# --- scripted responses for scenario tests ----------------------------------------

def message_body(text: str = "Hello there.", *, id: str = "msg_1", model: str = "claude-haiku-4-5-20251001",
                 stop_reason: str = "end_turn", tool: tuple | None = None, usage: dict | None = None) -> dict:
    """A Messages API response; ``tool`` = (id, name, input) adds a tool_use block."""
    content: list[dict] = [{"type": "text", "text": text}] if text else []
    if tool:
        content.append({"type": "tool_use", "id": tool[0], "name": tool[1], "input": tool[2]})
    return {"id": id, "type": "message", "role": "assistant", "model": model, "content": content,
            "stop_reason": stop_reason, "stop_sequence": None,
            "usage": usage or {"input_tokens": 12, "output_tokens": 5}}


def message_json(*args: Any, status: int = 200, path: str = "/messages", **kwargs: Any) -> Interaction:
    from support.replay_server import json_interaction

    return json_interaction(path, message_body(*args, **kwargs), status)


def error_json(status: int, kind: str, path: str = "/messages") -> Interaction:
    from support.replay_server import json_interaction

    return json_interaction(path, {"type": "error", "error": {"type": kind, "message": kind}}, status)


def stream_events(texts: tuple = ("Hello", " there", "."), *, id: str = "msg_s1",
                  model: str = "claude-haiku-4-5-20251001", tool: tuple | None = None,
                  stop_reason: str = "end_turn") -> list[dict]:
    """The events of a streamed Messages response: text deltas, then an optional tool_use
    block whose input arrives in JSON pieces (``tool`` = (id, name, [pieces]))."""
    events: list[dict] = [
        {"type": "message_start", "message": {**message_body("", id=id, model=model, stop_reason=None),
                                              "usage": {"input_tokens": 20, "cache_read_input_tokens": 5,
                                                        "cache_creation_input_tokens": 0, "output_tokens": 1}}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "ping"},
    ]
    events += [{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": t}} for t in texts]
    events.append({"type": "content_block_stop", "index": 0})
    if tool:
        events.append({"type": "content_block_start", "index": 1,
                       "content_block": {"type": "tool_use", "id": tool[0], "name": tool[1], "input": {}}})
        events += [{"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": p}}
                   for p in tool[2]]
        events.append({"type": "content_block_stop", "index": 1})
    events.append({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                   "usage": {"output_tokens": 9}})
    events.append({"type": "message_stop"})
    return events


def message_sse(*args: Any, path: str = "/messages", **kwargs: Any) -> Interaction:
    from support.replay_server import sse_interaction

    return sse_interaction(path, stream_events(*args, **kwargs), done=False, named=True)
