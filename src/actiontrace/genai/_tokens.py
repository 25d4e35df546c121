"""Token usage of one response, from any of the API's usage shapes, as span attributes."""

from __future__ import annotations

from typing import Any

from .. import _vocabulary as A
from ..instrumentation.openai._fields import fields, get


class Usage:
    """Token counts; a count the response does not carry stays None (never a made-up 0)."""

    __slots__ = ("input_tokens", "output_tokens", "cached_input_tokens", "reasoning_tokens",
                 "cache_creation_input_tokens")

    def __init__(self, input_tokens: int | None = None, output_tokens: int | None = None,
                 cached_input_tokens: int | None = None, reasoning_tokens: int | None = None,
                 cache_creation_input_tokens: int | None = None) -> None:
        # input_tokens counts every input token, the cached and cache-written ones included.
        self.input_tokens = input_tokens
        self.output_tokens = output_tokens
        self.cached_input_tokens = cached_input_tokens
        self.reasoning_tokens = reasoning_tokens
        self.cache_creation_input_tokens = cache_creation_input_tokens

    def __repr__(self) -> str:
        return (f"Usage(input_tokens={self.input_tokens}, output_tokens={self.output_tokens}, "
                f"cached_input_tokens={self.cached_input_tokens}, reasoning_tokens={self.reasoning_tokens}, "
                f"cache_creation_input_tokens={self.cache_creation_input_tokens})")

    @property
    def empty(self) -> bool:
        return self.input_tokens is None and self.output_tokens is None

    def add_to(self, attrs: dict[str, Any]) -> None:
        """Write the known counts into ``attrs`` as GenAI usage attributes."""
        if self.input_tokens is not None:
            attrs[A.GEN_AI_USAGE_INPUT_TOKENS] = self.input_tokens
        if self.output_tokens is not None:
            attrs[A.GEN_AI_USAGE_OUTPUT_TOKENS] = self.output_tokens
        if self.cached_input_tokens is not None:
            attrs[A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = self.cached_input_tokens
        if self.reasoning_tokens is not None:
            attrs[A.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = self.reasoning_tokens
        if self.cache_creation_input_tokens is not None:
            attrs[A.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = self.cache_creation_input_tokens


def _count(value: Any) -> int | None:
    # A real int (bool is an int subclass and never a count); anything else is unknown.
    return value if type(value) is int else None


def usage_from(raw: Any) -> Usage | None:
    """Chat/legacy (prompt_/completion_tokens) and Responses/embeddings (input_/output_tokens) usage."""
    if raw is None:
        return None
    data = fields(raw)
    input_tokens = _count(data.get("prompt_tokens"))
    if input_tokens is None:
        input_tokens = _count(data.get("input_tokens"))
    output_tokens = _count(data.get("completion_tokens"))
    if output_tokens is None:
        output_tokens = _count(data.get("output_tokens"))
    in_details = data.get("prompt_tokens_details") or data.get("input_tokens_details")
    out_details = data.get("completion_tokens_details") or data.get("output_tokens_details")
    cached = _count(get(in_details, "cached_tokens")) if in_details is not None else None
    reasoning = _count(get(out_details, "reasoning_tokens")) if out_details is not None else None
    if input_tokens is None and output_tokens is None and cached is None:
        return None
    return Usage(input_tokens, output_tokens, cached, reasoning)
