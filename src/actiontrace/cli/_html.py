"""``actiontrace html``: one self-contained HTML report (inline CSS/JS, no network).

The page holds the data as JSON (``_html_model``) and draws it with a small script
(``_html_script``): totals, the traces newest first with a filter, a waterfall per trace
whose rows open on the conversation, arguments, result or exception (``_html_detail``), the
decision tree and the stats tables. Recorded text is inserted with ``textContent`` only, so
a prompt can never become markup.
"""

from __future__ import annotations

import argparse
import sys

from ..reading._logs import read_with_log_records
from ..reading._reader import Span
from ._html_model import page_data
from ._html_page import render_page
from ._render import Style
from ._stats import StatsCollector
from ._tree import Trace

HELP = "write a self-contained HTML report: each trace's waterfall and conversation, decision tree, stats"


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("html", parents=[common], help=HELP, description=(
        "Write one HTML file that needs no network: the traces newest first (root span, duration, tokens, "
        "cost, errors; a filter by name, session or error), a waterfall per trace whose rows open on the "
        "LLM conversation, tool arguments and results, exceptions and GenAI events, the decision tree "
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
    return render_page(page_data(traces, stats.result(), files, title=title, max_traces=max_traces), title)


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
