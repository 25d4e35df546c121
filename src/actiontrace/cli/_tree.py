"""Spans grouped into traces and trees, shared by view, tail and html.

A span whose parent never arrived (recorded by another process, or dropped)
is put under a placeholder node for the missing parent instead of being lost.
"""

from __future__ import annotations

from typing import Iterable

from .. import _vocabulary as A
from ..reading._reader import Span


def mcp_server_name(span: Span) -> str | None:
    """The service that handled an MCP request (its server span's service name), else None."""
    if span.kind_name != "server" or A.MCP_METHOD_NAME not in span.attributes:
        return None
    name = span.resource.get("service.name")
    return str(name) if name else None


class Node:
    __slots__ = ("span", "children", "missing_id")

    def __init__(self, span: Span | None, missing_id: str = "") -> None:
        self.span = span
        self.children: list[Node] = []
        self.missing_id = missing_id  # set on placeholders only

    @property
    def start_ns(self) -> int:
        if self.span is not None:
            return self.span.start_ns
        return min((c.start_ns for c in self.children), default=0)

    @property
    def end_ns(self) -> int:
        if self.span is not None:
            return self.span.end_ns
        return max((c.end_ns for c in self.children), default=0)

    @property
    def duration_ms(self) -> float:
        return max(0, self.end_ns - self.start_ns) / 1e6


class Trace:
    """All spans of one trace id and their roots (real roots first, then placeholders)."""

    def __init__(self, trace_id: str, spans: list[Span]) -> None:
        self.trace_id = trace_id
        self.spans = spans
        self.roots = _build(spans)

    @property
    def start_ns(self) -> int:
        return min(s.start_ns for s in self.spans)

    @property
    def end_ns(self) -> int:
        return max(s.end_ns for s in self.spans)

    @property
    def duration_ms(self) -> float:
        return max(0, self.end_ns - self.start_ns) / 1e6

    @property
    def error_count(self) -> int:
        return sum(1 for s in self.spans if s.is_error)

    @property
    def session_id(self) -> str | None:
        for s in self.spans:
            if s.session_id:
                return s.session_id
        return None

    @property
    def input_tokens(self) -> int:
        return sum(s.input_tokens for s in self.spans)

    @property
    def output_tokens(self) -> int:
        return sum(s.output_tokens for s in self.spans)

    @property
    def cost_usd(self) -> float | None:
        return sum_costs(s.cost_usd for s in self.spans)


def sum_costs(costs: Iterable[float | None]) -> float | None:
    """The sum of the known costs; None when none is known (unknown is not free)."""
    known = [c for c in costs if c is not None]
    return sum(known) if known else None


def _build(spans: list[Span]) -> list[Node]:
    nodes: dict[str, Node] = {}
    for span in spans:
        # A duplicate span id (the same line read twice) keeps the first copy.
        nodes.setdefault(span.span_id, Node(span))
    roots: list[Node] = []
    placeholders: dict[str, Node] = {}
    for node in nodes.values():
        parent_id = node.span.parent_span_id
        if not parent_id:
            roots.append(node)
        elif parent_id in nodes and parent_id != node.span.span_id:
            nodes[parent_id].children.append(node)
        else:
            holder = placeholders.get(parent_id)
            if holder is None:
                holder = placeholders[parent_id] = Node(None, missing_id=parent_id)
            holder.children.append(node)
    for node in list(nodes.values()) + list(placeholders.values()):
        node.children.sort(key=lambda n: (n.start_ns, n.end_ns))
    roots.sort(key=lambda n: n.start_ns)
    return roots + sorted(placeholders.values(), key=lambda n: n.start_ns)


def group_traces(spans: Iterable[Span]) -> list[Trace]:
    """Traces in order of their first span's start."""
    by_trace: dict[str, list[Span]] = {}
    for span in spans:
        by_trace.setdefault(span.trace_id, []).append(span)
    traces = [Trace(tid, spans) for tid, spans in by_trace.items()]
    traces.sort(key=lambda t: t.start_ns)
    return traces
