"""Token usage of one response, provider-neutral, as span attributes.

Each provider maps its own usage shape onto :class:`Usage` in its own folder. The counts
follow the GenAI conventions: ``input_tokens`` is every input token, cached ones included
(a provider whose API reports them apart adds them in); the cache and reasoning counts are
the parts of input and output the conventions name separately.
"""

from __future__ import annotations

from typing import Any

from .. import _vocabulary as A
from . import _semconv


class Usage:
    """Token counts; a count the response does not carry stays None (never a made-up 0)."""

    __slots__ = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens",
                 "reasoning_tokens")

    def __init__(self, input_tokens: int | None = None, output_tokens: int | None = None, *,
                 cache_read_input_tokens: int | None = None, cache_creation_input_tokens: int | None = None,
                 reasoning_tokens: int | None = None) -> None:
        self.input_tokens = input_tokens
        self.output_tokens = output_tokens
        self.cache_read_input_tokens = cache_read_input_tokens
        self.cache_creation_input_tokens = cache_creation_input_tokens
        self.reasoning_tokens = reasoning_tokens

    def __repr__(self) -> str:
        return (f"Usage(input_tokens={self.input_tokens}, output_tokens={self.output_tokens}, "
                f"cache_read_input_tokens={self.cache_read_input_tokens}, "
                f"cache_creation_input_tokens={self.cache_creation_input_tokens}, "
                f"reasoning_tokens={self.reasoning_tokens})")

    @property
    def empty(self) -> bool:
        return self.input_tokens is None and self.output_tokens is None

    def add_to(self, attrs: dict[str, Any]) -> None:
        """Write the known counts into ``attrs`` as GenAI usage attributes."""
        if self.input_tokens is not None:
            attrs[A.GEN_AI_USAGE_INPUT_TOKENS] = self.input_tokens
        if self.output_tokens is not None:
            attrs[A.GEN_AI_USAGE_OUTPUT_TOKENS] = self.output_tokens
        if self.cache_read_input_tokens is not None:
            attrs[A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = self.cache_read_input_tokens
        if self.cache_creation_input_tokens is not None:
            attrs[_semconv.names.cache_write_tokens] = self.cache_creation_input_tokens
        if self.reasoning_tokens is not None:
            attrs[A.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = self.reasoning_tokens


def count(value: Any) -> int | None:
    """A real int (bool is an int subclass and never a count); anything else is unknown."""
    return value if type(value) is int else None
