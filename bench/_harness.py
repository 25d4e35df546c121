"""Timing loop shared by the bench cases.

A figure is always a ratio: subject against a reference doing the same job, measured in the
same process and run. Rounds interleave the two (and alternate which goes first) so that
machine noise — other tenants, frequency changes, a GC pass — hits both alike. Each round
times a batch of ``inner`` operations with ``time.perf_counter_ns`` (or another clock); the
figures reported are the best round of each side (the least disturbed) and the median of the
per-round ratios, which is what the targets are checked against.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")
if SRC not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, SRC)

# Set by run.py --quick: fewer rounds, for a smoke run.
QUICK = os.environ.get("ACTIONTRACE_BENCH_QUICK") == "1"


@dataclass
class Result:
    """One row of the results table. Times are per operation, in nanoseconds."""

    case: str
    what: str
    subject_ns: float | None = None
    reference_ns: float | None = None
    ratio: float | None = None
    target: str = ""
    passed: bool | None = None  # None: informational, or could not be measured
    note: str = ""
    reference: str = ""
    unit: str = "ns"  # how subject/reference are shown: "ns" per op, or a free-form "value"
    extra: dict = field(default_factory=dict)

    def emit(self) -> None:
        """Print as one JSON line prefixed so run.py can pick it out of other output."""
        print("BENCH_RESULT " + json.dumps(asdict(self)), flush=True)


def _time_batch(op: Callable[[], object], inner: int, clock) -> float:
    start = clock()
    for _ in range(inner):
        op()
    return (clock() - start) / inner


def compare(
    subject: Callable[[], object],
    reference: Callable[[], object],
    *,
    inner: int = 2000,
    rounds: int = 25,
    warmup: int = 2,
    clock=time.perf_counter_ns,
    between: Callable[[], object] | None = None,
    batch: Callable[[Callable[[], object], int, object], float] | None = None,
) -> tuple[float, float, float]:
    """Time ``subject`` and ``reference`` in interleaved rounds.

    Returns (best subject ns/op, best reference ns/op, median of per-round ratios).
    ``between`` runs untimed after every batch (e.g. flushing a batch span processor), and
    ``batch`` replaces the plain loop (e.g. to drive an event loop).
    """
    if QUICK:
        rounds = max(5, rounds // 4)
    run = batch or _time_batch
    for _ in range(warmup):
        run(subject, inner, clock)
        run(reference, inner, clock)
        if between:
            between()
    subj, ref, ratios = [], [], []
    gc_was_enabled = gc.isenabled()
    gc.collect()
    try:
        for r in range(rounds):
            # Alternate the order so neither side always runs on a "warm" or "cold" slot.
            pair = ((subject, subj), (reference, ref)) if r % 2 == 0 else ((reference, ref), (subject, subj))
            for op, out in pair:
                gc.disable()  # a collection lands in one batch only: keep it out of both
                out.append(run(op, inner, clock))
                if gc_was_enabled:
                    gc.enable()
                if between:
                    between()
                gc.collect()
            ratios.append(subj[-1] / ref[-1])
    finally:
        if gc_was_enabled:
            gc.enable()
    return min(subj), min(ref), statistics.median(ratios)


def check(ratio: float, limit: float, *, at_least: bool = False) -> bool:
    return ratio >= limit if at_least else ratio <= limit


def pair_result(case: str, what: str, subject, reference, *, limit: float, reference_text: str,
                note: str = "", **kw) -> Result:
    s, r, ratio = compare(subject, reference, **kw)
    return Result(case=case, what=what, subject_ns=s, reference_ns=r, ratio=ratio, target=f"<= {limit:g}x",
                  passed=check(ratio, limit), note=note, reference=reference_text)


class DiscardExporter:
    """A span exporter that drops everything (counts, so a bench can tell spans arrived)."""

    def __init__(self) -> None:
        self.count = 0

    def export(self, spans):
        from opentelemetry.sdk.trace.export import SpanExportResult

        self.count += len(spans)
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


def callgrind_per_call(command, modes, calls: int, short: int = 100) -> dict[str, tuple[float, float]]:
    """Instructions per call of each mode under callgrind: ``command(mode, n)`` is the argv of a
    child making ``n`` calls; the slope between ``short`` and ``short + calls`` calls cancels
    start-up and imports. Returns mode -> (calling thread, all threads). The redaction engine is
    fixed (Hyperscan when installed, compiled before the first span) so the children's start-up
    does not vary with when a background compile lands."""
    import glob
    import subprocess
    import tempfile

    try:
        import hyperscan  # noqa: F401
        engine = "hyperscan"
    except ImportError:
        engine = "re"
    env = dict(os.environ, PYTHONHASHSEED="0", ACTIONTRACE_REDACTION_ENGINE=engine)

    def count(mode: str, n: int) -> tuple[int, int]:
        with tempfile.TemporaryDirectory() as tmp:
            cmd = ["valgrind", "--tool=callgrind", "--separate-threads=yes", "--dump-instr=no",
                   f"--callgrind-out-file={tmp}/cg.out", *command(mode, n)]
            subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
            totals = {}
            for path in glob.glob(f"{tmp}/cg.out-*"):  # one file per thread; -01 is the main thread
                with open(path) as fh:
                    totals[path.rsplit("-", 1)[-1]] = next(int(line.split()[1]) for line in fh
                                                           if line.startswith("summary:"))
        return totals.get("01", 0), sum(totals.values())

    per_call = {}
    for mode in modes:  # one valgrind at a time: the machine is shared
        (main_long, all_long), (main_short, all_short) = count(mode, short + calls), count(mode, short)
        per_call[mode] = ((main_long - main_short) / calls, (all_long - all_short) / calls)
    return per_call


def report_instructions(command, calls: int, *, with_hand: bool, title: str) -> None:
    """Print the instructions per call of plain, traced and (``with_hand``) hand-written calls.
    The hand-written floor is fair only if it records what ours records: ``command("keys", 0)``
    checks the attribute keys first and exits 1 when they differ."""
    import subprocess

    if with_hand:
        keys = subprocess.run(command("keys", 0), capture_output=True, text=True)
        print(keys.stdout.strip() or keys.stderr.strip()[-300:])
        if keys.returncode:
            sys.exit(1)
    modes = ("plain", "traced", "hand") if with_hand else ("plain", "traced")
    per_call = callgrind_per_call(command, modes, calls)
    print(f"instructions per call ({title}):")
    for line in instruction_lines(per_call, {"traced": "instrumented", "hand": "SDK span by hand"}):
        print(line)


def instruction_lines(per_call: dict[str, tuple[float, float]], names: dict[str, str]) -> list[str]:
    """Report lines, one per thread view: each mode's instructions per call and what it adds to
    ``plain``; the last part, ``ratio``, is (traced - plain) / (hand - plain) when both ran."""
    lines = []
    for i, label in enumerate(("calling thread", "all threads")):
        plain = per_call["plain"][i]
        line = f"  {label:<15} plain {plain / 1e3:.1f} k"
        for mode, name in names.items():
            if mode in per_call:
                added = per_call[mode][i] - plain
                line += f"; {name} {per_call[mode][i] / 1e3:.1f} k, added {added / 1e3:.1f} k ({added / plain * 100:+.2f}%)"
        if "traced" in per_call and "hand" in per_call:
            line += f"; ratio {(per_call['traced'][i] - plain) / (per_call['hand'][i] - plain):.3f}"
        lines.append(line)
    return lines
