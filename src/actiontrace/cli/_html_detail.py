"""The detail panel of one waterfall row, as data: a list of sections, one small builder per kind.

Each builder takes a span and returns a section (a dict with ``kind``) or None when it has
nothing to say; the page's script draws each kind. Every value here is plain text the script
inserts with ``textContent``, so recorded prompts and results can never become markup.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from .. import _vocabulary as A
from ..reading._reader import Span
from ._render import fmt_cost, fmt_tokens

TEXT_LIMIT = 20_000  # characters of one text (a message, arguments, a result) kept in the page
ATTR_LIMIT = 2_000
Section = dict[str, Any]

# Shown by the conversation section, so the attribute list leaves them out.
_CONTENT_KEYS = (A.GEN_AI_INPUT_MESSAGES, A.GEN_AI_OUTPUT_MESSAGES, A.GEN_AI_SYSTEM_INSTRUCTIONS,
                 A.GEN_AI_TOOL_DEFINITIONS)


def _cut(text: str, limit: int = TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text) - limit:,} more characters)"


def _text(value: Any) -> str:
    """A value as readable text: JSON (in a string or not) pretty-printed, anything else as is."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return _cut(value)
        if not isinstance(parsed, (dict, list)):
            return _cut(parsed if isinstance(parsed, str) else value)
        value = parsed
    return _cut(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _structured(value: Any) -> Any:
    """A GenAI content attribute as lists and dicts: JSON text on spans, structured in events."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _part(part: Any) -> dict[str, Any]:
    if not isinstance(part, dict):
        return {"type": "text", "text": _text(part)}
    kind = part.get("type")
    if kind == "text":
        return {"type": "text", "text": _cut(str(part.get("content", "")))}
    if kind == "tool_call":
        return {"type": "tool_call", "name": str(part.get("name") or "?"), "id": str(part.get("id") or ""),
                "text": _text(part.get("arguments"))}
    if kind == "tool_call_response":
        return {"type": "tool_result", "id": str(part.get("id") or ""), "text": _text(part.get("response"))}
    rest = {k: v for k, v in part.items() if k != "type"}
    return {"type": str(kind or "part"), "text": _text(rest) if rest else ""}


def _messages(value: Any, *, output: bool = False) -> list[dict[str, Any]]:
    items = _structured(value)
    if not isinstance(items, list):
        return [{"role": "?", "parts": [{"type": "text", "text": _text(value)}]}] if value else []
    out: list[dict[str, Any]] = []
    for m in items:
        if not isinstance(m, dict):
            out.append({"role": "?", "parts": [_part(m)]})
            continue
        message: dict[str, Any] = {"role": str(m.get("role") or "?"),
                                   "parts": [_part(p) for p in m.get("parts") or []]}
        if output:
            message["output"] = True
            if m.get("finish_reason"):
                message["finish"] = str(m["finish_reason"])
        out.append(message)
    return out


def _content_source(span: Span) -> dict[str, Any]:
    """Where the conversation is: the span's attributes, else its inference-details event."""
    if any(k in span.attributes for k in _CONTENT_KEYS):
        return span.attributes
    for record in span.log_records:
        attrs: dict[str, Any] = record.attributes or {}
        if record.event_name == A.GEN_AI_INFERENCE_DETAILS_EVENT and any(k in attrs for k in _CONTENT_KEYS):
            return attrs
    return {}


def conversation_section(span: Span) -> Section | None:
    """An LLM call: system instructions, each input message, the output with its finish reason,
    tokens and cost, the tools offered."""
    source = _content_source(span)
    if not source and span.span_type != "llm":
        return None
    messages: list[dict[str, Any]] = []
    system = _structured(source.get(A.GEN_AI_SYSTEM_INSTRUCTIONS))
    if system:
        parts = system if isinstance(system, list) else [system]
        messages.append({"role": "system", "parts": [_part(p) for p in parts]})
    messages += _messages(source.get(A.GEN_AI_INPUT_MESSAGES))
    messages += _messages(source.get(A.GEN_AI_OUTPUT_MESSAGES), output=True)
    finish = span.attributes.get(A.GEN_AI_RESPONSE_FINISH_REASONS)
    tools = _structured(source.get(A.GEN_AI_TOOL_DEFINITIONS))
    section: Section = {
        "kind": "conversation", "model": span.model or "", "messages": messages,
        "finish": ", ".join(map(str, finish)) if isinstance(finish, (list, tuple)) else str(finish or ""),
        "tokens": fmt_tokens(span.input_tokens, span.output_tokens), "cost": fmt_cost(span.cost_usd),
    }
    if isinstance(tools, list) and tools:
        section["tools"] = [str(t.get("name") or (t.get("function") or {}).get("name") or "?")
                            if isinstance(t, dict) else str(t) for t in tools]
        section["tools_text"] = _text(tools)
    return section


def io_section(span: Span) -> Section | None:
    """What went in and came out: a tool's arguments and result, an agent's input and output."""
    a = span.attributes
    tool = span.span_type == "tool" or A.MCP_METHOD_NAME in a or A.GEN_AI_TOOL_NAME in a
    rows = []
    for label, keys in ((("arguments" if tool else "input"), (A.INPUT, A.GEN_AI_TOOL_CALL_ARGUMENTS)),
                        (("result" if tool else "output"), (A.OUTPUT, A.GEN_AI_TOOL_CALL_RESULT))):
        value = next((a[k] for k in keys if a.get(k) not in (None, "")), None)
        if value is not None:
            rows.append([label, _text(value)])
    if not rows:
        return None
    return {"kind": "tool" if tool else "io", "name": span.tool_name or "", "rows": rows}


def error_section(span: Span) -> Section | None:
    """The exception: type, message and stack trace from its event, else the span's status."""
    event = next((e for e in reversed(span.events) if e.get("name") == "exception"), None)
    if event is None and not span.is_error:
        return None
    attrs = (event or {}).get("attributes") or {}
    etype = str(attrs.get("exception.type") or span.attributes.get(A.ERROR_TYPE) or "error")
    message = str(attrs.get("exception.message") or span.status_message or "")
    if message.startswith(etype + ": "):  # the SDK's status description repeats the type
        message = message[len(etype) + 2:]
    return {"kind": "error", "type": etype, "message": _cut(message),
            "stack": _cut(str(attrs.get("exception.stacktrace") or ""))}


def events_section(span: Span) -> Section | None:
    """The GenAI events (log records) emitted in the span and its other span events."""
    from ._view import event_line

    items = [{"name": r.event_name or "log record", "line": event_line(r, 400)} for r in span.log_records]
    items += [{"name": str(e.get("name") or "event"), "line": _event_attrs(e)} for e in span.events
              if e.get("name") != "exception"]
    return {"kind": "events", "items": items} if items else None


def _event_attrs(event: dict[str, Any]) -> str:
    attrs = event.get("attributes") or {}
    return " · ".join(f"{k}={_cut(str(v), 200)}" for k, v in attrs.items())


def attributes_section(span: Span) -> Section | None:
    """Every other attribute, one line each (the page shows them folded)."""
    rows = [[k, _cut(str(v), ATTR_LIMIT)] for k, v in sorted(span.attributes.items()) if k not in _CONTENT_KEYS]
    rows += [["resource " + k, _cut(str(v), ATTR_LIMIT)] for k, v in sorted(span.resource.items())]
    return {"kind": "attributes", "rows": rows} if rows else None


SECTIONS: tuple[Callable[[Span], Section | None], ...] = (
    error_section, conversation_section, io_section, events_section, attributes_section)


def detail_sections(span: Span) -> list[Section]:
    return [s for s in (build(span) for build in SECTIONS) if s is not None]
