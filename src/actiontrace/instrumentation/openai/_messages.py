"""OpenAI request/response content as GenAI semantic-convention messages.

The shapes are the conventions' (built by ``genai._messages``); this module knows where
OpenAI's Chat Completions and Responses APIs keep them. Inputs are SDK objects or plain dicts.
"""

from __future__ import annotations

from typing import Any

from ...genai._messages import (
    blob_part,
    data_url_part,
    file_part,
    message,
    other_part,
    reasoning_part,
    text_part,
    tool_call_part,
    tool_call_response_part,
    tool_definition,
    uri_part,
)
from ...genai._fields import get, given


def content_parts(content: Any) -> list[dict]:
    """Message content (a string or a list of typed content parts, chat or Responses style)."""
    if content is None or not given(content):
        return []
    if isinstance(content, str):
        return [text_part(content)]
    parts: list[dict] = []
    for item in _sequence(content):
        if isinstance(item, str):
            parts.append(text_part(item))
            continue
        kind = get(item, "type")
        if kind in ("text", "input_text", "output_text"):
            parts.append(text_part(get(item, "text", "")))
        elif kind == "refusal":
            parts.append(text_part(get(item, "refusal", "")))
        elif kind in ("image_url", "input_image", "input_audio", "file", "input_file"):
            part = _media_part(kind, item)
            if part is not None:
                parts.append(part)
        elif kind:
            parts.append(other_part(kind))
    return parts


def _media_part(kind: str, item: Any) -> dict | None:
    """An image, audio or file content part; None when it names no content."""
    if kind == "image_url":
        return data_url_part(get(get(item, "image_url"), "url") or "", "image")
    if kind == "input_image":
        if get(item, "image_url"):
            return data_url_part(get(item, "image_url"), "image")
        if get(item, "file_id"):
            return file_part("image", get(item, "file_id"))
        return None
    if kind == "input_audio":
        audio = get(item, "input_audio")
        fmt = get(audio, "format")
        return blob_part("audio", get(audio, "data", ""), f"audio/{fmt}" if fmt else None)
    file = get(item, "file") or item
    if get(file, "file_id"):
        return file_part("file", get(file, "file_id"))
    if get(file, "file_data"):
        return data_url_part(get(file, "file_data"), "file")
    if get(file, "file_url"):
        return uri_part("file", get(file, "file_url"))
    return None


# --- Chat Completions ---------------------------------------------------------

def _chat_tool_calls(msg: Any) -> list[dict]:
    parts = []
    for call in get(msg, "tool_calls") or []:
        fn = get(call, "function") or get(call, "custom")
        parts.append(tool_call_part(get(call, "id"), get(fn, "name"), get(fn, "arguments") or get(fn, "input")))
    legacy = get(msg, "function_call")
    if legacy:
        parts.append(tool_call_part(None, get(legacy, "name"), get(legacy, "arguments")))
    return parts


def _sequence(value: Any) -> list | tuple:
    """Only lists and tuples are read: an iterator the caller passed is the client's to consume."""
    return value if isinstance(value, (list, tuple)) else ()


def chat_input_messages(messages: Any) -> list[dict]:
    result = []
    for item in _sequence(messages):
        role = get(item, "role", "user")
        if role in ("tool", "function"):
            part = tool_call_response_part(get(item, "tool_call_id"), _flatten_text(get(item, "content")))
            result.append(message("tool", [part]))
            continue
        parts = content_parts(get(item, "content"))
        if role == "assistant":
            parts.extend(_chat_tool_calls(item))
        result.append(message(role, parts))
    return result


def _flatten_text(content: Any) -> Any:
    if isinstance(content, list):
        texts = [get(p, "text") for p in content if get(p, "text") is not None]
        return "".join(texts) if texts else content
    return content


def chat_output_message(choice: Any, finish_reason: Any) -> dict:
    parts: list[dict] = []
    reasoning = get(choice, "reasoning_content") or get(choice, "reasoning")
    if isinstance(reasoning, str) and reasoning:
        parts.append(reasoning_part(reasoning))
    content = get(choice, "content")
    if content:
        parts.extend(content_parts(content))
    refusal = get(choice, "refusal")
    if refusal:
        parts.append(text_part(refusal))
    parts.extend(_chat_tool_calls(choice))
    return message(get(choice, "role", "assistant"), parts, finish_reason or "error")


def chat_tool_definitions(tools: Any) -> list[dict]:
    result = []
    for tool in _sequence(tools):
        fn = get(tool, "function")
        if fn is not None:
            result.append(tool_definition(get(fn, "name"), get(fn, "description"), get(fn, "parameters"),
                                          get(tool, "type", "function")))
        else:
            result.append(_plain(tool))
    return result


# --- Responses ----------------------------------------------------------------

def responses_input_messages(value: Any) -> list[dict]:
    if not given(value) or value is None:
        return []
    if isinstance(value, str):
        return [message("user", [text_part(value)])]
    result: list[dict] = []
    for item in _sequence(value):
        kind = get(item, "type")
        if kind == "function_call":
            part = tool_call_part(get(item, "call_id"), get(item, "name"), get(item, "arguments"))
            result.append(message("assistant", [part]))
        elif kind in ("function_call_output", "custom_tool_call_output"):
            # Responses output items always name their call: the id is kept as sent, first.
            part = {"type": "tool_call_response", "id": get(item, "call_id"), "response": get(item, "output")}
            result.append(message("tool", [part]))
        elif kind == "reasoning":
            result.append(message("assistant", _reasoning_parts(item)))
        elif get(item, "role") is not None:
            result.append(message(get(item, "role"), content_parts(get(item, "content"))))
        elif kind:
            result.append(message("user", [other_part(kind)]))
    return result


def _reasoning_parts(item: Any) -> list[dict]:
    texts = [get(s, "text") for s in (get(item, "summary") or []) + (get(item, "content") or [])]
    return [reasoning_part(t) for t in texts if t]


def responses_output_parts(output: Any) -> list[dict]:
    parts: list[dict] = []
    for item in output or []:
        kind = get(item, "type")
        if kind == "message":
            parts.extend(content_parts(get(item, "content")))
        elif kind in ("function_call", "custom_tool_call"):
            parts.append(tool_call_part(get(item, "call_id"), get(item, "name"),
                                        get(item, "arguments") or get(item, "input")))
        elif kind == "reasoning":
            parts.extend(_reasoning_parts(item))
        elif kind:
            parts.append(other_part(kind))
    return parts


def responses_tool_definitions(tools: Any) -> list[dict]:
    return [_plain(tool) for tool in _sequence(tools)]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        try:
            return dump(exclude_none=True)
        except Exception:
            pass
    if isinstance(value, type):  # a pydantic class given as a tool: just its name
        return {"type": "function", "name": value.__name__}
    return {"type": str(get(value, "type", type(value).__name__))}
