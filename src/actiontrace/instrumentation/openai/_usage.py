"""OpenAI's usage shapes as the provider-neutral :class:`~actiontrace.genai._tokens.Usage`."""

from __future__ import annotations

from typing import Any

from ...genai._tokens import Usage, count
from ...genai._fields import fields, get


def usage_from(raw: Any) -> Usage | None:
    """Chat/legacy (prompt_/completion_tokens) and Responses/embeddings (input_/output_tokens)
    usage; OpenAI's input count includes the cached tokens already. Runs on every call: the
    counts are type-checked inline (``count``) and a Usage without details is built bare."""
    if raw is None:
        return None
    data = fields(raw)
    input_tokens = data.get("prompt_tokens")
    if type(input_tokens) is not int:
        input_tokens = count(data.get("input_tokens"))
    output_tokens = data.get("completion_tokens")
    if type(output_tokens) is not int:
        output_tokens = count(data.get("output_tokens"))
    in_details = data.get("prompt_tokens_details") or data.get("input_tokens_details")
    out_details = data.get("completion_tokens_details") or data.get("output_tokens_details")
    cached = count(get(in_details, "cached_tokens")) if in_details is not None else None
    reasoning = count(get(out_details, "reasoning_tokens")) if out_details is not None else None
    if cached is None and reasoning is None:
        return None if input_tokens is None and output_tokens is None else Usage(input_tokens, output_tokens)
    return Usage(input_tokens, output_tokens, cache_read_input_tokens=cached, reasoning_tokens=reasoning)
