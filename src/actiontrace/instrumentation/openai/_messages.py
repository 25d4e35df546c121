"""OpenAI request/response content as GenAI semantic-convention messages.

Shapes follow the conventions' JSON schemas: a message is ``{"role", "parts"}`` (output
messages add ``finish_reason``); parts are ``text``, ``tool_call``, ``tool_call_response``,
``reasoning``, ``uri``, ``blob`` and ``file``. Inputs are SDK objects or plain dicts.
"""

from __future__ import annotations

from typing import Any

from ... import _settings
from ...setup import _configure
from ...spans._capture import capture_enabled
from ._fields import get, given, parse_arguments

_MODALITY_BY_PREFIX = (("image/", "image"), ("audio/", "audio"), ("video/", "video"))


def _modality(mime: str | None, default: str = "image") -> str:
    for prefix, modality in _MODALITY_BY_PREFIX:
        if mime and mime.startswith(prefix):
            return modality
    return default


def _data_url_part(url: str, default_modality: str) -> dict:
    """``data:<mime>;base64,<payload>`` becomes a blob part; anything else a uri part."""
    if url.startswith("data:") and "," in url:
        header, payload = url[5:].split(",", 1)
        mime = header.split(";", 1)[0] or None
        part = {"type": "blob", "modality": _modality(mime, default_modality), "content": payload}
        if mime:
            part["mime_type"] = mime
        return part
    return {"type": "uri", "modality": default_modality, "uri": url}


def text_part(text: Any) -> dict:
    return {"type": "text", "content": text if isinstance(text, str) else str(text)}


def tool_call_part(call_id: Any, name: Any, arguments: Any) -> dict:
    part: dict[str, Any] = {"type": "tool_call", "name": name}
    if call_id:
        part["id"] = call_id
    if arguments is not None:
        part["arguments"] = parse_arguments(arguments)
    return part


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
        elif kind == "image_url":
            url = get(get(item, "image_url"), "url") or ""
            parts.append(_data_url_part(url, "image"))
        elif kind == "input_image":
            if get(item, "image_url"):
                parts.append(_data_url_part(get(item, "image_url"), "image"))
            elif get(item, "file_id"):
                parts.append({"type": "file", "modality": "image", "file_id": get(item, "file_id")})
        elif kind == "input_audio":
            audio = get(item, "input_audio")
            fmt = get(audio, "format")
            part = {"type": "blob", "modality": "audio", "content": get(audio, "data", "")}
            if fmt:
                part["mime_type"] = f"audio/{fmt}"
            parts.append(part)
        elif kind in ("file", "input_file"):
            file = get(item, "file") or item
            if get(file, "file_id"):
                parts.append({"type": "file", "modality": "file", "file_id": get(file, "file_id")})
            elif get(file, "file_data"):
                parts.append(_data_url_part(get(file, "file_data"), "file"))
            elif get(file, "file_url"):
                parts.append({"type": "uri", "modality": "file", "uri": get(file, "file_url")})
        elif kind:
            parts.append({"type": str(kind)})  # a part the conventions have no schema for
    return parts


# --- Chat Completions ---------------------------------------------------------

def _chat_tool_calls(message: Any) -> list[dict]:
    parts = []
    for call in get(message, "tool_calls") or []:
        fn = get(call, "function") or get(call, "custom")
        parts.append(tool_call_part(get(call, "id"), get(fn, "name"), get(fn, "arguments") or get(fn, "input")))
    legacy = get(message, "function_call")
    if legacy:
        parts.append(tool_call_part(None, get(legacy, "name"), get(legacy, "arguments")))
    return parts


def _sequence(value: Any) -> list | tuple:
    """Only lists and tuples are read: an iterator the caller passed is the client's to consume."""
    return value if isinstance(value, (list, tuple)) else ()


def chat_input_messages(messages: Any) -> list[dict]:
    result = []
    for message in _sequence(messages):
        role = get(message, "role", "user")
        if role in ("tool", "function"):
            part = {"type": "tool_call_response", "response": _flatten_text(get(message, "content"))}
            if get(message, "tool_call_id"):
                part["id"] = get(message, "tool_call_id")
            result.append({"role": "tool", "parts": [part]})
            continue
        parts = content_parts(get(message, "content"))
        if role == "assistant":
            parts.extend(_chat_tool_calls(message))
        result.append({"role": role, "parts": parts})
    return result


def _flatten_text(content: Any) -> Any:
    if isinstance(content, list):
        texts = [get(p, "text") for p in content if get(p, "text") is not None]
        return "".join(texts) if texts else content
    return content


def chat_output_message(message: Any, finish_reason: Any) -> dict:
    parts: list[dict] = []
    reasoning = get(message, "reasoning_content") or get(message, "reasoning")
    if isinstance(reasoning, str) and reasoning:
        parts.append({"type": "reasoning", "content": reasoning})
    content = get(message, "content")
    if content:
        parts.extend(content_parts(content))
    refusal = get(message, "refusal")
    if refusal:
        parts.append(text_part(refusal))
    parts.extend(_chat_tool_calls(message))
    return {"role": get(message, "role", "assistant"), "parts": parts, "finish_reason": finish_reason or "error"}


def chat_tool_definitions(tools: Any) -> list[dict]:
    result = []
    for tool in _sequence(tools):
        fn = get(tool, "function")
        if fn is not None:
            entry = {"type": get(tool, "type", "function"), "name": get(fn, "name")}
            if get(fn, "description"):
                entry["description"] = get(fn, "description")
            if get(fn, "parameters") is not None:
                entry["parameters"] = get(fn, "parameters")
            result.append(entry)
        else:
            result.append(_plain(tool))
    return result


# --- Responses ----------------------------------------------------------------

def responses_input_messages(value: Any) -> list[dict]:
    if not given(value) or value is None:
        return []
    if isinstance(value, str):
        return [{"role": "user", "parts": [text_part(value)]}]
    result: list[dict] = []
    for item in _sequence(value):
        kind = get(item, "type")
        if kind == "function_call":
            part = tool_call_part(get(item, "call_id"), get(item, "name"), get(item, "arguments"))
            result.append({"role": "assistant", "parts": [part]})
        elif kind in ("function_call_output", "custom_tool_call_output"):
            part = {"type": "tool_call_response", "id": get(item, "call_id"), "response": get(item, "output")}
            result.append({"role": "tool", "parts": [part]})
        elif kind == "reasoning":
            result.append({"role": "assistant", "parts": _reasoning_parts(item)})
        elif get(item, "role") is not None:
            result.append({"role": get(item, "role"), "parts": content_parts(get(item, "content"))})
        elif kind:
            result.append({"role": "user", "parts": [{"type": str(kind)}]})
    return result


def _reasoning_parts(item: Any) -> list[dict]:
    texts = [get(s, "text") for s in (get(item, "summary") or []) + (get(item, "content") or [])]
    return [{"type": "reasoning", "content": t} for t in texts if t]


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
            parts.append({"type": str(kind)})
    return parts


def responses_tool_definitions(tools: Any) -> list[dict]:
    return [_plain(tool) for tool in _sequence(tools)]


def system_instructions(text: Any) -> list[dict] | None:
    if isinstance(text, str) and text:
        return [text_part(text)]
    return None


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


# --- capture switch -------------------------------------------------------------

def capture_content() -> bool:
    """The core switch once ``configure()`` ran; otherwise the OTel GenAI variable (default off)."""
    try:
        if _configure._state is not None:  # configure() ran: its switch rules
            return bool(capture_enabled())
    except Exception:
        pass
    return _settings.genai_capture_message_content()
