"""``actiontrace tail``: follow live JSONL files and print each trace as it finishes.

A trace is finished when its root span (no parent) has arrived - exporters
write a span when it ends, and the root ends last - or, for a trace whose
root never comes (another process, a dropped span), after a quiet period
with no new span. Files are polled, which works the same on every OS and
on network file systems; a partially written line waits for its newline.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from ..reading._reader import Span, decode_line
from ._render import Style, terminal_width
from ._tree import Trace
from ._view import render_trace

HELP = "follow live JSONL files and print each finished trace"

# Traces waiting for their root at once; beyond this the oldest is printed as it is.
MAX_PENDING = 10_000


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("tail", parents=[common], help=HELP, description=(
        "Follow the *.jsonl files in DIR (new and rotated files included) and print each trace as a "
        "tree when its root span arrives, or after --quiet-period seconds without new spans."))
    p.add_argument("path", nargs="?", default="traces", metavar="DIR",
                   help="directory of JSONL files, or one file (default: ./traces)")
    p.add_argument("--from-start", action="store_true",
                   help="read what the files already hold too (default: only what is written from now on)")
    p.add_argument("--quiet-period", type=float, default=5.0, metavar="S",
                   help="print a trace without root after S seconds with no new span (default 5)")
    p.add_argument("--interval", type=float, default=0.2, metavar="S", help="poll interval (default 0.2 s)")
    p.add_argument("--once", action="store_true", help="read what is there, print every trace, and exit")
    p.add_argument("--exit-after", type=float, metavar="S", help="stop after S seconds")
    p.add_argument("--max-traces", type=int, metavar="N", help="stop after printing N traces")
    p.add_argument("--depth", type=int, metavar="N", help="tree depth, as in view")
    p.add_argument("--no-io", action="store_true", help="leave out input/output lines")
    p.set_defaults(run=run)


class _Follower:
    """One file: byte offset, the unfinished tail of the last read, line count."""

    __slots__ = ("path", "offset", "partial", "lineno")

    def __init__(self, path: str, offset: int) -> None:
        self.path = path
        self.offset = offset
        self.partial = b""
        self.lineno = 0

    def read_new(self) -> list[tuple[int, bytes]]:
        try:
            size = os.path.getsize(self.path)
        except OSError:
            return []
        if size < self.offset:  # truncated or replaced: start over
            self.offset, self.partial, self.lineno = 0, b"", 0
        if size == self.offset:
            return []
        with open(self.path, "rb") as fh:
            fh.seek(self.offset)
            data = fh.read(size - self.offset)
        self.offset += len(data)
        *complete, self.partial = (self.partial + data).split(b"\n")
        out = []
        for line in complete:
            self.lineno += 1
            if line.strip():
                out.append((self.lineno, line))
        return out


class Tailer:
    def __init__(self, path: str, *, from_start: bool, quiet_period: float, emit) -> None:
        if not os.path.exists(path):
            raise FileNotFoundError(path)
        self.path = path
        self.quiet_period = quiet_period
        self.emit = emit
        self.files: dict[str, _Follower] = {}
        self.pending: dict[str, tuple[list[Span], float]] = {}
        for name in self._list():
            self.files[name] = _Follower(name, 0 if from_start else os.path.getsize(name))

    def _list(self) -> list[str]:
        if os.path.isfile(self.path):
            return [self.path]
        try:
            names = sorted(n for n in os.listdir(self.path) if n.endswith(".jsonl"))
        except OSError:
            return []
        return [os.path.join(self.path, n) for n in names]

    def poll(self) -> None:
        now = time.monotonic()
        finished: list[str] = []
        for name in self._list():
            follower = self.files.get(name)
            if follower is None:  # a file that appeared after we started: read all of it
                follower = self.files[name] = _Follower(name, 0)
            for lineno, raw in follower.read_new():
                text = raw.decode("utf-8", "replace")
                try:
                    spans = decode_line(text, f"{name}:{lineno}")
                except (ValueError, TypeError, KeyError, AttributeError) as exc:
                    print(f"actiontrace: warning: {name}:{lineno}: skipped unreadable line: {exc}",
                          file=sys.stderr)
                    continue
                for span in spans:
                    entry = self.pending.get(span.trace_id)
                    if entry is None:
                        self.pending[span.trace_id] = ([span], now)
                    else:
                        entry[0].append(span)
                        self.pending[span.trace_id] = (entry[0], now)
                    if not span.parent_span_id:
                        finished.append(span.trace_id)
        for trace_id in dict.fromkeys(finished):
            self._emit(trace_id)
        for trace_id, (_, seen) in list(self.pending.items()):
            if now - seen >= self.quiet_period:
                self._emit(trace_id)
        while len(self.pending) > MAX_PENDING:
            self._emit(next(iter(self.pending)))

    def _emit(self, trace_id: str) -> None:
        entry = self.pending.pop(trace_id, None)
        if entry is not None:
            self.emit(Trace(trace_id, entry[0]))

    def flush(self) -> None:
        for trace_id in sorted(self.pending, key=lambda t: min(s.start_ns for s in self.pending[t][0])):
            self._emit(trace_id)


def run(args: argparse.Namespace, style: Style) -> int:
    printed = 0
    width = max(60, terminal_width())

    def emit(trace: Trace) -> None:
        nonlocal printed
        if printed:
            sys.stdout.write("\n")
        sys.stdout.write("\n".join(render_trace(trace, style, depth=args.depth, io=not args.no_io,
                                                width=width)) + "\n")
        sys.stdout.flush()
        printed += 1

    tailer = Tailer(args.path, from_start=args.from_start or args.once, quiet_period=args.quiet_period, emit=emit)
    deadline = time.monotonic() + args.exit_after if args.exit_after is not None else None
    if args.once:
        tailer.poll()
        tailer.flush()
        return 0
    while True:
        tailer.poll()
        if args.max_traces is not None and printed >= args.max_traces:
            return 0
        if deadline is not None and time.monotonic() >= deadline:
            tailer.flush()
            return 0
        time.sleep(args.interval)
