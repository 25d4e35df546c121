"""Anthropic request parameters, responses and usage as span attributes (pure functions).

Requests: ``Messages.create``/``stream``/``parse`` keyword arguments (``extra_body`` read too,
where an older client passes a newer parameter). Responses: a ``Message`` (or its dict) and a
legacy ``Completion``. Usage follows the Anthropic page of the GenAI conventions: Anthropic's
``input_tokens`` leaves out cached tokens, so ``gen_ai.usage.input_tokens`` is
``input_tokens + cache_read_input_tokens + cache_creation_input_tokens``.
"""

from __future__ import annotations

from typing import Any

from ... import _vocabulary as A
from ...genai._fields import fields, get, given, number, param
from ...genai._outcome import Outcome
from ...genai._tokens import Usage
from . import _parts as P

CHAT = "chat"
TEXT_COMPLETION = "text_completion"

_NUMERIC = {
    "max_tokens": A.GEN_AI_REQUEST_MAX_TOKENS,
    "max_tokens_to_sample": A.GEN_AI_REQUEST_MAX_TOKENS,  # the legacy Text Completions name
    "temperature": A.GEN_AI_REQUEST_TEMPERATURE,
    "top_p": A.GEN_AI_REQUEST_TOP_P,
    "top_k": A.GEN_AI_REQUEST_TOP_K,
}


def _asks_json(source: dict) -> bool:
    """A structured output is asked for: ``output_format`` (a schema dict, or a type given to
    ``parse``/``stream``) or ``output_config={"format": ...}``."""
    fmt = source.get("output_format")
    if fmt is not None and given(fmt):
        return True
    config = source.get("output_config")
    return config is not None and given(config) and get(config, "format") is not None


def request_attributes(kwargs: dict, capture: bool, *, stream: bool | None = None) -> dict[str, Any]:
    """Request attributes of one call; ``stream`` is set by the methods that always stream
    (``Messages.stream``), else read from the ``stream`` argument. The body the client sends
    names every parameter (most as Omit), so the few read here are looked up by name."""
    attrs: dict[str, Any] = {}
    extra = kwargs.get("extra_body")
    for key, name in _NUMERIC.items():
        if key in kwargs:
            value = kwargs[key]
            if type(value) is int or type(value) is float or number(value) is not None:
                attrs[name] = value  # Omit and other sentinels are not numbers
    if isinstance(extra, dict):
        for key in extra.keys() & _NUMERIC.keys():
            value = number(extra[key])
            if value is not None:
                attrs.setdefault(_NUMERIC[key], value)
    stops = kwargs.get("stop_sequences")
    if isinstance(stops, (list, tuple)):  # (a sentinel is neither)
        attrs[A.GEN_AI_REQUEST_STOP_SEQUENCES] = [str(s) for s in stops]
    if stream is None:
        flag = kwargs.get("stream")
        stream = flag if isinstance(flag, bool) else None
    if stream is not None:
        attrs[A.GEN_AI_REQUEST_STREAM] = stream
    if _asks_json(kwargs) or (isinstance(extra, dict) and _asks_json(extra)):
        attrs[A.GEN_AI_OUTPUT_TYPE] = "json"
    if capture:
        messages = param(kwargs, "messages")
        if messages is not None:
            attrs[A.GEN_AI_INPUT_MESSAGES] = P.input_messages(messages)
        prompt = param(kwargs, "prompt")
        if isinstance(prompt, str):
            attrs[A.GEN_AI_INPUT_MESSAGES] = [{"role": "user", "parts": [P.text_part(prompt)]}]
        system = P.system_instructions(param(kwargs, "system"))
        if system:
            attrs[A.GEN_AI_SYSTEM_INSTRUCTIONS] = system
        tools = param(kwargs, "tools")
        if tools:
            attrs[A.GEN_AI_TOOL_DEFINITIONS] = P.tool_definitions(tools)
    return attrs


def usage_from(raw: Any) -> Usage | None:
    """An Anthropic ``usage`` object (or dict) as token counts, cache reads and writes included
    in the input count. Runs on every call: a count is an int (never a bool), checked inline."""
    if raw is None:
        return None
    data = fields(raw)
    base = data.get("input_tokens")
    if type(base) is not int:
        base = None
    read = data.get("cache_read_input_tokens")
    if type(read) is not int:
        read = None
    written = data.get("cache_creation_input_tokens")
    if type(written) is not int:
        written = None
    output = data.get("output_tokens")
    if type(output) is not int:
        output = None
    if base is None and output is None:
        return None
    total = None if base is None else base + (read or 0) + (written or 0)
    return Usage(total, output, cache_read_input_tokens=read, cache_creation_input_tokens=written)


def header_attributes(data: Any, attrs: dict) -> None:
    value = data.get("id")
    if value:
        attrs[A.GEN_AI_RESPONSE_ID] = str(value)
    value = data.get("model")
    if value:
        attrs[A.GEN_AI_RESPONSE_MODEL] = str(value)


def _header_and_stop(data: Any, attrs: dict) -> Any:
    """The response id, model and finish reason into ``attrs``; returns the raw stop reason."""
    header_attributes(data, attrs)
    stop = data.get("stop_reason")
    reason = P.finish_reason(stop)
    if reason:
        attrs[A.GEN_AI_RESPONSE_FINISH_REASONS] = [reason]
    return stop


def message_outcome(message: Any, capture: bool) -> Outcome:
    """A ``Message`` (from ``create``, ``parse`` or a stream's final message) as an outcome:
    what ``_header_and_stop`` reads, inline (this runs on every call)."""
    data = fields(message)
    attrs: dict[str, Any] = {}
    value = data.get("id")
    if value:
        attrs[A.GEN_AI_RESPONSE_ID] = value if type(value) is str else str(value)
    model = data.get("model")
    if model:
        attrs[A.GEN_AI_RESPONSE_MODEL] = model if type(model) is str else str(model)
    stop = data.get("stop_reason")
    if stop and isinstance(stop, str):
        attrs[A.GEN_AI_RESPONSE_FINISH_REASONS] = [P.FINISH_REASONS.get(stop, stop)]
    if capture:
        attrs[A.GEN_AI_OUTPUT_MESSAGES] = [P.output_message(data.get("content"), stop)]
    return Outcome(attrs, usage_from(data.get("usage")), model)


def completion_outcome(completion: Any, capture: bool) -> Outcome:
    """A legacy Text Completions ``Completion``: it carries no token counts."""
    data = fields(completion)
    attrs: dict[str, Any] = {}
    reason = P.finish_reason(_header_and_stop(data, attrs))
    if capture:
        text = data.get("completion")
        parts = [P.text_part(text)] if isinstance(text, str) else []
        attrs[A.GEN_AI_OUTPUT_MESSAGES] = [{"role": "assistant", "parts": parts,
                                            "finish_reason": reason or "error"}]
    return Outcome(attrs, None, data.get("model"))
