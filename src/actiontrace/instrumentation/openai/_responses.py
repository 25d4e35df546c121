"""Responses API: request parameters, ``Response`` objects and streamed events as attributes."""

from __future__ import annotations

from typing import Any

from ... import _vocabulary as A
from ...genai._messages import message, system_instructions, text_part, tool_call_part
from ...genai._outcome import Outcome
from ...genai._streams import StreamAccumulator
from ...genai._tokens import Usage
from . import _messages as M
from ._chat import header_attributes, output_type, tier_and_stream
from ...genai._fields import fields, get, number, param
from ._usage import usage_from

operation_name = "chat"


def request_attributes(kwargs: dict, capture: bool) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    for key, name in (("temperature", A.GEN_AI_REQUEST_TEMPERATURE), ("top_p", A.GEN_AI_REQUEST_TOP_P),
                      ("max_output_tokens", A.GEN_AI_REQUEST_MAX_TOKENS)):
        value = number(param(kwargs, key))
        if value is not None:
            attrs[name] = value
    text = param(kwargs, "text")
    kind = "json" if param(kwargs, "text_format") is not None else output_type(get(text, "format"))
    if kind:
        attrs[A.GEN_AI_OUTPUT_TYPE] = kind
    effort = get(param(kwargs, "reasoning"), "effort")
    if isinstance(effort, str):
        attrs[A.REQUEST_REASONING_EFFORT] = effort
    tier_and_stream(kwargs, attrs)
    if param(kwargs, "conversation") is not None:
        conv = param(kwargs, "conversation")
        conv_id = conv if isinstance(conv, str) else get(conv, "id")
        if conv_id:
            attrs[A.GEN_AI_CONVERSATION_ID] = str(conv_id)
    if capture:
        instructions = system_instructions(param(kwargs, "instructions"))
        if instructions:
            attrs[A.GEN_AI_SYSTEM_INSTRUCTIONS] = instructions
        messages = M.responses_input_messages(param(kwargs, "input"))
        if messages:
            attrs[A.GEN_AI_INPUT_MESSAGES] = messages
        tools = param(kwargs, "tools")
        if tools:
            attrs[A.GEN_AI_TOOL_DEFINITIONS] = M.responses_tool_definitions(tools)
    return attrs


def finish_reason(response: Any) -> str | None:
    """The Responses API has a status, not a finish reason: map it onto the chat vocabulary."""
    status = get(response, "status")
    if status == "completed":
        calls = [o for o in get(response, "output") or [] if get(o, "type") in ("function_call", "custom_tool_call")]
        return "tool_calls" if calls else "stop"
    if status == "incomplete":
        reason = get(get(response, "incomplete_details"), "reason")
        return {"max_output_tokens": "length"}.get(reason, reason or "incomplete")
    if status in ("failed", "cancelled"):
        return "error" if status == "failed" else "cancelled"
    return None


def response_outcome(response: Any, capture: bool) -> Outcome:
    attrs: dict[str, Any] = {}
    header_attributes(fields(response), attrs)
    reason = finish_reason(response)
    if reason:
        attrs[A.GEN_AI_RESPONSE_FINISH_REASONS] = [reason]
    if capture and get(response, "output") is not None:
        attrs[A.GEN_AI_OUTPUT_MESSAGES] = [
            message("assistant", M.responses_output_parts(get(response, "output")), reason or "error")]
    return Outcome(attrs, usage_from(get(response, "usage")), get(response, "model"))


class ResponsesStreamAccumulator(StreamAccumulator):
    """Follows ``response.*`` events; the final ``response.completed``/``incomplete``/``failed``
    event carries the whole response, earlier events give a partial picture if the stream stops."""

    _FINAL = ("response.completed", "response.incomplete", "response.failed", "response.cancelled")

    def __init__(self) -> None:
        self.snapshot: Any = None  # latest full response object seen
        self.final: Any = None
        self.text: dict[int, list[str]] = {}
        self.calls: dict[int, dict] = {}

    def add(self, event: Any) -> None:
        kind = get(event, "type")
        response = get(event, "response")
        if response is not None:
            self.snapshot = response
            if kind in self._FINAL:
                self.final = response
        index = get(event, "output_index", 0)
        if kind == "response.output_text.delta" and isinstance(get(event, "delta"), str):
            self.text.setdefault(index, []).append(get(event, "delta"))
        elif kind == "response.output_item.added" and get(get(event, "item"), "type") == "function_call":
            item = get(event, "item")
            self.calls[index] = {"call_id": get(item, "call_id"), "name": get(item, "name"), "arguments": []}
        elif kind == "response.function_call_arguments.delta" and index in self.calls:
            if isinstance(get(event, "delta"), str):
                self.calls[index]["arguments"].append(get(event, "delta"))

    def outcome(self, capture: bool) -> Outcome:
        if self.final is not None:
            return response_outcome(self.final, capture)
        attrs: dict[str, Any] = {}
        if self.snapshot is not None:
            if get(self.snapshot, "id"):
                attrs[A.GEN_AI_RESPONSE_ID] = str(get(self.snapshot, "id"))
            if get(self.snapshot, "model"):
                attrs[A.GEN_AI_RESPONSE_MODEL] = str(get(self.snapshot, "model"))
        if capture and (self.text or self.calls):
            parts: list[dict] = []
            for index in sorted(set(self.text) | set(self.calls)):
                if index in self.text:
                    parts.append(text_part("".join(self.text[index])))
                if index in self.calls:
                    call = self.calls[index]
                    parts.append(tool_call_part(call["call_id"], call["name"], "".join(call["arguments"])))
            attrs[A.GEN_AI_OUTPUT_MESSAGES] = [message("assistant", parts, "error")]
        model = get(self.snapshot, "model") if self.snapshot is not None else None
        usage: Usage | None = usage_from(get(self.snapshot, "usage")) if self.snapshot is not None else None
        return Outcome(attrs, usage, model)


stream_accumulator = ResponsesStreamAccumulator
