"""``actiontrace stats``: numbers per group, per session, and findings.

Streaming and bounded: each group keeps counters and a log-bucket latency
histogram (``_digest.LogHistogram``), each session a few counters; the
repeated-tool-call check keeps only the most recent traces in an LRU window,
so memory follows the number of groups/sessions, never the number of spans.
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import json
import sys
from collections import OrderedDict
from typing import Any, Iterable

from .. import _vocabulary as A
from .._naming import agent_from_span_name
from ._histogram import LogHistogram
from ..reading._reader import Span, ns_to_iso, read_spans
from ._render import Style, fmt_cost, fmt_duration, fmt_int, fmt_pct, one_line, table

HELP = "count, error rate, latency percentiles, tokens and cost per group; sessions; findings"
GROUPINGS = ("name", "tool", "model", "session", "type")


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("stats", parents=[common], help=HELP, description=(
        "Per group (span name, tool, model, session or span type): count, error rate, p50/p95/max "
        "latency, tokens in/out, cost. Then per-session totals, slow tools, repeated identical tool "
        "calls within one trace, and agents that hit their iteration limit. Memory stays bounded "
        "however many spans are read (p50/p95 are within 1% of a recorded value)."))
    p.add_argument("files", nargs="*", default=["traces"], metavar="FILE",
                   help="JSONL files, directories of *.jsonl, or - for stdin (default: ./traces)")
    p.add_argument("--by", choices=GROUPINGS, default="name", help="grouping of the main table (default: name)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="rows per section in text output")
    p.add_argument("--fail-on-error", action="store_true", help="exit 1 when any span has status error")
    p.set_defaults(run=run)


def _hash(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=8).digest()


class _Group:
    __slots__ = ("count", "errors", "latency", "input_tokens", "output_tokens", "cost_usd")

    def __init__(self) -> None:
        self.count = 0
        self.errors = 0
        self.latency = LogHistogram()
        self.input_tokens = 0
        self.output_tokens = 0
        self.cost_usd: float | None = None  # None until a span with a recorded cost: unknown is not free

    def add(self, duration_ms: float, error: bool, input_tokens: int, output_tokens: int,
            cost_usd: float | None) -> None:
        self.count += 1
        self.errors += error
        self.latency.add(duration_ms)
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens
        if cost_usd is not None:
            self.cost_usd = (self.cost_usd or 0.0) + cost_usd

    def to_dict(self, key: str) -> dict[str, Any]:
        h = self.latency
        return {
            "key": key, "count": self.count, "errors": self.errors,
            "error_rate": self.errors / self.count if self.count else 0.0,
            "p50_ms": _round(h.quantile(0.5)), "p95_ms": _round(h.quantile(0.95)),
            "max_ms": _round(h.max if h.count else None), "mean_ms": _round(h.mean),
            "input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
            "cost_usd": _round_cost(self.cost_usd),
        }


class _Session:
    __slots__ = ("spans", "traces", "errors", "input_tokens", "output_tokens", "cost_usd", "start_ns", "end_ns",
                 "name")

    def __init__(self) -> None:
        self.spans = self.traces = self.errors = self.input_tokens = self.output_tokens = 0
        self.cost_usd: float | None = None
        self.start_ns = 0
        self.end_ns = 0
        self.name = None

    def add(self, span: Span, error: bool, input_tokens: int, output_tokens: int, cost_usd: float | None) -> None:
        if self.spans == 0 or span.start_ns < self.start_ns:
            self.start_ns = span.start_ns
        if span.end_ns > self.end_ns:
            self.end_ns = span.end_ns
        self.spans += 1
        self.traces += not span.parent_span_id
        self.errors += error
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens
        if cost_usd is not None:
            self.cost_usd = (self.cost_usd or 0.0) + cost_usd
        if self.name is None:
            self.name = span.attributes.get(A.SESSION_NAME)


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 3)


def _round_cost(v: float | None) -> float | None:
    return None if v is None else round(v, 10)


class StatsCollector:
    """Feed spans with ``add``; read the summary with ``result()``."""

    # How many traces the repeated-call check follows at once. Spans of one
    # trace are written close together, so a trace that falls out of the
    # window is finished; only its findings are kept.
    ACTIVE_TRACES = 4096
    TOP = 20

    def __init__(self, by: str = "name") -> None:
        if by not in GROUPINGS:
            raise ValueError(f"--by must be one of {', '.join(GROUPINGS)}")
        self.by = by
        self.groups: dict[str, _Group] = {}
        self.tools: dict[str, _Group] = {}
        self.sessions: dict[str, _Session] = {}
        self.total = _Group()
        self.traces = 0
        self.first_ns: int | None = None
        self.last_ns = 0
        self._active: OrderedDict[str, dict[tuple[str, bytes], list]] = OrderedDict()
        self._repeats: list[tuple[int, int, dict]] = []  # heap of (count, seq, finding)
        self._repeat_seq = 0
        self.repeated_findings = 0
        self.repeated_extra_calls = 0
        self._slowest: list[tuple[float, int, dict]] = []
        self._slow_seq = 0
        self.agents: dict[str, list] = {}  # name -> [runs, limit_hits, example trace ids]

    # --- feeding -------------------------------------------------------------
    def add(self, span: Span) -> None:
        # Computed once per span; every group below adds the same numbers.
        numbers = (span.duration_ms, span.status_code == 2, span.input_tokens, span.output_tokens,
                   span.cost_usd)
        self.total.add(*numbers)
        if self.first_ns is None or span.start_ns < self.first_ns:
            self.first_ns = span.start_ns
        if span.end_ns > self.last_ns:
            self.last_ns = span.end_ns
        if not span.parent_span_id:
            self.traces += 1
        key = self._key(span)
        if key is not None:
            group = self.groups.get(key)
            if group is None:
                group = self.groups[key] = _Group()
            group.add(*numbers)
        sid = span.session_id
        if sid is not None:
            session = self.sessions.get(sid)
            if session is None:
                session = self.sessions[sid] = _Session()
            session.add(span, *numbers[1:])
        tool = span.tool_name
        if tool:
            group = self.tools.get(tool)
            if group is None:
                group = self.tools[tool] = _Group()
            group.add(*numbers)
            self._track_slow(span, tool)
            self._track_repeat(span, tool)
        if span.span_type == "agent" or A.AGENT_MAX_ITERATIONS_REACHED in span.attributes:
            self._track_agent(span)

    def add_all(self, spans: Iterable[Span]) -> "StatsCollector":
        for span in spans:
            self.add(span)
        return self

    def _key(self, span: Span) -> str | None:
        by = self.by
        if by == "name":
            return span.name
        if by == "tool":
            return span.tool_name
        if by == "model":
            return span.model
        if by == "session":
            return span.session_id
        return span.span_type or span.kind_name

    def _track_slow(self, span: Span, tool: str) -> None:
        self._slow_seq += 1
        item = (span.duration_ms, self._slow_seq,
                {"tool": tool, "duration_ms": round(span.duration_ms, 3), "trace_id": span.trace_id,
                 "span_id": span.span_id, "status": span.status})
        if len(self._slowest) < self.TOP:
            heapq.heappush(self._slowest, item)
        elif item[0] > self._slowest[0][0]:
            heapq.heapreplace(self._slowest, item)

    def _track_repeat(self, span: Span, tool: str) -> None:
        args = span.attributes.get(A.GEN_AI_TOOL_CALL_ARGUMENTS)
        if args is None:
            args = span.attributes.get(A.INPUT)
        if args is None:
            return
        text = args if isinstance(args, str) else json.dumps(args, sort_keys=True, default=str)
        calls = self._active.get(span.trace_id)
        if calls is None:
            calls = self._active[span.trace_id] = {}
            if len(self._active) > self.ACTIVE_TRACES:
                old_id, old_calls = self._active.popitem(last=False)
                self._finish_trace(old_id, old_calls)
        else:
            self._active.move_to_end(span.trace_id)
        key = (tool, _hash(text))
        entry = calls.get(key)
        if entry is None:
            calls[key] = [1, one_line(text, 200)]
        else:
            entry[0] += 1

    def _finish_trace(self, trace_id: str, calls: dict) -> None:
        for (tool, _), (count, preview) in calls.items():
            if count < 2:
                continue
            self.repeated_findings += 1
            self.repeated_extra_calls += count - 1
            self._repeat_seq += 1
            item = (count, -self._repeat_seq,
                    {"trace_id": trace_id, "tool": tool, "arguments": preview, "calls": count})
            if len(self._repeats) < self.TOP:
                heapq.heappush(self._repeats, item)
            elif item[:2] > self._repeats[0][:2]:
                heapq.heapreplace(self._repeats, item)

    def _track_agent(self, span: Span) -> None:
        name = str(span.attributes.get(A.GEN_AI_AGENT_NAME) or "")
        if not name:
            name = agent_from_span_name(span.name)
        entry = self.agents.get(name)
        if entry is None:
            entry = self.agents[name] = [0, 0, []]
        entry[0] += 1
        if span.attributes.get(A.AGENT_MAX_ITERATIONS_REACHED) in (True, "true", "True", 1):
            entry[1] += 1
            if len(entry[2]) < 10:
                entry[2].append(span.trace_id)

    # --- reading -------------------------------------------------------------
    def result(self) -> dict[str, Any]:
        for trace_id, calls in list(self._active.items()):
            self._finish_trace(trace_id, calls)
        self._active.clear()
        total = self.total.to_dict("all")
        total.pop("key")
        total["traces"] = self.traces
        total["sessions"] = len(self.sessions)
        total["start"] = ns_to_iso(self.first_ns) if self.first_ns is not None else None
        total["end"] = ns_to_iso(self.last_ns) if self.first_ns is not None else None
        groups = sorted((g.to_dict(k) for k, g in self.groups.items()), key=lambda d: (-d["count"], d["key"]))
        tools = sorted((g.to_dict(k) for k, g in self.tools.items()),
                       key=lambda d: (-(d["p95_ms"] or 0), d["key"]))
        sessions = []
        for sid, s in sorted(self.sessions.items(), key=lambda kv: kv[1].start_ns):
            sessions.append({
                "session_id": sid, "name": s.name, "spans": s.spans, "traces": s.traces, "errors": s.errors,
                "duration_ms": round(max(0, s.end_ns - s.start_ns) / 1e6, 3),
                "input_tokens": s.input_tokens, "output_tokens": s.output_tokens,
                "cost_usd": _round_cost(s.cost_usd), "start": ns_to_iso(s.start_ns),
            })
        repeats = [item[2] for item in sorted(self._repeats, reverse=True)]
        agents = [
            {"agent": name, "runs": runs, "limit_reached": hits, "rate": hits / runs if runs else 0.0,
             "trace_ids": examples}
            for name, (runs, hits, examples) in sorted(self.agents.items())
        ]
        return {
            "by": self.by,
            "totals": total,
            "groups": groups,
            "sessions": sessions,
            "slow_tools": tools,
            "slowest_tool_calls": [item[2] for item in sorted(self._slowest, reverse=True)],
            "repeated_tool_calls": {"findings": self.repeated_findings,
                                    "extra_calls": self.repeated_extra_calls, "top": repeats},
            "iteration_limits": agents,
        }


def run(args: argparse.Namespace, style: Style) -> int:
    collector = StatsCollector(args.by).add_all(read_spans(args.files))
    summary = collector.result()
    if args.json:
        json.dump(summary, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write("\n".join(render(summary, style, limit=args.limit)) + "\n")
    return 1 if (args.fail_on_error and summary["totals"]["errors"]) else 0


def _group_rows(groups: list[dict], limit: int) -> list[list[str]]:
    return [[one_line(g["key"], 60), str(g["count"]), fmt_pct(g["error_rate"]), fmt_duration(g["p50_ms"]),
             fmt_duration(g["p95_ms"]), fmt_duration(g["max_ms"]), fmt_int(g["input_tokens"]),
             fmt_int(g["output_tokens"]), fmt_cost(g["cost_usd"])] for g in groups[:limit]]


_GROUP_HEADERS = ["count", "errors", "p50", "p95", "max", "tokens in", "tokens out", "cost"]


def render(summary: dict, style: Style, limit: int = 20) -> list[str]:
    t = summary["totals"]
    lines = [style("Totals", "bold"),
             f"  {t['count']:,} spans in {t['traces']:,} traces, {t['sessions']:,} sessions; "
             f"errors {t['errors']:,} ({fmt_pct(t['error_rate'])}); tokens {fmt_int(t['input_tokens'])} in / "
             f"{fmt_int(t['output_tokens'])} out; cost {fmt_cost(t['cost_usd'])}"]
    if t["start"]:
        lines.append(f"  from {t['start']} to {t['end']}")
    lines += ["", style(f"By {summary['by']}", "bold")]
    lines += table([summary["by"]] + _GROUP_HEADERS, _group_rows(summary["groups"], limit), style)
    if len(summary["groups"]) > limit:
        lines.append(style(f"  … {len(summary['groups']) - limit} more (use --limit or --json)", "grey"))
    if summary["sessions"]:
        lines += ["", style("Sessions", "bold")]
        rows = [[one_line(s["session_id"], 40), one_line(s["name"] or "", 24), str(s["traces"]), str(s["spans"]),
                 str(s["errors"]), fmt_duration(s["duration_ms"]), fmt_int(s["input_tokens"]),
                 fmt_int(s["output_tokens"]), fmt_cost(s["cost_usd"])] for s in summary["sessions"][:limit]]
        lines += table(["session", "name", "traces", "spans", "errors", "duration", "tokens in", "tokens out",
                        "cost"], rows, style, right=[False, False] + [True] * 7)
        if len(summary["sessions"]) > limit:
            lines.append(style(f"  … {len(summary['sessions']) - limit} more", "grey"))
    if summary["slow_tools"]:
        lines += ["", style("Slow tools (by p95)", "bold")]
        lines += table(["tool"] + _GROUP_HEADERS[:5], [r[:6] for r in _group_rows(summary["slow_tools"], limit)],
                       style)
    rep = summary["repeated_tool_calls"]
    lines += ["", style("Repeated identical tool calls in one trace", "bold")]
    if rep["findings"]:
        lines.append(f"  {rep['findings']} finding(s), {rep['extra_calls']} unnecessary call(s)")
        for f in rep["top"][:limit]:
            lines.append(f"  {style(str(f['calls']) + '×', 'yellow')} {f['tool']} {f['arguments']}  "
                         f"trace {f['trace_id']}")
    else:
        lines.append("  none")
    lines += ["", style("Agents at their iteration limit", "bold")]
    hit = [a for a in summary["iteration_limits"] if a["limit_reached"]]
    if hit:
        for a in hit[:limit]:
            lines.append(f"  {a['agent']}: {a['limit_reached']} of {a['runs']} run(s) ({fmt_pct(a['rate'])})  "
                         f"e.g. trace {a['trace_ids'][0]}")
    else:
        lines.append("  none")
    return lines
