"""Nested mappings as flat span attributes: ``{"parameters": {"a": 12}}`` under prefix
``actiontrace.tools_used.`` becomes ``actiontrace.tools_used.parameters.a = 12``.

Scalars and homogeneous scalar lists stay native (so backends can filter on them);
anything else is stored as bounded JSON through the core's capture. Bounded: at most
``MAX_KEYS`` attributes (then ``{prefix}…`` holds the truncation marker with the number of
items of the mapping that was cut) and ``MAX_DEPTH`` levels; the rest goes into JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._vocabulary import truncation_marker
from ..spans import _capture

MAX_KEYS = 64
MAX_DEPTH = 4
_SCALARS = (str, bool, int, float)


def _attribute_value(value: Any) -> Any:
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, (list, tuple)) and value:
        first = type(value[0])
        if first in _SCALARS and all(type(v) is first for v in value):
            return list(value)
    return _capture.to_json(value)


def flatten(prefix: str, mapping: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}

    def walk(key_prefix: str, value: Mapping, depth: int) -> bool:
        """False once the attribute budget is spent (the marker names the mapping cut)."""
        for key, item in value.items():
            if len(out) >= MAX_KEYS:
                out[prefix + "…"] = truncation_marker(len(value), "items")
                return False
            name = key_prefix + str(key)
            if isinstance(item, Mapping) and item and depth < MAX_DEPTH:
                if not walk(name + ".", item, depth + 1):
                    return False
            elif item is not None:
                out[name] = _attribute_value(item)
        return True

    walk(prefix, mapping, 1)
    return out
