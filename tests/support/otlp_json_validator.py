"""Strict checker for one OTLP/JSON traces line, independent of actiontrace's decoder.

``validate_line(line)`` returns a list of problems (empty when valid) against
the OTLP "JSON Protobuf Encoding" rules as the Collector reads them: only known
lowerCamelCase field names, lowercase hex ids of the right length, enum fields
as integers in range, 64-bit integers as decimal strings, ``AnyValue`` objects
with exactly one well-typed field.

``assert_valid_line(line)`` raises ``AssertionError`` listing them.

``to_proto(line)`` round-trips the line into an ``ExportTraceServiceRequest``
with ``google.protobuf.json_format`` (after turning hex ids into the base64 that
the generic protobuf mapping expects), rejecting unknown fields; and
``spans_from_line(line)`` gives plain per-span dicts built from that proto, to
compare with the SDK's original ``ReadableSpan`` (``compare_with_sdk_span``).
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

_HEX = {32: re.compile(r"[0-9a-f]{32}\Z"), 16: re.compile(r"[0-9a-f]{16}\Z")}
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)\Z")
_UDECIMAL = re.compile(r"(0|[1-9][0-9]*)\Z")

_REQUEST = {"resourceSpans"}
_RESOURCE_SPANS = {"resource", "scopeSpans", "schemaUrl"}
_RESOURCE = {"attributes", "droppedAttributesCount", "entityRefs"}
_SCOPE_SPANS = {"scope", "spans", "schemaUrl"}
_SCOPE = {"name", "version", "attributes", "droppedAttributesCount"}
_SPAN = {
    "traceId", "spanId", "traceState", "parentSpanId", "flags", "name", "kind",
    "startTimeUnixNano", "endTimeUnixNano", "attributes", "droppedAttributesCount",
    "events", "droppedEventsCount", "links", "droppedLinksCount", "status",
}
_EVENT = {"timeUnixNano", "name", "attributes", "droppedAttributesCount"}
_LINK = {"traceId", "spanId", "traceState", "attributes", "droppedAttributesCount", "flags"}
_STATUS = {"code", "message"}
_ANY = {"stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue", "bytesValue"}


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def bad(self, where: str, msg: str) -> None:
        self.problems.append(f"{where}: {msg}")

    def obj(self, v: Any, where: str, allowed: set[str]) -> dict:
        if not isinstance(v, dict):
            self.bad(where, f"expected object, got {type(v).__name__}")
            return {}
        for k in v:
            if k not in allowed:
                self.bad(where, f"unknown or non-camelCase field {k!r}")
        return v

    def lst(self, v: Any, where: str) -> list:
        if v is None:
            return []
        if not isinstance(v, list):
            self.bad(where, f"expected list, got {type(v).__name__}")
            return []
        return v

    def string(self, v: Any, where: str) -> None:
        if v is not None and not isinstance(v, str):
            self.bad(where, f"expected string, got {v!r}")

    def uint32(self, v: Any, where: str) -> None:
        if v is None:
            return
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 2**32:
            self.bad(where, f"expected uint32 number, got {v!r}")

    def u64_string(self, v: Any, where: str, required: bool = False) -> None:
        if v is None:
            if required:
                self.bad(where, "missing")
            return
        if not isinstance(v, str) or not _UDECIMAL.match(v) or int(v) >= 2**64:
            self.bad(where, f"expected fixed64 as decimal string, got {v!r}")

    def hex_id(self, v: Any, n: int, where: str, required: bool = True) -> None:
        if v is None or v == "":
            if required:
                self.bad(where, "missing id")
            return
        if not isinstance(v, str) or not _HEX[n].match(v):
            self.bad(where, f"expected {n} lowercase hex chars, got {v!r}")
        elif set(v) == {"0"}:
            self.bad(where, "all-zero id is invalid")

    def enum(self, v: Any, where: str, hi: int) -> None:
        if v is None:
            return
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= hi:
            self.bad(where, f"expected enum integer 0..{hi}, got {v!r}")

    def attributes(self, v: Any, where: str) -> None:
        keys = set()
        for i, kv in enumerate(self.lst(v, where)):
            w = f"{where}[{i}]"
            kv = self.obj(kv, w, {"key", "value"})
            key = kv.get("key")
            if not isinstance(key, str):
                self.bad(w, f"key must be a string, got {key!r}")
            elif key in keys:
                self.bad(w, f"duplicate key {key!r}")
            keys.add(key)
            if "value" in kv:
                self.any_value(kv["value"], f"{w}.value")

    def any_value(self, v: Any, where: str) -> None:
        v = self.obj(v, where, _ANY)
        if len(v) > 1:
            self.bad(where, f"AnyValue must hold one field, has {sorted(v)}")
        for k, x in v.items():
            if k == "stringValue":
                self.string(x, f"{where}.stringValue")
            elif k == "boolValue" and not isinstance(x, bool):
                self.bad(where, f"boolValue must be true/false, got {x!r}")
            elif k == "intValue":
                if not isinstance(x, str) or not _DECIMAL.match(x) or not -(2**63) <= int(x) < 2**63:
                    self.bad(where, f"intValue must be an int64 decimal string, got {x!r}")
            elif k == "doubleValue":
                ok = (isinstance(x, (int, float)) and not isinstance(x, bool)) or x in ("NaN", "Infinity", "-Infinity")
                if not ok:
                    self.bad(where, f"doubleValue must be a number, got {x!r}")
            elif k == "bytesValue":
                try:
                    base64.b64decode(x, validate=True)
                except Exception:
                    self.bad(where, f"bytesValue must be base64, got {x!r}")
            elif k == "arrayValue":
                arr = self.obj(x, f"{where}.arrayValue", {"values"})
                for i, item in enumerate(self.lst(arr.get("values"), where)):
                    self.any_value(item, f"{where}.arrayValue.values[{i}]")
            elif k == "kvlistValue":
                kvl = self.obj(x, f"{where}.kvlistValue", {"values"})
                self.attributes(kvl.get("values"), f"{where}.kvlistValue.values")

    def span(self, s: Any, where: str) -> None:
        s = self.obj(s, where, _SPAN)
        self.hex_id(s.get("traceId"), 32, f"{where}.traceId")
        self.hex_id(s.get("spanId"), 16, f"{where}.spanId")
        self.hex_id(s.get("parentSpanId"), 16, f"{where}.parentSpanId", required=False)
        self.string(s.get("traceState"), f"{where}.traceState")
        self.uint32(s.get("flags"), f"{where}.flags")
        if not isinstance(s.get("name"), str) or not s.get("name"):
            self.bad(where, f"name must be a non-empty string, got {s.get('name')!r}")
        self.enum(s.get("kind"), f"{where}.kind", 5)
        self.u64_string(s.get("startTimeUnixNano"), f"{where}.startTimeUnixNano", required=True)
        self.u64_string(s.get("endTimeUnixNano"), f"{where}.endTimeUnixNano", required=True)
        if isinstance(s.get("startTimeUnixNano"), str) and isinstance(s.get("endTimeUnixNano"), str):
            try:
                if int(s["endTimeUnixNano"]) < int(s["startTimeUnixNano"]):
                    self.bad(where, "ends before it starts")
            except ValueError:
                pass
        self.attributes(s.get("attributes"), f"{where}.attributes")
        for f in ("droppedAttributesCount", "droppedEventsCount", "droppedLinksCount"):
            self.uint32(s.get(f), f"{where}.{f}")
        for i, e in enumerate(self.lst(s.get("events"), f"{where}.events")):
            w = f"{where}.events[{i}]"
            e = self.obj(e, w, _EVENT)
            self.u64_string(e.get("timeUnixNano"), f"{w}.timeUnixNano", required=True)
            self.string(e.get("name"), f"{w}.name")
            self.attributes(e.get("attributes"), f"{w}.attributes")
            self.uint32(e.get("droppedAttributesCount"), f"{w}.droppedAttributesCount")
        for i, link in enumerate(self.lst(s.get("links"), f"{where}.links")):
            w = f"{where}.links[{i}]"
            link = self.obj(link, w, _LINK)
            self.hex_id(link.get("traceId"), 32, f"{w}.traceId")
            self.hex_id(link.get("spanId"), 16, f"{w}.spanId")
            self.string(link.get("traceState"), f"{w}.traceState")
            self.attributes(link.get("attributes"), f"{w}.attributes")
            self.uint32(link.get("droppedAttributesCount"), f"{w}.droppedAttributesCount")
            self.uint32(link.get("flags"), f"{w}.flags")
        if "status" in s:
            st = self.obj(s["status"], f"{where}.status", _STATUS)
            self.enum(st.get("code"), f"{where}.status.code", 2)
            self.string(st.get("message"), f"{where}.status.message")


def validate_line(line: bytes | str) -> list[str]:
    """Problems with one OTLP/JSON line (a single JSON document); empty when valid."""
    c = _Checker()
    if isinstance(line, bytes):
        if line.endswith(b"\n") or b"\n" in line:
            c.bad("line", "contains a newline")
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return [f"line: not UTF-8: {exc}"]
    try:
        doc = json.loads(line)
    except ValueError as exc:
        return [f"line: not JSON: {exc}"]
    doc = c.obj(doc, "request", _REQUEST)
    rss = c.lst(doc.get("resourceSpans"), "resourceSpans")
    if not rss:
        c.bad("request", "no resourceSpans")
    for i, rs in enumerate(rss):
        w = f"resourceSpans[{i}]"
        rs = c.obj(rs, w, _RESOURCE_SPANS)
        res = c.obj(rs.get("resource", {}), f"{w}.resource", _RESOURCE)
        c.attributes(res.get("attributes"), f"{w}.resource.attributes")
        c.string(rs.get("schemaUrl"), f"{w}.schemaUrl")
        for j, ss in enumerate(c.lst(rs.get("scopeSpans"), f"{w}.scopeSpans")):
            ws = f"{w}.scopeSpans[{j}]"
            ss = c.obj(ss, ws, _SCOPE_SPANS)
            sc = c.obj(ss.get("scope", {}), f"{ws}.scope", _SCOPE)
            c.string(sc.get("name"), f"{ws}.scope.name")
            c.string(sc.get("version"), f"{ws}.scope.version")
            c.attributes(sc.get("attributes"), f"{ws}.scope.attributes")
            c.string(ss.get("schemaUrl"), f"{ws}.schemaUrl")
            spans = c.lst(ss.get("spans"), f"{ws}.spans")
            if not spans:
                c.bad(ws, "no spans")
            for k, s in enumerate(spans):
                c.span(s, f"{ws}.spans[{k}]")
    return c.problems


def assert_valid_line(line: bytes | str) -> None:
    problems = validate_line(line)
    assert not problems, "invalid OTLP/JSON line:\n  " + "\n  ".join(problems[:20])


# ------------------------------------------------------------ round trip ---

def _hex_to_b64(d: Any) -> Any:
    """Copy of the document with hex ids as base64, the generic protobuf JSON form."""
    if isinstance(d, list):
        return [_hex_to_b64(x) for x in d]
    if isinstance(d, dict):
        out = {}
        for k, v in d.items():
            if k in ("traceId", "spanId", "parentSpanId") and isinstance(v, str):
                out[k] = base64.b64encode(bytes.fromhex(v)).decode("ascii")
            else:
                out[k] = _hex_to_b64(v)
        return out
    return d


def to_proto(line: bytes | str):
    """The line as an ``ExportTraceServiceRequest`` (raises on any field protobuf rejects)."""
    from google.protobuf import json_format
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    doc = json.loads(line)
    return json_format.ParseDict(_hex_to_b64(doc), ExportTraceServiceRequest(), ignore_unknown_fields=False)


def _pb_any(v: Any) -> Any:
    which = v.WhichOneof("value")
    if which is None:
        return None
    if which == "array_value":
        return [_pb_any(x) for x in v.array_value.values]
    if which == "kvlist_value":
        return {kv.key: _pb_any(kv.value) for kv in v.kvlist_value.values}
    return getattr(v, which)


def _pb_attrs(kvs: Any) -> dict:
    return {kv.key: _pb_any(kv.value) for kv in kvs}


def spans_from_line(line: bytes | str) -> list[dict]:
    """Per-span dicts decoded via protobuf (independent of actiontrace's decoder)."""
    req = to_proto(line)
    out = []
    for rs in req.resource_spans:
        for ss in rs.scope_spans:
            for s in ss.spans:
                out.append({
                    "trace_id": s.trace_id.hex(),
                    "span_id": s.span_id.hex(),
                    "parent_span_id": s.parent_span_id.hex() or None,
                    "trace_state": s.trace_state,
                    "flags": s.flags,
                    "name": s.name,
                    "kind": s.kind,
                    "start_ns": s.start_time_unix_nano,
                    "end_ns": s.end_time_unix_nano,
                    "attributes": _pb_attrs(s.attributes),
                    "dropped_attributes_count": s.dropped_attributes_count,
                    "events": [
                        {"name": e.name, "time_ns": e.time_unix_nano, "attributes": _pb_attrs(e.attributes),
                         "dropped_attributes_count": e.dropped_attributes_count}
                        for e in s.events
                    ],
                    "dropped_events_count": s.dropped_events_count,
                    "links": [
                        {"trace_id": link.trace_id.hex(), "span_id": link.span_id.hex(),
                         "trace_state": link.trace_state, "attributes": _pb_attrs(link.attributes),
                         "dropped_attributes_count": link.dropped_attributes_count, "flags": link.flags}
                        for link in s.links
                    ],
                    "dropped_links_count": s.dropped_links_count,
                    "status_code": s.status.code,
                    "status_message": s.status.message,
                    "resource": _pb_attrs(rs.resource.attributes),
                    "scope": {"name": ss.scope.name, "version": ss.scope.version,
                              "attributes": _pb_attrs(ss.scope.attributes)},
                })
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    return v


def compare_with_sdk_span(decoded: dict, span: Any) -> list[str]:
    """Differences between a decoded span dict and the SDK ``ReadableSpan`` it came from.

    Attribute values compare exactly (tuples as lists); use it for spans whose
    values are under the truncation limit.
    """
    ctx = span.get_span_context()
    expect = {
        "trace_id": format(ctx.trace_id, "032x"),
        "span_id": format(ctx.span_id, "016x"),
        "parent_span_id": format(span.parent.span_id, "016x") if span.parent else None,
        "name": span.name,
        "kind": span.kind.value + 1,
        "start_ns": span.start_time,
        "end_ns": span.end_time,
        "attributes": {k: _plain(v) for k, v in (span.attributes or {}).items()},
        "status_code": span.status.status_code.value,
        "status_message": span.status.description or "",
        "resource": {k: _plain(v) for k, v in span.resource.attributes.items()},
        "dropped_attributes_count": span.dropped_attributes,
        "dropped_events_count": span.dropped_events,
        "dropped_links_count": span.dropped_links,
    }
    diffs = [f"{k}: {decoded.get(k)!r} != {v!r}" for k, v in expect.items() if decoded.get(k) != v]
    if decoded.get("flags") is None or (decoded["flags"] & 0xFF) != int(ctx.trace_flags):
        diffs.append(f"flags {decoded.get('flags')!r} do not carry trace flags {int(ctx.trace_flags)}")
    if len(decoded.get("events", [])) != len(span.events):
        diffs.append("event count differs")
    else:
        for got, ev in zip(decoded["events"], span.events):
            if (got["name"], got["time_ns"], got["attributes"]) != (
                ev.name, ev.timestamp, {k: _plain(v) for k, v in (ev.attributes or {}).items()}
            ):
                diffs.append(f"event {ev.name!r} differs: {got!r}")
    if len(decoded.get("links", [])) != len(span.links):
        diffs.append("link count differs")
    else:
        for got, link in zip(decoded["links"], span.links):
            want = (format(link.context.trace_id, "032x"), format(link.context.span_id, "016x"),
                    {k: _plain(v) for k, v in (link.attributes or {}).items()})
            if (got["trace_id"], got["span_id"], got["attributes"]) != want:
                diffs.append(f"link differs: {got!r}")
    scope = span.instrumentation_scope
    if scope is not None and decoded.get("scope", {}).get("name") != scope.name:
        diffs.append(f"scope name {decoded.get('scope')!r} != {scope.name!r}")
    return diffs
