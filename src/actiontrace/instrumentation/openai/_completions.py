"""Legacy Completions (``text_completion``): prompt in, text choices out."""

from __future__ import annotations

from typing import Any

from ... import _vocabulary as A
from ...genai._messages import message, text_part
from ...genai._outcome import Outcome
from ...genai._streams import StreamAccumulator
from ...genai._tokens import Usage
from ._chat import common_request_attributes, header_attributes
from ...genai._fields import fields, get, param
from ._usage import usage_from

operation_name = "text_completion"


def request_attributes(kwargs: dict, capture: bool) -> dict[str, Any]:
    attrs = common_request_attributes(kwargs)
    if capture:
        prompt = param(kwargs, "prompt")
        prompts = prompt if isinstance(prompt, list) else [prompt] if prompt is not None else []
        attrs[A.GEN_AI_INPUT_MESSAGES] = [message("user", [text_part(p)]) for p in prompts if isinstance(p, str)]
    return attrs


def _output(choices: list, capture: bool, attrs: dict) -> None:
    reasons = [str(get(c, "finish_reason")) for c in choices if get(c, "finish_reason")]
    if reasons:
        attrs[A.GEN_AI_RESPONSE_FINISH_REASONS] = reasons
    if capture and choices:
        attrs[A.GEN_AI_OUTPUT_MESSAGES] = [
            message("assistant", [text_part(get(c, "text", ""))], get(c, "finish_reason") or "error")
            for c in choices
        ]


def response_outcome(response: Any, capture: bool) -> Outcome:
    attrs: dict[str, Any] = {}
    header_attributes(fields(response), attrs)
    _output(get(response, "choices") or [], capture, attrs)
    return Outcome(attrs, usage_from(get(response, "usage")), get(response, "model"))


class CompletionStreamAccumulator(StreamAccumulator):
    def __init__(self) -> None:
        self.header: dict[str, Any] = {}
        self.texts: dict[int, list[str]] = {}
        self.reasons: dict[int, str] = {}
        self.usage: Usage | None = None

    def add(self, chunk: Any) -> None:
        for key in ("id", "model", "system_fingerprint"):
            if key not in self.header and get(chunk, key):  # header fields only until seen
                self.header[key] = get(chunk, key)
        usage = usage_from(get(chunk, "usage"))
        if usage is not None:
            self.usage = usage
        for choice in get(chunk, "choices") or []:
            index = get(choice, "index", 0)
            self.texts.setdefault(index, [])
            if isinstance(get(choice, "text"), str):
                self.texts[index].append(get(choice, "text"))
            if get(choice, "finish_reason"):
                self.reasons[index] = get(choice, "finish_reason")

    def outcome(self, capture: bool) -> Outcome:
        attrs: dict[str, Any] = {}
        header_attributes(self.header, attrs)
        choices = [{"text": "".join(self.texts[i]), "finish_reason": self.reasons.get(i)} for i in sorted(self.texts)]
        _output(choices, capture, attrs)
        return Outcome(attrs, self.usage, self.header.get("model"))


stream_accumulator = CompletionStreamAccumulator
