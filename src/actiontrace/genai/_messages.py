"""Builders for the GenAI conventions' message and part JSON schemas, shared by providers.

A message is ``{"role", "parts"}`` (an output message adds ``finish_reason``); the parts are
``text``, ``tool_call``, ``tool_call_response``, ``reasoning``, ``blob``, ``uri`` and ``file``,
and a part the conventions have no schema for is ``{"type": <its kind>}``. Each provider turns
its own request and response shapes into these in its own folder.
"""

from __future__ import annotations

import json
from typing import Any

_MODALITY_BY_PREFIX = (("image/", "image"), ("audio/", "audio"), ("video/", "video"))


def message(role: Any, parts: list[dict], finish_reason: Any = None) -> dict:
    """An input message, or (with ``finish_reason``) an output message."""
    if finish_reason is None:
        return {"role": role, "parts": parts}
    return {"role": role, "parts": parts, "finish_reason": finish_reason}


def text_part(text: Any) -> dict:
    return {"type": "text", "content": text if isinstance(text, str) else str(text)}


def reasoning_part(text: Any) -> dict:
    return {"type": "reasoning", "content": text}


def parse_arguments(raw: Any) -> Any:
    """Tool-call arguments as parsed JSON when they are valid JSON, else the raw string."""
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def tool_call_part(call_id: Any, name: Any, arguments: Any) -> dict:
    """A tool call; ``arguments`` as sent (a JSON string is parsed), None when there are none."""
    part: dict[str, Any] = {"type": "tool_call", "name": name}
    if call_id:
        part["id"] = call_id
    if arguments is not None:
        part["arguments"] = parse_arguments(arguments)
    return part


def tool_call_response_part(call_id: Any, response: Any) -> dict:
    part: dict[str, Any] = {"type": "tool_call_response", "response": response}
    if call_id:
        part["id"] = call_id
    return part


def modality(mime: str | None, default: str = "image") -> str:
    """The conventions' modality of a MIME type (``image``, ``audio``, ``video``), else ``default``."""
    for prefix, kind in _MODALITY_BY_PREFIX:
        if mime and mime.startswith(prefix):
            return kind
    return default


def blob_part(kind: str, content: Any, mime_type: str | None = None) -> dict:
    """Inline data (base64 as the API carries it) of modality ``kind``."""
    part = {"type": "blob", "modality": kind, "content": content}
    if mime_type:
        part["mime_type"] = mime_type
    return part


def uri_part(kind: str, uri: Any) -> dict:
    return {"type": "uri", "modality": kind, "uri": uri}


def file_part(kind: str, file_id: Any) -> dict:
    return {"type": "file", "modality": kind, "file_id": file_id}


def data_url_part(url: str, default_modality: str) -> dict:
    """``data:<mime>;base64,<payload>`` becomes a blob part; anything else a uri part."""
    if url.startswith("data:") and "," in url:
        header, payload = url[5:].split(",", 1)
        mime = header.split(";", 1)[0] or None
        return blob_part(modality(mime, default_modality), payload, mime)
    return uri_part(default_modality, url)


def other_part(kind: Any) -> dict:
    """A part the conventions have no schema for: its kind alone, never its content."""
    return {"type": str(kind)}


def system_instructions(text: Any) -> list[dict] | None:
    """A system prompt given as one string; None when there is none."""
    if isinstance(text, str) and text:
        return [text_part(text)]
    return None


def tool_definition(name: Any, description: Any = None, parameters: Any = None, kind: Any = "function") -> dict:
    """A function tool offered to the model (``parameters``: its JSON schema)."""
    entry = {"type": kind, "name": name}
    if description:
        entry["description"] = description
    if parameters is not None:
        entry["parameters"] = parameters
    return entry
