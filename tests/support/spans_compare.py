"""Span shapes both sides of an export can be reduced to, so a sent trace and what a backend
stored can be compared field by field: ids, parent links, names, timestamps, attributes, status."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

# Phoenix derives OpenInference attributes from our gen_ai.* ones on ingest (llm.model_name,
# llm.token_count.*, openinference.span.kind, ...). Keys we sent must come back unchanged; keys it
# adds are accepted only under these OpenInference namespaces.
BACKEND_ADDED_PREFIXES = ("openinference.", "llm.", "tool.", "tool_call.", "input.", "output.", "embedding.",
                          "retrieval.", "reranker.", "agent.", "graph.", "metadata", "tag.", "message.")
# Phoenix stores datetimes with microsecond precision and returns them through a float.
TIME_TOLERANCE_NS = 2_000


def canonical_value(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [canonical_value(v) for v in value]
    return value


def from_readable(span: Any) -> dict:
    """An SDK ReadableSpan (what the app produced)."""
    ctx = span.context
    return {
        "trace_id": format(ctx.trace_id, "032x"),
        "span_id": format(ctx.span_id, "016x"),
        "parent_span_id": format(span.parent.span_id, "016x") if span.parent else None,
        "name": span.name,
        "start": span.start_time,
        "end": span.end_time,
        "attributes": {k: canonical_value(v) for k, v in (span.attributes or {}).items()},
        "status": span.status.status_code.name,  # UNSET | OK | ERROR
        "events": [e.name for e in span.events],
    }


def _any_value(value: dict | None) -> Any:
    if not value:
        return None
    for key in ("string_value", "bool_value", "int_value", "double_value"):
        if value.get(key) is not None:
            return value[key]
    if value.get("array_value") is not None:
        return [_any_value(v) for v in value["array_value"].get("values") or []]
    if value.get("kvlist_value") is not None:
        return {kv["key"]: _any_value(kv["value"]) for kv in value["kvlist_value"].get("values") or []}
    return None


_PHOENIX_STATUS = {0: "UNSET", 1: "OK", 2: "ERROR"}


def from_phoenix(span: dict) -> dict:
    """One span from Phoenix's GET /v1/projects/{p}/spans/otlpv1."""
    return {
        "trace_id": span["trace_id"],
        "span_id": span["span_id"],
        "parent_span_id": span.get("parent_span_id") or None,
        "name": span["name"],
        "start": int(span["start_time_unix_nano"]),
        "end": int(span["end_time_unix_nano"]),
        "attributes": {a["key"]: _any_value(a["value"]) for a in span.get("attributes") or []},
        "status": _PHOENIX_STATUS.get((span.get("status") or {}).get("code") or 0, "UNSET"),
        "events": [e["name"] for e in span.get("events") or []],
    }


def _otlp_json_value(value: dict) -> Any:
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return value["boolValue"]
    if "intValue" in value:
        return int(value["intValue"])
    if "doubleValue" in value:
        return float(value["doubleValue"])
    if "arrayValue" in value:
        return [_otlp_json_value(v) for v in value["arrayValue"].get("values", [])]
    if "kvlistValue" in value:
        return {kv["key"]: _otlp_json_value(kv["value"]) for kv in value["kvlistValue"].get("values", [])}
    return None


_OTLP_STATUS = {0: "UNSET", 1: "OK", 2: "ERROR", "STATUS_CODE_UNSET": "UNSET", "STATUS_CODE_OK": "OK",
                "STATUS_CODE_ERROR": "ERROR"}


def from_otlp_json(span: dict, resource: dict | None = None) -> dict:
    """One span of an OTLP/JSON request (our JSONL lines): ids are hex, times are strings."""
    return {
        "trace_id": span["traceId"].lower(),
        "span_id": span["spanId"].lower(),
        "parent_span_id": (span.get("parentSpanId") or "").lower() or None,
        "name": span["name"],
        "start": int(span["startTimeUnixNano"]),
        "end": int(span["endTimeUnixNano"]),
        "attributes": {a["key"]: _otlp_json_value(a["value"]) for a in span.get("attributes", [])},
        "status": _OTLP_STATUS.get((span.get("status") or {}).get("code", 0), "UNSET"),
        "events": [e["name"] for e in span.get("events", [])],
    }


def read_jsonl_dir(path: Path) -> list[dict]:
    """Every span in every *.jsonl file under ``path`` (each line is one ExportTraceServiceRequest)."""
    spans = []
    for file in sorted(Path(path).rglob("*.jsonl")):
        for line in file.read_text().splitlines():
            if not line.strip():
                continue
            request = json.loads(line)
            for rs in request.get("resourceSpans", []):
                for ss in rs.get("scopeSpans", []):
                    spans.extend(from_otlp_json(s) for s in ss.get("spans", []))
    return spans


def assert_same_spans(sent: Iterable[dict], stored: Iterable[dict], *, time_tolerance_ns: int = TIME_TOLERANCE_NS) -> None:
    """Every sent span is stored exactly once, unchanged (ids, parent, name, times, attributes, status)."""
    sent, stored = list(sent), list(stored)
    counts = Counter(s["span_id"] for s in stored)
    duplicated = {k: n for k, n in counts.items() if n > 1}
    assert not duplicated, f"spans stored more than once: {duplicated}"
    by_id = {s["span_id"]: s for s in stored}
    missing = [s["name"] for s in sent if s["span_id"] not in by_id]
    assert not missing, f"spans never arrived: {missing}"
    extra = set(by_id) - {s["span_id"] for s in sent}
    assert not extra, f"unexpected spans stored: {[by_id[e]['name'] for e in extra]}"
    for want in sent:
        got = by_id[want["span_id"]]
        where = f"span {want['name']!r}"
        for key in ("trace_id", "parent_span_id", "name", "status"):
            assert got[key] == want[key], f"{where}: {key} {got[key]!r} != {want[key]!r}"
        for key in ("start", "end"):
            assert abs(got[key] - want[key]) <= time_tolerance_ns, f"{where}: {key} {got[key]} != {want[key]}"
        extra_attrs = {k for k in set(got["attributes"]) - set(want["attributes"])
                       if not k.startswith(BACKEND_ADDED_PREFIXES)}
        assert not extra_attrs, f"{where}: attributes appeared: {extra_attrs}"
        for key, value in want["attributes"].items():
            assert key in got["attributes"], f"{where}: attribute {key} lost"
            assert _same(got["attributes"][key], value), f"{where}: {key} {got['attributes'][key]!r} != {value!r}"
        assert sorted(got["events"]) == sorted(want["events"]), f"{where}: events {got['events']} != {want['events']}"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def assert_tree(spans: list[dict]) -> None:
    """One trace; every parent link points at a span that is present; exactly one root."""
    ids = {s["span_id"] for s in spans}
    assert len({s["trace_id"] for s in spans}) == 1, "spans of one run split across traces"
    roots = [s for s in spans if s["parent_span_id"] is None]
    assert len(roots) == 1, f"roots: {[r['name'] for r in roots]}"
    orphans = [s["name"] for s in spans if s["parent_span_id"] and s["parent_span_id"] not in ids]
    assert not orphans, f"parent missing for {orphans}"
