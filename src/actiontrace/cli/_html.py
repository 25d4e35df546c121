"""``actiontrace html``: one self-contained HTML report (inline CSS/JS, no network).

The page holds the data as JSON and draws it with a small script: totals, the
stats tables, the decision tree (spans aggregated by decision path across
traces), and a waterfall timeline per trace. Span text is inserted with
``textContent`` only, so recorded content can never become markup.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from .. import _vocabulary as A
from ..reading._logs import read_with_log_records
from ..reading._reader import Span, ns_to_iso
from ._render import Style, one_line
from ._stats import StatsCollector
from ._html_page import REPORT_CSS, REPORT_JS
from ._tree import Node, Trace, mcp_server_name

HELP = "write a self-contained HTML report: waterfall per trace, decision tree, stats"


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("html", parents=[common], help=HELP, description=(
        "Write one HTML file that needs no network: a waterfall timeline per trace, the decision tree "
        "(spans aggregated by decision path), and the stats tables. Statistics cover every span read; "
        "the timelines show the most recent --max-traces traces."))
    p.add_argument("files", nargs="*", default=["traces"], metavar="FILE",
                   help="JSONL files, directories of *.jsonl, or - for stdin (default: ./traces)")
    p.add_argument("-o", "--output", default="actiontrace-report.html", metavar="PATH",
                   help="where to write the page (default: actiontrace-report.html; - for stdout)")
    p.add_argument("--session", metavar="ID", help="only traces with a span in this session")
    p.add_argument("--trace", metavar="ID", help="only the trace whose id starts with ID")
    p.add_argument("--max-traces", type=int, default=200, metavar="N",
                   help="timelines for the N most recent traces (default 200)")
    p.add_argument("--title", default="actiontrace report", help="page title")
    p.set_defaults(run=run)


def _span_json(span: Span, t0: int) -> dict[str, Any]:
    a = span.attributes
    out: dict[str, Any] = {
        "id": span.span_id, "parent": span.parent_span_id or None, "name": span.name,
        "type": span.span_type or span.kind_name, "kind": span.kind_name,
        "start": round((span.start_ns - t0) / 1e6, 3), "dur": round(span.duration_ms, 3),
        "status": span.status,
    }
    if span.is_error:
        etype, message = str(a.get(A.ERROR_TYPE) or ""), span.status_message
        text = message if (not etype or message.startswith(etype)) else f"{etype}: {message}" if message else etype
        out["error"] = one_line(text, 300)
    for key, attr, tool_attr in (("in", A.INPUT, A.GEN_AI_TOOL_CALL_ARGUMENTS),
                                 ("out", A.OUTPUT, A.GEN_AI_TOOL_CALL_RESULT)):
        value = a.get(attr)
        if value in (None, "") and A.MCP_METHOD_NAME in a:
            value = a.get(tool_attr)  # MCP spans carry the conventions' names only
        if value not in (None, ""):
            out[key] = one_line(value, 400)
    server = mcp_server_name(span)
    if server:
        out["service"] = server
    if span.input_tokens or span.output_tokens:
        out["tokens"] = [span.input_tokens, span.output_tokens]
    if span.cost_usd:
        out["cost"] = span.cost_usd
    if span.model:
        out["model"] = span.model
    if span.log_records:
        out["events"] = _events_json(span)
    return out


def _events_json(span: Span) -> list[str]:
    """The GenAI events emitted in the span, one line each (the page lists them in its detail)."""
    from ._view import event_line

    return [event_line(record, 400) for record in span.log_records]


def _decision_tree(traces: list[Trace]) -> dict[str, Any]:
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


def build_report(files: list[str], *, session: str | None = None, trace: str | None = None,
                 max_traces: int = 200, title: str = "actiontrace report") -> str:
    stats = StatsCollector("name")
    by_trace: dict[str, list[Span]] = {}
    for span in read_with_log_records(files):
        if trace and not span.trace_id.startswith(trace.lower()):
            continue
        stats.add(span)
        by_trace.setdefault(span.trace_id, []).append(span)
    traces = [Trace(tid, spans) for tid, spans in by_trace.items()]
    if session:
        traces = [t for t in traces if any(s.session_id == session for s in t.spans)]
    traces.sort(key=lambda t: t.start_ns)
    shown = traces[-max_traces:] if max_traces > 0 else []
    data = {
        "title": title,
        "generated_from": [os.path.basename(f) for f in files],
        "stats": stats.result(),
        "tree": _decision_tree(traces),
        "traces_total": len(traces),
        "traces": [
            {"id": t.trace_id, "session": t.session_id, "start": ns_to_iso(t.start_ns),
             "dur": round(t.duration_ms, 3), "errors": t.error_count, "count": len(t.spans),
             "spans": _ordered(t)}
            for t in shown
        ],
    }
    # ensure_ascii keeps U+2028/9 out; "</" is escaped so no text can close the script element.
    payload = json.dumps(data, ensure_ascii=True, default=str).replace("</", "<\\/")
    css, js = REPORT_CSS, REPORT_JS
    esc_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f"<title>{esc_title}</title><style>{css}</style></head>\n<body>\n"
        f"<script type=\"application/json\" id=\"actiontrace-data\">{payload}</script>\n"
        f"<main id=\"app\"><noscript>This report needs JavaScript.</noscript></main>\n"
        f"<script>{js}</script>\n</body></html>\n"
    )


def _ordered(trace: Trace) -> list[dict[str, Any]]:
    """Spans depth-first (the waterfall's row order) with their depth."""
    t0 = trace.start_ns
    rows: list[dict[str, Any]] = []

    def walk(node: Node, depth: int) -> None:
        if node.span is None:
            rows.append({"id": "missing-" + node.missing_id, "name": f"missing parent {node.missing_id}",
                         "type": "missing", "kind": "", "start": round((node.start_ns - t0) / 1e6, 3),
                         "dur": round(node.duration_ms, 3), "status": "unset", "depth": depth,
                         "placeholder": True})
        else:
            row = _span_json(node.span, t0)
            row["depth"] = depth
            rows.append(row)
        for c in node.children:
            walk(c, depth + 1)

    for r in trace.roots:
        walk(r, 0)
    return rows


def run(args: argparse.Namespace, style: Style) -> int:
    page = build_report(args.files, session=args.session, trace=args.trace, max_traces=args.max_traces,
                        title=args.title)
    if args.output == "-":
        sys.stdout.write(page)
    else:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(page)
        print(f"wrote {args.output}", file=sys.stderr)
    return 0
