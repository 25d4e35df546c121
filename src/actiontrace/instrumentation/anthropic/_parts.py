"""Anthropic content blocks as GenAI semantic-convention message parts.

A message is ``{"role", "parts"}`` (output messages add ``finish_reason``). Block types map to
the conventions' parts: ``text`` -> ``text``; ``tool_use`` -> ``tool_call``; ``tool_result`` ->
``tool_call_response``; ``thinking``/``redacted_thinking`` -> ``reasoning``; ``image`` and
``document`` -> ``blob``/``uri``/``file`` (a plain-text document -> ``text``); server tools
(``server_tool_use``, ``mcp_tool_use``) -> ``server_tool_call`` and their results (``*_tool_result``)
-> ``server_tool_call_response``; anything else -> a generic part naming its type.
Inputs are SDK models or plain dicts alike.
"""

from __future__ import annotations

import json
from typing import Any

from ...genai._fields import get, given

# Anthropic stop reasons the conventions name; the others pass through as they are.
FINISH_REASONS = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length", "tool_use": "tool_call"}

_SERVER_CALLS = frozenset(("server_tool_use", "mcp_tool_use"))


def finish_reason(stop_reason: Any) -> str | None:
    if not isinstance(stop_reason, str) or not stop_reason:
        return None
    return FINISH_REASONS.get(stop_reason, stop_reason)


def _sequence(value: Any) -> list | tuple:
    """Only lists and tuples are read: an iterator the caller passed is the client's to consume."""
    return value if isinstance(value, (list, tuple)) else ()


def text_part(text: Any) -> dict:
    return {"type": "text", "content": text if isinstance(text, str) else str(text)}


def _modality(mime: Any, default: str) -> str:
    if isinstance(mime, str):
        for prefix in ("image", "audio", "video"):
            if mime.startswith(prefix + "/"):
                return prefix
    return default


def source_part(source: Any, default_modality: str) -> dict | None:
    """An image or document ``source`` (base64, url, file, text) as a blob/uri/file/text part."""
    kind = get(source, "type")
    mime = get(source, "media_type")
    modality = _modality(mime, default_modality)
    if kind == "base64":
        part = {"type": "blob", "modality": modality, "content": get(source, "data", "")}
        if mime:
            part["mime_type"] = mime
        return part
    if kind == "url":
        return {"type": "uri", "modality": modality, "uri": get(source, "url", "")}
    if kind == "file":
        return {"type": "file", "modality": modality, "file_id": get(source, "file_id", "")}
    if kind == "text":
        return text_part(get(source, "data", ""))
    return None


def tool_arguments(value: Any) -> Any:
    """A tool call's input: a dict as it is, a JSON string parsed, SDK models as plain data."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    dump = getattr(value, "model_dump", None)
    return dump() if dump is not None else value


def _tool_result(block: Any) -> dict:
    content = get(block, "content")
    if isinstance(content, (list, tuple)):
        parts = content_parts(content)
        if parts and all(p["type"] == "text" for p in parts):
            response: Any = "".join(p["content"] for p in parts)
        else:
            response = parts
    else:
        response = content
    part: dict[str, Any] = {"type": "tool_call_response", "id": get(block, "tool_use_id"), "response": response}
    if get(block, "is_error") is True:
        part["is_error"] = True
    return part


def block_part(block: Any) -> dict | None:
    """One content block as a part (None for a block with nothing to show)."""
    if isinstance(block, str):
        return text_part(block)
    kind = get(block, "type")
    if kind == "text":
        return text_part(get(block, "text", ""))
    if kind == "tool_use":
        return {"type": "tool_call", "id": get(block, "id"), "name": get(block, "name"),
                "arguments": tool_arguments(get(block, "input"))}
    if kind == "tool_result":
        return _tool_result(block)
    if kind == "thinking":
        return {"type": "reasoning", "content": get(block, "thinking", "")}
    if kind == "redacted_thinking":  # encrypted: its data means nothing to a reader
        return {"type": "reasoning", "content": "", "redacted": True}
    if kind in ("image", "document"):
        part = source_part(get(block, "source"), "image" if kind == "image" else "file")
        if part is None and kind == "document":
            nested = get(get(block, "source"), "content")
            texts = [p["content"] for p in content_parts(nested) if p["type"] == "text"]
            return text_part("".join(texts)) if texts else {"type": kind}
        return part or {"type": kind}
    if kind in _SERVER_CALLS:
        call: dict[str, Any] = {"type": get(block, "name"), "arguments": tool_arguments(get(block, "input"))}
        if get(block, "server_name"):
            call["server_name"] = get(block, "server_name")
        return {"type": "server_tool_call", "id": get(block, "id"), "name": get(block, "name"),
                "server_tool_call": call}
    if isinstance(kind, str) and kind.endswith("_tool_result"):
        result = {"type": kind, "content": _plain(get(block, "content"))}
        return {"type": "server_tool_call_response", "id": get(block, "tool_use_id"),
                "server_tool_call_response": result}
    return {"type": str(kind)} if kind else None


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    dump = getattr(value, "model_dump", None)
    return dump(exclude_none=True) if dump is not None else value


def content_parts(content: Any) -> list[dict]:
    """A message's content: a string, or a list of content blocks."""
    if content is None or not given(content):
        return []
    if isinstance(content, str):
        return [text_part(content)]
    parts = []
    for block in _sequence(content):
        part = block_part(block)
        if part is not None:
            parts.append(part)
    return parts


def input_messages(messages: Any) -> list[dict]:
    return [{"role": get(m, "role", "user"), "parts": content_parts(get(m, "content"))} for m in _sequence(messages)]


def system_instructions(system: Any) -> list[dict] | None:
    """The ``system`` parameter (a string or text blocks) as instruction parts."""
    if not given(system) or system is None:
        return None
    parts = content_parts(system)
    return parts or None


def tool_definitions(tools: Any) -> list[dict]:
    """Custom tools as ``{"type": "function", name, description, parameters}``; server tools
    (typed ``web_search_20250305`` and the like) as their own definitions."""
    result = []
    for tool in _sequence(tools):
        kind = get(tool, "type")
        if kind in (None, "custom") and get(tool, "input_schema") is not None:
            entry: dict[str, Any] = {"type": "function", "name": get(tool, "name")}
            if get(tool, "description"):
                entry["description"] = get(tool, "description")
            entry["parameters"] = _plain(get(tool, "input_schema"))
            result.append(entry)
        else:
            plain = _plain(tool)
            result.append(plain if isinstance(plain, dict) else {"type": str(kind), "name": get(tool, "name")})
    return result


def output_message(content: Any, stop_reason: Any) -> dict:
    return {"role": "assistant", "parts": content_parts(content), "finish_reason": finish_reason(stop_reason) or "error"}
