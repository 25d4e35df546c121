"""Chat Completions: request parameters and responses (including streamed chunks) as attributes.

The module is the core's ``Operation`` for ``chat.completions`` (and ``beta.chat.completions``)."""

from __future__ import annotations

from typing import Any

from ... import _vocabulary as A
from ...genai._outcome import Outcome
from ...genai._streams import StreamAccumulator
from ...genai._tokens import Usage
from . import _messages as M
from ...genai._fields import fields, get, number, param
from ._usage import usage_from

operation_name = "chat"


def output_type(response_format: Any) -> str | None:
    if response_format is None:
        return None
    if isinstance(response_format, type):  # parse(response_format=PydanticModel)
        return "json"
    kind = get(response_format, "type")
    if kind in ("json_object", "json_schema"):
        return "json"
    return kind if isinstance(kind, str) else None


_NUMERIC = {
    "temperature": A.GEN_AI_REQUEST_TEMPERATURE,
    "top_p": A.GEN_AI_REQUEST_TOP_P,
    "presence_penalty": A.GEN_AI_REQUEST_PRESENCE_PENALTY,
    "frequency_penalty": A.GEN_AI_REQUEST_FREQUENCY_PENALTY,
    "seed": A.GEN_AI_REQUEST_SEED,
    "max_tokens": A.GEN_AI_REQUEST_MAX_TOKENS,
}
_OTHER = frozenset(("max_completion_tokens", "stop", "n", "service_tier", "stream"))


def common_request_attributes(kwargs: dict) -> dict[str, Any]:
    """Sampling parameters shared by chat and legacy completions; unset values are left out.
    Only the keys the caller passed are looked at, in one pass (this runs on every call)."""
    attrs: dict[str, Any] = {}
    other = False
    for key in kwargs:
        name = _NUMERIC.get(key)
        if name is not None:
            value = kwargs[key]
            if type(value) is int or type(value) is float or number(value) is not None:
                attrs[name] = value  # NOT_GIVEN and other sentinels are not numbers
        elif key in _OTHER:
            other = True
    if not other:
        return attrs
    max_tokens = number(param(kwargs, "max_completion_tokens"))
    if max_tokens is not None:  # the newer name wins over max_tokens
        attrs[A.GEN_AI_REQUEST_MAX_TOKENS] = max_tokens
    stop = param(kwargs, "stop")
    if isinstance(stop, str):
        attrs[A.GEN_AI_REQUEST_STOP_SEQUENCES] = [stop]
    elif isinstance(stop, (list, tuple)):
        attrs[A.GEN_AI_REQUEST_STOP_SEQUENCES] = [str(s) for s in stop]
    n = number(param(kwargs, "n"))
    if n is not None and n != 1:
        attrs[A.GEN_AI_REQUEST_CHOICE_COUNT] = n
    tier_and_stream(kwargs, attrs)
    return attrs


def tier_and_stream(kwargs: dict, attrs: dict) -> None:
    """The request's service tier and stream flag (every API that takes them)."""
    tier = param(kwargs, "service_tier")
    if isinstance(tier, str):
        attrs[A.OPENAI_REQUEST_SERVICE_TIER] = tier
    stream = param(kwargs, "stream")
    if isinstance(stream, bool):
        attrs[A.GEN_AI_REQUEST_STREAM] = stream


def request_attributes(kwargs: dict, capture: bool) -> dict[str, Any]:
    attrs = common_request_attributes(kwargs)
    if "response_format" in kwargs:  # (most calls pass neither: no reader called)
        kind = output_type(param(kwargs, "response_format"))
        if kind:
            attrs[A.GEN_AI_OUTPUT_TYPE] = kind
    effort = kwargs.get("reasoning_effort")
    if isinstance(effort, str):  # (a NOT_GIVEN sentinel is not a str)
        attrs[A.REQUEST_REASONING_EFFORT] = effort
    if capture:
        messages = param(kwargs, "messages")
        if messages is not None:
            attrs[A.GEN_AI_INPUT_MESSAGES] = M.chat_input_messages(messages)
        tools = param(kwargs, "tools") or param(kwargs, "functions")
        if tools:
            if param(kwargs, "functions") and not param(kwargs, "tools"):
                tools = [{"type": "function", "function": f} for f in tools]
            attrs[A.GEN_AI_TOOL_DEFINITIONS] = M.chat_tool_definitions(tools)
    return attrs


_HEADER_ATTRIBUTES = (
    ("id", A.GEN_AI_RESPONSE_ID),
    ("model", A.GEN_AI_RESPONSE_MODEL),
    ("system_fingerprint", A.OPENAI_RESPONSE_SYSTEM_FINGERPRINT),
    ("service_tier", A.OPENAI_RESPONSE_SERVICE_TIER),
)
_HEADER_KEYS = tuple(key for key, _ in _HEADER_ATTRIBUTES)


