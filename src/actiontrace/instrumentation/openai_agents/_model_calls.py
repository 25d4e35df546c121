"""A model call read from the SDK's own span data (``response`` for the Responses API,
``generation`` for Chat Completions): the ``chat {model}`` span made when our OpenAI client
instrumentation is not there to make it, and the tool calls the model asked for.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.trace import SpanKind

from ... import _vocabulary as A
from ...genai._cost import cost_usd
from ...genai._tokens import Usage
from ...spans._capture import to_json
from ..openai._usage import usage_from  # the Agents SDK reports OpenAI's usage shapes
from ..._naming import llm_span_name
from ._fields import Start

_CONTENT_BUDGET = 65536  # bytes of JSON per message attribute, as for client spans


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else getattr(value, key, None)


def chat_start(data: Any) -> Start:
    model = _get(data, "model") if data.type == "generation" else None
    attrs: dict[str, Any] = {A.GEN_AI_OPERATION_NAME: A.Operation.CHAT.value, A.GEN_AI_PROVIDER_NAME: "openai"}
    if isinstance(model, str) and model:
        attrs[A.GEN_AI_REQUEST_MODEL] = model
    return Start(llm_span_name("chat", model if isinstance(model, str) else None), "llm", attrs, kind=SpanKind.CLIENT)


def tool_calls(data: Any) -> list[tuple[str | None, str | None, Any]]:
    """(tool name, call id, arguments) of each tool call in the model's answer."""
    found: list[tuple[str | None, str | None, Any]] = []
    if data.type == "response":
        for item in _get(_get(data, "response"), "output") or ():
            if _get(item, "type") == "function_call":
                found.append((_get(item, "name"), _get(item, "call_id"), _get(item, "arguments")))
    else:
        for message in _get(data, "output") or ():
            for call in _get(message, "tool_calls") or ():
                function = _get(call, "function")
                found.append((_get(function, "name"), _get(call, "id"), _get(function, "arguments")))
    return found


class Outcome:
    __slots__ = ("name", "attributes", "usage")

    def __init__(self, name: str | None, attributes: dict, usage: Usage | None) -> None:
        self.name = name
        self.attributes = attributes
        self.usage = usage


def chat_end(data: Any, capture: bool, request_model: str | None) -> Outcome:
    attrs: dict[str, Any] = {}
    response = _get(data, "response") if data.type == "response" else None
    model = _get(response, "model") if response is not None else _get(data, "model")
    if isinstance(model, str) and model:
        attrs[A.GEN_AI_RESPONSE_MODEL] = model
        if not request_model and data.type == "response":
            attrs[A.GEN_AI_REQUEST_MODEL] = model  # the SDK keeps no request of its own
    response_id = _get(response, "id") if response is not None else _get(data, "response_id")
    if isinstance(response_id, str) and response_id:
        attrs[A.GEN_AI_RESPONSE_ID] = response_id
    reason = _finish_reason(data, response)
    if reason:
        attrs[A.GEN_AI_RESPONSE_FINISH_REASONS] = [reason]
    usage = usage_from(_get(data, "usage"))
    if usage is None and response is not None:
        usage = usage_from(_get(response, "usage"))
    if usage is not None:
        usage.add_to(attrs)
    cost = cost_usd(model if isinstance(model, str) else request_model, usage)
    if cost is not None:
        attrs[A.COST_USD] = cost
    if capture:
        _content(data, response, reason, attrs)
    name = llm_span_name("chat", model) if isinstance(model, str) and model and not request_model else None
    return Outcome(name, attrs, usage)


def _finish_reason(data: Any, response: Any) -> str | None:
    if data.type == "response":
        if response is None:
            return None
        calls = [o for o in _get(response, "output") or () if _get(o, "type") == "function_call"]
        status = _get(response, "status")
        if status == "completed":
            return "tool_calls" if calls else "stop"
        return str(status) if status else None
    output = _get(data, "output") or ()
    if output:
        return "tool_calls" if _get(output[-1], "tool_calls") else "stop"
    return None


def _text(content: Any) -> str | None:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [_get(p, "text") for p in content if isinstance(_get(p, "text"), str)]
        return "".join(texts) if texts else None
    return None


def _parts(item: Any) -> tuple[str, list[dict]]:
    """(role, GenAI parts) of one input/output item of either API."""
    kind = _get(item, "type")
    if kind == "function_call":
        return "assistant", [{"type": "tool_call", "id": _get(item, "call_id"), "name": _get(item, "name"),
                              "arguments": _get(item, "arguments")}]
    if kind == "function_call_output":
        return "tool", [{"type": "tool_call_response", "id": _get(item, "call_id"), "response": _get(item, "output")}]
    role = str(_get(item, "role") or "user")
    parts: list[dict] = []
    text = _text(_get(item, "content"))
    if text is not None:
        parts.append({"type": "text", "content": text})
    for call in _get(item, "tool_calls") or ():
        function = _get(call, "function")
        parts.append({"type": "tool_call", "id": _get(call, "id"), "name": _get(function, "name"),
                      "arguments": _get(function, "arguments")})
    if role == "tool" and _get(item, "tool_call_id"):
        parts = [{"type": "tool_call_response", "id": _get(item, "tool_call_id"), "response": text}]
    return role, parts


def _messages(items: Any) -> list[dict]:
    if isinstance(items, str):
        return [{"role": "user", "parts": [{"type": "text", "content": items}]}]
    messages: list[dict] = []
    for item in items or ():
        role, parts = _parts(item)
        if messages and role == messages[-1]["role"] and role != "user":
            messages[-1]["parts"].extend(parts)  # one assistant turn may be several output items
        else:
            messages.append({"role": role, "parts": parts})
    return messages


def _content(data: Any, response: Any, reason: str | None, attrs: dict) -> None:
    instructions = _get(response, "instructions") if response is not None else None
    if isinstance(instructions, str) and instructions:
        attrs[A.GEN_AI_SYSTEM_INSTRUCTIONS] = to_json([{"type": "text", "content": instructions}],
                                                      max_bytes=_CONTENT_BUDGET)
    inputs = _messages(_get(data, "input"))
    if inputs:
        attrs[A.GEN_AI_INPUT_MESSAGES] = to_json(inputs, max_bytes=_CONTENT_BUDGET)
    output = _get(response, "output") if response is not None else _get(data, "output")
    outputs = _messages(output)
    for message in outputs:
        message["finish_reason"] = reason or "error"
    if outputs:
        attrs[A.GEN_AI_OUTPUT_MESSAGES] = to_json(outputs, max_bytes=_CONTENT_BUDGET)
