"""``actiontrace query``: matching spans or sessions (the engine behind ``actiontrace.query``)."""

from __future__ import annotations

import argparse
import json
import sys

from ..reading._query import query
from ._render import Style, fmt_cost, fmt_duration, fmt_int, one_line, table

HELP = "find spans or sessions by session, property, name, status and time"


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("query", parents=[common], help=HELP, description=(
        "Print the spans (or, with --sessions, the sessions) matching every filter given. "
        "The same engine as actiontrace.query() in Python. Exit 1 with --fail-if-found when "
        "anything matched."))
    p.add_argument("files", nargs="*", default=["traces"], metavar="FILE",
                   help="JSONL files, directories of *.jsonl, or - for stdin (default: ./traces)")
    p.add_argument("--session", metavar="ID", help="session id (session.id or conversation id)")
    p.add_argument("--property", action="append", default=[], metavar="KEY=VALUE",
                   help="custom property equal to VALUE (repeatable; all must match)")
    p.add_argument("--name", metavar="GLOB", help="span name or tool name glob, e.g. 'execute_tool *'")
    p.add_argument("--status", choices=("error", "ok", "unset"), help="span status")
    p.add_argument("--since", metavar="TIME", help="spans starting at/after TIME (ISO 8601, epoch s, or 15m/2h/3d ago)")
    p.add_argument("--until", metavar="TIME", help="spans starting before TIME")
    p.add_argument("--sessions", action="store_true", help="summarise matching sessions instead of listing spans")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--fail-if-found", action="store_true", help="exit 1 when anything matched")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, style: Style) -> int:
    result = query(args.files, session_id=args.session, properties=args.property, name=args.name,
                   status=args.status, since=args.since, until=args.until)
    if args.sessions:
        rows = [s.to_dict() for s in result.sessions]
        if args.json:
            json.dump(rows, sys.stdout, indent=2, default=str)
            sys.stdout.write("\n")
        else:
            lines = table(["session", "name", "path", "traces", "spans", "errors", "duration", "tokens", "cost"],
                          [[one_line(r["session_id"], 40), one_line(r["name"] or "", 24),
                            one_line(r["path"] or "", 30), str(len(r["trace_ids"])), str(r["span_count"]),
                            str(r["error_count"]), fmt_duration(r["duration_ms"]),
                            fmt_int(r["input_tokens"] + r["output_tokens"]), fmt_cost(r["cost_usd"])]
                           for r in rows], style, right=[False, False, False] + [True] * 6)
            sys.stdout.write("\n".join(lines) + "\n")
        found = bool(rows)
    else:
        if args.json:
            json.dump(result.to_dicts(), sys.stdout, indent=2, default=str)
            sys.stdout.write("\n")
        else:
            lines = table(["start", "trace", "span", "name", "duration", "status", "session"],
                          [[s.to_dict()["start"], s.trace_id[:16], s.span_id, one_line(s.name, 50),
                            fmt_duration(s.duration_ms), s.status, s.session_id or ""] for s in result],
                          style, right=[False, False, False, False, True, False, False])
            sys.stdout.write("\n".join(lines) + "\n")
        found = bool(result)
    if not found:
        print("no matches", file=sys.stderr)
    return 1 if (args.fail_if_found and found) else 0