def header_attributes(data: Any, attrs: dict) -> None:
    """Response id, model, system fingerprint and service tier, whichever ``data`` carries:
    a response's ``fields()`` or the header a stream assembled (every API's responses)."""
    for key, name in _HEADER_ATTRIBUTES:
        value = data.get(key)
        if value:
            attrs[name] = value if type(value) is str else str(value)  # str() of a str is itself


def response_outcome(response: Any, capture: bool) -> Outcome:
    attrs: dict[str, Any] = {}
    data = fields(response)
    header_attributes(data, attrs)
    choices = data.get("choices") or ()
    reasons = []
    for choice in choices:
        reason = get(choice, "finish_reason")
        if reason:
            reasons.append(reason if type(reason) is str else str(reason))
    if reasons:
        attrs[A.GEN_AI_RESPONSE_FINISH_REASONS] = reasons
    if capture and choices:
        attrs[A.GEN_AI_OUTPUT_MESSAGES] = [
            M.chat_output_message(get(c, "message"), get(c, "finish_reason")) for c in choices
        ]
    return Outcome(attrs, usage_from(data.get("usage")), data.get("model"))


# --- streams -------------------------------------------------------------------

class _Choice:
    __slots__ = ("text", "reasoning", "refusal", "tools", "finish_reason", "role")

    def __init__(self) -> None:
        self.text: list[str] = []
        self.reasoning: list[str] = []
        self.refusal: list[str] = []
        self.tools: dict[int, dict] = {}  # tool-call index -> {id, name, arguments: [pieces]}
        self.finish_reason: str | None = None
        self.role = "assistant"


class ChatStreamAccumulator(StreamAccumulator):
    """Assembles ``ChatCompletionChunk``s: text, reasoning, tool-call deltas (arguments in
    pieces, ``None`` pieces skipped), finish reason per choice, usage from the last chunk."""

    def __init__(self) -> None:
        self.header: dict[str, Any] = {}
        self.choices: dict[int, _Choice] = {}
        self.usage: Usage | None = None
        self._header_pending = True

    def add(self, chunk: Any) -> None:
        # Runs once per chunk: each object's fields are fetched once, header fields only until seen.
        data = fields(chunk)
        if self._header_pending and data.get("id"):
            # The first chunk with an id carries the header (Azure sends a filter-results chunk
            # with an empty id first); later chunks repeat it.
            self._header_pending = False
            for key in _HEADER_KEYS:
                value = data.get(key)
                if value:
                    self.header[key] = value
        usage = data.get("usage")
        if usage is not None:
            usage = usage_from(usage)
            if usage is not None:
                self.usage = usage
        for raw in data.get("choices") or ():
            raw = fields(raw)
            index = raw.get("index") or 0
            choice = self.choices.get(index)
            if choice is None:
                choice = self.choices[index] = _Choice()
            delta = raw.get("delta")
            if delta is not None:
                self._add_delta(choice, fields(delta))
            finish_reason = raw.get("finish_reason")
            if finish_reason:
                choice.finish_reason = finish_reason

    @staticmethod
    def _add_delta(choice: _Choice, delta: Any) -> None:
        role = delta.get("role")
        if role:
            choice.role = role
        content = delta.get("content")
        if isinstance(content, str):
            choice.text.append(content)
        reasoning = delta.get("reasoning_content") or delta.get("reasoning")
        if isinstance(reasoning, str):
            choice.reasoning.append(reasoning)
        refusal = delta.get("refusal")
        if isinstance(refusal, str):
            choice.refusal.append(refusal)
        for call in delta.get("tool_calls") or ():
            slot = choice.tools.setdefault(get(call, "index", len(choice.tools)),
                                           {"id": None, "name": None, "arguments": []})
            call_id = get(call, "id")
            if call_id:
                slot["id"] = call_id
            fn = get(call, "function")
            name = get(fn, "name")
            if name:
                slot["name"] = name
            arguments = get(fn, "arguments")
            if isinstance(arguments, str):
                slot["arguments"].append(arguments)

    def outcome(self, capture: bool) -> Outcome:
        attrs: dict[str, Any] = {}
        header_attributes(self.header, attrs)
        ordered = [self.choices[i] for i in sorted(self.choices)]
        reasons = [c.finish_reason for c in ordered if c.finish_reason]
        if reasons:
            attrs[A.GEN_AI_RESPONSE_FINISH_REASONS] = reasons
        if capture and ordered:
            attrs[A.GEN_AI_OUTPUT_MESSAGES] = [self._message(c) for c in ordered]
        return Outcome(attrs, self.usage, self.header.get("model"))

    @staticmethod
    def _message(choice: _Choice) -> dict:
        message = {
            "role": choice.role,
            "content": "".join(choice.text) or None,
            "reasoning_content": "".join(choice.reasoning) or None,
            "refusal": "".join(choice.refusal) or None,
            "tool_calls": [
                {"id": t["id"], "function": {"name": t["name"], "arguments": "".join(t["arguments"])}}
                for _, t in sorted(choice.tools.items())
            ],
        }
        return M.chat_output_message(message, choice.finish_reason)


stream_accumulator = ChatStreamAccumulator
