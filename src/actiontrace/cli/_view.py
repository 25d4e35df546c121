"""``actiontrace view``: each trace as a tree."""

from __future__ import annotations

import json

import argparse
import sys

from .. import _vocabulary as A
from ..reading._logs import read_with_log_records
from ..reading._reader import Span
from ._render import Style, fmt_cost, fmt_duration, fmt_tokens, one_line, terminal_width
from ._tree import Node, Trace, group_traces, mcp_server_name

HELP = "show each trace as a tree of spans"


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("view", parents=[common], help=HELP, description=(
        "Show each trace as a tree: span name, type, duration, share of the parent, tokens, cost, "
        "status, and one line of input/output. Spans whose parent is missing appear under a "
        "'missing parent' placeholder. Exit 1 with --errors when a trace with errors was shown."))
    p.add_argument("files", nargs="*", default=["traces"], metavar="FILE",
                   help="JSONL files, directories of *.jsonl, or - for stdin (default: ./traces)")
    p.add_argument("--session", metavar="ID", help="only traces with a span in this session")
    p.add_argument("--trace", metavar="ID", help="only the trace whose id starts with ID")
    p.add_argument("--errors", action="store_true", help="only traces that contain an error (exit 1 if any)")
    p.add_argument("--depth", type=int, metavar="N", help="show N levels below the roots at most (0 = roots)")
    p.add_argument("--no-io", action="store_true", help="leave out the input/output lines")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, style: Style) -> int:
    spans = read_with_log_records(args.files)  # each span with the GenAI events emitted in it
    traces = group_traces(spans)
    shown = 0
    width = max(60, terminal_width())
    out = sys.stdout
    for trace in traces:
        if args.trace and not trace.trace_id.startswith(args.trace.lower()):
            continue
        if args.session and not any(s.session_id == args.session for s in trace.spans):
            continue
        if args.errors and not trace.error_count:
            continue
        if shown:
            out.write("\n")
        out.write("\n".join(render_trace(trace, style, depth=args.depth, io=not args.no_io, width=width)) + "\n")
        shown += 1
    if not shown:
        print("no matching traces", file=sys.stderr)
    return 1 if (args.errors and shown) else 0


def trace_header(trace: Trace, style: Style) -> str:
    parts = [style(f"trace {trace.trace_id}", "bold")]
    if trace.session_id:
        parts.append(f"session {trace.session_id}")
    parts.append(f"{len(trace.spans)} span{'s' if len(trace.spans) != 1 else ''}")
    parts.append(fmt_duration(trace.duration_ms))
    if trace.input_tokens or trace.output_tokens:
        parts.append("tokens " + fmt_tokens(trace.input_tokens, trace.output_tokens))
    if trace.cost_usd is not None:
        parts.append(fmt_cost(trace.cost_usd))
    if trace.error_count:
        parts.append(style(f"{trace.error_count} error{'s' if trace.error_count != 1 else ''}", "red", "bold"))
    return " · ".join(parts)


def render_trace(trace: Trace, style: Style, *, depth: int | None = None, io: bool = True,
                 width: int = 120) -> list[str]:
    lines = [trace_header(trace, style)]
    for i, root in enumerate(trace.roots):
        _render_node(root, None, "", i == len(trace.roots) - 1, 0, lines, style, depth, io, width)
    return lines


