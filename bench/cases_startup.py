"""Cases 14 and 15: what a process pays once, at start-up.

    .venv/bin/python bench/cases_startup.py [--runs 15]

Case 14: CPU time of the first traced call of a process above a steady call (median of 200
later calls), in a fresh interpreter after ``configure()``. Target: <= 5 ms.
Case 15: CPU time of ``configure()`` with its defaults (openai installed, never imported)
against ``configure(instrument=[])``, fresh interpreters alternating run by run; medians.
Target: <= +0.15 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

import _harness as H

FIRST_CALL = """
import time, actiontrace
actiontrace.configure(instrument=[], jsonl_path={path!r})
@actiontrace.tool
def step(query, limit=10):
    return {{"rows": [query] * 3}}
def cpu():
    t = time.process_time_ns(); step("select 1", limit=5); return time.process_time_ns() - t
first = cpu()
steady = sorted(cpu() for _ in range(200))[100]
print(first, steady)
"""

CONFIGURE = """
import time, actiontrace
t = time.process_time_ns()
actiontrace.configure({args}jsonl_path=None)
print(time.process_time_ns() - t)
"""


def _python(code: str) -> list[int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_"))}
    env["PYTHONPATH"] = H.SRC
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return [int(x) for x in out.stdout.split()]


def first_call(runs: int) -> None:
    firsts, steadies = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            first, steady = _python(FIRST_CALL.format(path=os.path.join(tmp, "traces")))
            firsts.append(first)
            steadies.append(steady)
    f, s = statistics.median(firsts), statistics.median(steadies)
    added_ms = (f - s) / 1e6
    H.Result(case="14", what="first traced call above a steady one (CPU)", subject_ns=f, reference_ns=s,
             ratio=f / s, target="<= +5 ms", passed=added_ms <= 5, reference="steady call, same process",
             note=f"added {added_ms:+.2f} ms (median of {runs} processes)", extra={"added_ms": added_ms}).emit()


def configure_cost(runs: int) -> None:
    defaults, bare = [], []
    for i in range(runs):
        pair = [(CONFIGURE.format(args=""), defaults), (CONFIGURE.format(args="instrument=[], "), bare)]
        for code, out in pair if i % 2 == 0 else reversed(pair):
            out.append(_python(code)[0])
    d, b = statistics.median(defaults), statistics.median(bare)
    added_s = (d - b) / 1e9
    try:
        import importlib.util

        openai = "openai installed" if importlib.util.find_spec("openai") else "openai NOT installed"
    except Exception:
        openai = "?"
    H.Result(case="15", what="configure() defaults, openai unused (CPU)", subject_ns=d, reference_ns=b,
             ratio=d / b, target="<= +0.15 s", passed=added_s <= 0.15, reference="configure(instrument=[])",
             note=f"added {added_s * 1000:+.1f} ms ({openai}; median of {runs} runs each)",
             extra={"added_s": added_s}).emit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5 if H.QUICK else 15)
    args = ap.parse_args()
    first_call(args.runs)
    configure_cost(args.runs)


if __name__ == "__main__":
    main()
