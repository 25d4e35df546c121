"""OTLP/JSON decoding: the lines ``SpanLineEncoder`` writes (and any OTLP/JSON) back into plain dicts.

Decoding (``iter_spans_from_line``) is the contract for every reader in the
project (CLI, replay, query). Each span in a line becomes a plain dict::

    {
      "trace_id": str,            # 32 lowercase hex chars
      "span_id": str,             # 16 lowercase hex chars
      "parent_span_id": str|None, # None for a root span
      "trace_state": str,         # "" when absent
      "flags": int|None,
      "name": str,
      "kind": int,                # OTLP SpanKind: 0 unspecified, 1 internal, 2 server,
                                  # 3 client, 4 producer, 5 consumer
      "start_ns": int, "end_ns": int,
      "attributes": dict,         # key -> str|bool|int|float|bytes|list|dict|None
      "dropped_attributes_count": int,
      "events": [{"name": str, "time_ns": int, "attributes": dict,
                  "dropped_attributes_count": int}],
      "dropped_events_count": int,
      "links": [{"trace_id": str, "span_id": str, "trace_state": str,
                 "attributes": dict, "dropped_attributes_count": int,
                 "flags": int|None}],
      "dropped_links_count": int,
      "status_code": int,         # 0 unset, 1 ok, 2 error
      "status_message": str,
      "resource": dict,           # resource attributes
      "scope": {"name": str, "version": str, "attributes": dict},
    }

The decoder is lenient where the OTLP spec tells receivers to be (integers as
numbers or strings, snake_case field names, missing default fields) and raises
``ValueError`` on anything that is not OTLP/JSON.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Mapping
from typing import Any

def _get(d: Mapping, camel: str, snake: str, default: Any = None) -> Any:
    v = d.get(camel)
    if v is None:
        v = d.get(snake, default)
    return default if v is None else v


def _int(v: Any, what: str) -> int:
    if isinstance(v, bool):
        raise ValueError(f"{what}: expected an integer, got {v!r}")
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    raise ValueError(f"{what}: expected an integer, got {v!r}")


def _hex_id(v: Any, length: int, what: str, required: bool = True) -> str | None:
    if v in (None, ""):
        if required:
            raise ValueError(f"{what} missing")
        return None
    if not isinstance(v, str) or len(v) != length:
        raise ValueError(f"{what}: expected {length} hex chars, got {v!r}")
    try:
        int(v, 16)
    except ValueError:
        raise ValueError(f"{what}: not hex: {v!r}") from None
    return v.lower()


def decode_any_value(value: Any) -> Any:
    """An OTLP/JSON ``AnyValue`` object back into a Python value."""
    if not isinstance(value, Mapping):
        raise ValueError(f"AnyValue must be an object, got {value!r}")
    if not value:
        return None
    if len(value) != 1:
        raise ValueError(f"AnyValue must hold one field, got {sorted(value)}")
    (kind, v), = value.items()
    if kind in ("stringValue", "string_value"):
        if not isinstance(v, str):
            raise ValueError(f"stringValue must be a string, got {v!r}")
        return v
    if kind in ("boolValue", "bool_value"):
        if not isinstance(v, bool):
            raise ValueError(f"boolValue must be a boolean, got {v!r}")
        return v
    if kind in ("intValue", "int_value"):
        return _int(v, "intValue")
    if kind in ("doubleValue", "double_value"):
        if isinstance(v, str) and v in ("NaN", "Infinity", "-Infinity"):
            return float(v.replace("Infinity", "inf"))
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            raise ValueError(f"doubleValue must be a number, got {v!r}")
        return float(v)
    if kind in ("bytesValue", "bytes_value"):
        return base64.b64decode(v, validate=True)
    if kind in ("arrayValue", "array_value"):
        return [decode_any_value(x) for x in (v or {}).get("values") or []]
    if kind in ("kvlistValue", "kvlist_value"):
        return decode_attributes((v or {}).get("values"))
    raise ValueError(f"unknown AnyValue field {kind!r}")


def decode_attributes(kvs: Any) -> dict:
    if not kvs:
        return {}
    if not isinstance(kvs, list):
        raise ValueError(f"attributes must be a list, got {type(kvs).__name__}")
    out = {}
    for kv in kvs:
        if not isinstance(kv, Mapping) or not isinstance(kv.get("key"), str):
            raise ValueError(f"attribute must be {{key, value}}, got {kv!r}")
        out[kv["key"]] = decode_any_value(kv.get("value") or {})
    return out


def _flags_or_none(v: Any) -> int | None:
    return None if v is None else _int(v, "flags")


def _decode_span(s: Mapping, resource: dict, scope: dict) -> dict:
    status = s.get("status") or {}
    return {
        "trace_id": _hex_id(_get(s, "traceId", "trace_id"), 32, "traceId"),
        "span_id": _hex_id(_get(s, "spanId", "span_id"), 16, "spanId"),
        "parent_span_id": _hex_id(_get(s, "parentSpanId", "parent_span_id"), 16, "parentSpanId", required=False),
        "trace_state": _get(s, "traceState", "trace_state", ""),
        "flags": _flags_or_none(s.get("flags")),
        "name": s.get("name", ""),
        "kind": _int(s.get("kind", 0), "kind"),
        "start_ns": _int(_get(s, "startTimeUnixNano", "start_time_unix_nano", 0), "startTimeUnixNano"),
        "end_ns": _int(_get(s, "endTimeUnixNano", "end_time_unix_nano", 0), "endTimeUnixNano"),
        "attributes": decode_attributes(s.get("attributes")),
        "dropped_attributes_count": _int(_get(s, "droppedAttributesCount", "dropped_attributes_count", 0), "dropped"),
        "events": [
            {
                "name": e.get("name", ""),
                "time_ns": _int(_get(e, "timeUnixNano", "time_unix_nano", 0), "timeUnixNano"),
                "attributes": decode_attributes(e.get("attributes")),
                "dropped_attributes_count": _int(
                    _get(e, "droppedAttributesCount", "dropped_attributes_count", 0), "dropped"
                ),
            }
            for e in s.get("events") or []
        ],
        "dropped_events_count": _int(_get(s, "droppedEventsCount", "dropped_events_count", 0), "dropped"),
        "links": [
            {
                "trace_id": _hex_id(_get(link, "traceId", "trace_id"), 32, "link traceId"),
                "span_id": _hex_id(_get(link, "spanId", "span_id"), 16, "link spanId"),
                "trace_state": _get(link, "traceState", "trace_state", ""),
                "attributes": decode_attributes(link.get("attributes")),
                "dropped_attributes_count": _int(
                    _get(link, "droppedAttributesCount", "dropped_attributes_count", 0), "dropped"
                ),
                "flags": _flags_or_none(link.get("flags")),
            }
            for link in s.get("links") or []
        ],
        "dropped_links_count": _int(_get(s, "droppedLinksCount", "dropped_links_count", 0), "dropped"),
        "status_code": _int(status.get("code", 0), "status.code"),
        "status_message": status.get("message", ""),
        "resource": resource,
        "scope": scope,
    }


def iter_spans_from_line(line: bytes | str) -> Iterator[dict]:
    """Every span in one OTLP/JSON line, as the plain dicts described above.

    Raises ``ValueError`` (``json.JSONDecodeError`` is one) for a line that is
    not an OTLP/JSON traces document; callers skip it with a warning.
    """
    doc = json.loads(line)
    if not isinstance(doc, Mapping):
        raise ValueError("line is not a JSON object")
    resource_spans = _get(doc, "resourceSpans", "resource_spans")
    if not isinstance(resource_spans, list):
        raise ValueError("line has no resourceSpans list")
    for rs in resource_spans:
        resource = decode_attributes((rs.get("resource") or {}).get("attributes"))
        for ss in _get(rs, "scopeSpans", "scope_spans", []):
            sc = ss.get("scope") or {}
            scope = {
                "name": sc.get("name", ""),
                "version": sc.get("version", ""),
                "attributes": decode_attributes(sc.get("attributes")),
            }
            for s in ss.get("spans") or []:
                yield _decode_span(s, resource, scope)