def _render_node(node: Node, parent: Node | None, prefix: str, last: bool, level: int, lines: list[str],
                 style: Style, depth: int | None, io: bool, width: int) -> None:
    branch = "└─ " if last else "├─ "
    lines.append(prefix + branch + _describe(node, parent, style))
    child_prefix = prefix + ("   " if last else "│  ")
    if io and node.span is not None:
        budget = max(20, width - len(child_prefix) - 8)
        attrs = node.span.attributes
        for key, messages_key, tool_key, label in (
                (A.INPUT, A.GEN_AI_INPUT_MESSAGES, A.GEN_AI_TOOL_CALL_ARGUMENTS, "in"),
                (A.OUTPUT, A.GEN_AI_OUTPUT_MESSAGES, A.GEN_AI_TOOL_CALL_RESULT, "out")):
            value = attrs.get(key)
            if value in (None, ""):
                value = last_message(attrs.get(messages_key))
            if value in (None, "") and A.MCP_METHOD_NAME in attrs:
                value = attrs.get(tool_key)  # MCP spans carry the conventions' names only
            if value not in (None, ""):
                pipe = "│ " if node.children and (depth is None or level < depth) else "  "
                lines.append(child_prefix + pipe + style(f"{label}: " + one_line(value, budget), "dim"))
        for record in node.span.log_records:
            pipe = "│ " if node.children and (depth is None or level < depth) else "  "
            lines.append(child_prefix + pipe + style("event " + event_line(record, budget - 6), "blue"))
    if depth is not None and level >= depth:
        if node.children:
            lines.append(child_prefix + style(f"… {_count(node) - 1} more span(s) below", "grey"))
        return
    for i, child in enumerate(node.children):
        _render_node(child, node, child_prefix, i == len(node.children) - 1, level + 1, lines, style,
                     depth, io, width)


def last_message(messages) -> str | None:
    """One line for a GenAI messages attribute: the last message's role and parts."""
    if not isinstance(messages, str) or not messages:
        return None
    try:
        message = json.loads(messages)[-1]
        parts = []
        for part in message.get("parts") or []:
            kind = part.get("type")
            if kind == "text":
                parts.append(str(part.get("content", "")))
            elif kind == "tool_call":
                parts.append(f"{part.get('name')}({json.dumps(part.get('arguments'), ensure_ascii=False)})")
            elif kind == "tool_call_response":
                parts.append(f"result {json.dumps(part.get('response'), ensure_ascii=False)}")
            else:
                parts.append(f"[{kind}]")
        return f"{message.get('role', '?')}: " + " ".join(parts)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError):
        return messages


def event_line(record, limit: int) -> str:
    """One line for a log record (a GenAI event): its name, then its last input and output message."""
    parts = [record.event_name or "log record"]
    for key, label in ((A.GEN_AI_INPUT_MESSAGES, "in"), (A.GEN_AI_OUTPUT_MESSAGES, "out")):
        value = record.attributes.get(key)
        if value not in (None, "", []):
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
            parts.append(f"{label}: {last_message(text)}")
    return one_line(" · ".join(parts), limit)


def _count(node: Node) -> int:
    return 1 + sum(_count(c) for c in node.children)


def _describe(node: Node, parent: Node | None, style: Style) -> str:
    if node.span is None:
        return style(f"⟨missing parent {node.missing_id}⟩", "yellow") + "  " + fmt_duration(node.duration_ms)
    span: Span = node.span
    parts = [style(span.name, "bold")]
    parts.append(style(span.span_type or span.kind_name, "cyan"))
    server = mcp_server_name(span)
    if server:
        parts.append(style(f"@{server}", "magenta"))
    parts.append(fmt_duration(span.duration_ms))
    if parent is not None and parent.duration_ms > 0:
        parts.append(f"{min(999.9, span.duration_ms / parent.duration_ms * 100):.1f}%")
    elif parent is None:
        parts.append("100%")
    if span.input_tokens or span.output_tokens:
        parts.append("tokens " + fmt_tokens(span.input_tokens, span.output_tokens))
    cost = span.cost_usd
    if cost is not None:
        parts.append(fmt_cost(cost))
    if span.model and span.span_type != "llm":
        parts.append(span.model)
    reached = span.attributes.get(A.AGENT_MAX_ITERATIONS_REACHED)
    iterations = span.attributes.get(A.AGENT_ITERATIONS)
    if iterations is not None:
        parts.append(f"iterations {iterations}" + (" (limit reached)" if reached else ""))
    if span.is_error:
        detail = span.attributes.get(A.ERROR_TYPE) or ""
        message = span.status_message
        if message:  # the SDK's description often starts with the type already
            detail = message if (not detail or message.startswith(str(detail))) else f"{detail}: {message}"
        parts.append(style("ERROR" + (f" {one_line(detail, 80)}" if detail else ""), "red", "bold"))
    else:
        parts.append(style(span.status, "green" if span.status_code == 1 else "grey"))
    return "  ".join(parts)
