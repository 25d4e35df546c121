"""The report page's data: the traces (newest first, each summarised by its root span), their
waterfall rows with detail sections, the decision tree, the stats and where the spans came from.

Numbers the page prints are formatted here with the CLI's own formatters, so the page and the
terminal read the same.
"""

from __future__ import annotations

import os
from typing import Any, Iterable

from ..reading._reader import Span, ns_to_iso
from ._html_detail import detail_sections
from ._render import fmt_cost, fmt_tokens
from ._tree import Node, Trace, mcp_server_name


def source_labels(files: Iterable[str]) -> list[str]:
    """Short names for the inputs: base names, or as many trailing path parts as tell them apart
    (``a/traces``, ``b/traces``); a trailing slash is no empty name; ``-`` reads stdin."""
    paths = [f for f in files]
    parts = [["stdin"] if p == "-" else os.path.normpath(os.path.abspath(p)).split(os.sep) for p in paths]
    parts = [[x for x in p if x] or [os.sep] for p in parts]
    depth = 1
    while True:
        labels = ["/".join(p[-depth:]) for p in parts]
        if len(set(labels)) == len(labels) or depth >= max(len(p) for p in parts):
            return labels
        depth += 1


def span_row(span: Span, t0: int, depth: int) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": span.span_id, "name": span.name, "type": span.span_type or span.kind_name,
        "start": round((span.start_ns - t0) / 1e6, 3), "dur": round(span.duration_ms, 3),
        "status": span.status, "depth": depth, "sections": detail_sections(span),
    }
    server = mcp_server_name(span)
    if server:
        row["service"] = server
    if span.input_tokens or span.output_tokens:
        row["tokens"] = fmt_tokens(span.input_tokens, span.output_tokens)
    cost = span.cost_usd
    if cost is not None:
        row["cost"] = fmt_cost(cost)
    return row


def _rows(trace: Trace) -> list[dict[str, Any]]:
    """Spans depth-first (the waterfall's row order) with their depth."""
    t0 = trace.start_ns
    rows: list[dict[str, Any]] = []

    def walk(node: Node, depth: int) -> None:
        if node.span is None:
            rows.append({"id": "missing-" + node.missing_id, "name": f"missing parent {node.missing_id}",
                         "type": "missing", "start": round((node.start_ns - t0) / 1e6, 3),
                         "dur": round(node.duration_ms, 3), "status": "unset", "depth": depth,
                         "placeholder": True, "sections": []})
        else:
            rows.append(span_row(node.span, t0, depth))
        for c in node.children:
            walk(c, depth + 1)

    for r in trace.roots:
        walk(r, 0)
    return rows


def trace_summary(trace: Trace) -> dict[str, Any]:
    """One trace: the collapsed row's facts (root name, duration, tokens, cost, errors) and its rows."""
    root = next((r.span for r in trace.roots if r.span is not None), None)
    name = root.name if root is not None else f"missing parent {trace.roots[0].missing_id}"
    cost = trace.cost_usd
    out: dict[str, Any] = {
        "id": trace.trace_id, "name": name, "session": trace.session_id, "start": ns_to_iso(trace.start_ns),
        "dur": round(trace.duration_ms, 3), "errors": trace.error_count, "count": len(trace.spans),
        "cost": fmt_cost(cost) if cost is not None else None, "spans": _rows(trace),
    }
    if trace.input_tokens or trace.output_tokens:
        out["tokens"] = fmt_tokens(trace.input_tokens, trace.output_tokens)
    return out


def decision_tree(traces: list[Trace]) -> dict[str, Any]:
    """Spans of all traces merged by their path of names from the root."""
    root: dict[str, Any] = {"name": "", "count": 0, "errors": 0, "total_ms": 0.0, "children": {}}

    def walk(node: Node, into: dict[str, Any]) -> None:
        name = node.span.name if node.span is not None else "(missing parent)"
        child = into["children"].get(name)
        if child is None:
            child = into["children"][name] = {"name": name, "count": 0, "errors": 0, "total_ms": 0.0,
                                              "children": {}}
        child["count"] += 1
        if node.span is not None:
            child["errors"] += node.span.is_error
            child["total_ms"] += node.span.duration_ms
        for c in node.children:
            walk(c, child)

    for trace in traces:
        for r in trace.roots:
            walk(r, root)

    def finish(node: dict[str, Any]) -> dict[str, Any]:
        node["total_ms"] = round(node["total_ms"], 3)
        node["children"] = [finish(c) for c in sorted(node["children"].values(), key=lambda c: -c["count"])]
        return node

    return finish(root)


def with_cost_text(stats: dict[str, Any]) -> dict[str, Any]:
    """The stats summary with each cost also as the CLI prints it (``cost_text``)."""
    for item in [stats["totals"], *stats["groups"], *stats["sessions"]]:
        item["cost_text"] = fmt_cost(item.get("cost_usd"))
    return stats


def page_data(traces: list[Trace], stats: dict[str, Any], files: list[str], *, title: str,
              max_traces: int) -> dict[str, Any]:
    newest = sorted(traces, key=lambda t: t.start_ns, reverse=True)
    shown = newest[:max_traces] if max_traces > 0 else []
    return {
        "title": title,
        "generated_from": source_labels(files),
        "stats": with_cost_text(stats),
        "tree": decision_tree(traces),
        "traces_total": len(traces),
        "traces": [trace_summary(t) for t in shown],
    }
