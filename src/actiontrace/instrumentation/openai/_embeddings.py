"""Embeddings: encoding format and dimensions in, vector size and token usage out."""

from __future__ import annotations

from typing import Any

from ... import _vocabulary as A
from ...genai._messages import message, text_part
from ...genai._outcome import Outcome
from ...genai._streams import StreamAccumulator
from ...genai._fields import get, number, param
from ._usage import usage_from

operation_name = "embeddings"
stream_accumulator = StreamAccumulator  # embeddings are never streamed


def request_attributes(kwargs: dict, capture: bool) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    fmt = param(kwargs, "encoding_format")
    if isinstance(fmt, str):
        attrs[A.GEN_AI_REQUEST_ENCODING_FORMATS] = [fmt]
    dims = number(param(kwargs, "dimensions"))
    if dims is not None:
        attrs[A.GEN_AI_EMBEDDINGS_DIMENSION_COUNT] = dims
    if capture:
        value = param(kwargs, "input")
        items = value if isinstance(value, list) else [value] if value is not None else []
        texts = [i for i in items if isinstance(i, str)]  # token-id inputs are not content
        if texts:
            attrs[A.GEN_AI_INPUT_MESSAGES] = [message("user", [text_part(t) for t in texts])]
    return attrs


def response_outcome(response: Any, capture: bool) -> Outcome:
    attrs: dict[str, Any] = {}
    if get(response, "model"):
        attrs[A.GEN_AI_RESPONSE_MODEL] = str(get(response, "model"))
    data = get(response, "data") or []
    if data:
        vector = get(data[0], "embedding")
        if isinstance(vector, list):
            attrs[A.GEN_AI_EMBEDDINGS_DIMENSION_COUNT] = len(vector)
        # base64 vectors: the length of the decoded float32 array
        elif isinstance(vector, str):
            attrs[A.GEN_AI_EMBEDDINGS_DIMENSION_COUNT] = (len(vector) * 3 // 4 - vector.count("=")) // 4
    usage = usage_from(get(response, "usage"))
    return Outcome(attrs, usage, get(response, "model"))
