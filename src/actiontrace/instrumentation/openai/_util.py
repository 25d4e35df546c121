"""Small helpers shared by the per-API modules: field access on SDK objects or dicts,
NOT_GIVEN/Omit detection, and token usage as one value."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ... import _attributes as A

_SENTINELS = ("NotGiven", "Omit")


def get(obj: Any, key: str, default: Any = None) -> Any:
    """``obj[key]`` for mappings, ``obj.key`` for SDK models; ``default`` when missing."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        value = obj.get(key)
    else:
        values = getattr(obj, "__dict__", None)  # an SDK model's fields: the common case, read inline
        value = values[key] if values is not None and key in values else _attribute(obj, key)
    return default if value is None else value


_class_attribute: dict[tuple[type, str], bool] = {}  # (model class, name) -> defined on the class


def _on_class(cls: type, key: str) -> bool:
    # Looked up once per (class, name): pydantic's metaclass answers a miss through a slow
    # __getattr__ too. Bounded by the classes and constant names this package asks about.
    try:
        return _class_attribute[(cls, key)]
    except KeyError:
        found = any(key in vars(base) for base in cls.__mro__)
        if len(_class_attribute) < 4096:
            _class_attribute[(cls, key)] = found
        return found


def _attribute(obj: Any, key: str) -> Any:
    """``getattr(obj, key, None)`` for a name not in ``obj.__dict__``, without pydantic's miss
    path: asking a model for a field it lacks (``reasoning_content`` on every chunk delta) goes
    through ``__getattr__`` and builds an AttributeError, ~3 µs each. A model keeps its fields in
    ``__dict__`` and the unknown fields a server sent in ``__pydantic_extra__``, so both are read
    directly; class attributes (properties, methods) and other objects still use ``getattr``."""
    extra = getattr(obj, "__pydantic_extra__", None)
    if type(extra) is dict and not _on_class(type(obj), key):
        return extra.get(key)
    return getattr(obj, key, None)


class _Fields:
    """``fields()`` of an object that is neither a dict nor an SDK model: reads through ``get``."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def get(self, key: str, default: Any = None) -> Any:
        return get(self.obj, key, default)


_NO_FIELDS: dict = {}


def fields(obj: Any) -> Any:
    """The data of a dict or SDK model as one mapping (``.get(key)``), for code that reads many
    fields of one object per stream chunk: a dict lookup each instead of a ``get()`` call each.
    A missing or None field reads as None, as with ``get``."""
    if obj is None:
        return _NO_FIELDS
    if isinstance(obj, dict):
        return obj
    values = getattr(obj, "__dict__", None)
    extra = getattr(obj, "__pydantic_extra__", None)
    if values is not None and type(extra) is dict:  # a pydantic model: fields, then unknown fields
        return {**values, **extra} if extra else values
    return _Fields(obj)


def given(value: Any) -> bool:
    """False for None and the SDK's NOT_GIVEN / Omit sentinels (whatever version defines them)."""
    return value is not None and type(value).__name__ not in _SENTINELS


def param(kwargs: dict, key: str) -> Any:
    value = kwargs.get(key)
    return value if given(value) else None


def number(value: Any) -> Any:
    """A real int/float (not bool) or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def parse_arguments(raw: Any) -> Any:
    """Tool-call arguments as parsed JSON when they are valid JSON, else the raw string."""
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


@dataclass
class Usage:
    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_input_tokens: int | None = None
    reasoning_tokens: int | None = None

    def attributes(self) -> dict[str, int]:
        pairs = (
            (A.GEN_AI_USAGE_INPUT_TOKENS, self.input_tokens),
            (A.GEN_AI_USAGE_OUTPUT_TOKENS, self.output_tokens),
            (A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, self.cached_input_tokens),
            (A.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, self.reasoning_tokens),
        )
        # Usage the response does not carry stays absent: never a made-up 0.
        return {k: v for k, v in pairs if isinstance(v, int) and not isinstance(v, bool)}

    @property
    def empty(self) -> bool:
        return self.input_tokens is None and self.output_tokens is None


def usage_from(raw: Any) -> Usage | None:
    """Chat/legacy (prompt_/completion_tokens) and Responses/embeddings (input_/output_tokens) usage."""
    if raw is None:
        return None
    data = fields(raw)
    input_tokens = number(data.get("prompt_tokens"))
    if input_tokens is None:
        input_tokens = number(data.get("input_tokens"))
    output_tokens = number(data.get("completion_tokens"))
    if output_tokens is None:
        output_tokens = number(data.get("output_tokens"))
    in_details = data.get("prompt_tokens_details") or data.get("input_tokens_details")
    out_details = data.get("completion_tokens_details") or data.get("output_tokens_details")
    usage = Usage(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_input_tokens=number(get(in_details, "cached_tokens")),
        reasoning_tokens=number(get(out_details, "reasoning_tokens")),
    )
    return None if usage.empty and usage.cached_input_tokens is None else usage
