"""OpenAI's usage shapes as the provider-neutral :class:`~actiontrace.genai._tokens.Usage`."""

from __future__ import annotations

from typing import Any

from ...genai._tokens import Usage, count
from ...genai._fields import fields, get


def usage_from(raw: Any) -> Usage | None:
    """Chat/legacy (prompt_/completion_tokens) and Responses/embeddings (input_/output_tokens)
    usage; OpenAI's input count includes the cached tokens already."""
    if raw is None:
        return None
    data = fields(raw)
    input_tokens = count(data.get("prompt_tokens"))
    if input_tokens is None:
        input_tokens = count(data.get("input_tokens"))
    output_tokens = count(data.get("completion_tokens"))
    if output_tokens is None:
        output_tokens = count(data.get("output_tokens"))
    in_details = data.get("prompt_tokens_details") or data.get("input_tokens_details")
    out_details = data.get("completion_tokens_details") or data.get("output_tokens_details")
    cached = count(get(in_details, "cached_tokens")) if in_details is not None else None
    reasoning = count(get(out_details, "reasoning_tokens")) if out_details is not None else None
    if input_tokens is None and output_tokens is None and cached is None:
        return None
    return Usage(input_tokens, output_tokens, cache_read_input_tokens=cached, reasoning_tokens=reasoning)
