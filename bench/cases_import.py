"""Case 9: the cost of ``import actiontrace`` against ``import opentelemetry.sdk.trace``.

    .venv/bin/python bench/cases_import.py [--runs 40]

Each measurement is a fresh interpreter that times only the import statement (startup and
``site`` are excluded), the two imports alternating run by run so that disk cache and machine
noise hit both alike; the figures are the medians. Target: actiontrace adds at most 30 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

import _harness as H

PROBE = "import time; t = time.perf_counter_ns(); {code}; print(time.perf_counter_ns() - t)"
# wrapt (and with it asyncio and importlib.metadata) loads at the first decoration, so an
# application that decorates at import time pays this: reported for information.
FIRST_TOOL = "import actiontrace; actiontrace.tool(lambda: None)"


def time_import(module: str, code: str | None = None) -> float:
    env = dict(os.environ, PYTHONPATH=H.SRC, PYTHONDONTWRITEBYTECODE="0")
    probe = PROBE.format(code=code or f"import {module}")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    return int(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10 if H.QUICK else 40)
    args = ap.parse_args()
    ours, sdk, first = [], [], []
    time_import("actiontrace", FIRST_TOOL)  # compile .pyc files once, outside the measurement
    time_import("opentelemetry.sdk.trace")
    for i in range(args.runs):
        trio = [("actiontrace", None, ours), ("opentelemetry.sdk.trace", None, sdk), ("", FIRST_TOOL, first)]
        for module, code, out in trio if i % 2 == 0 else reversed(trio):
            out.append(time_import(module, code))
    a, s, f = statistics.median(ours), statistics.median(sdk), statistics.median(first)
    added_ms = (a - s) / 1e6
    H.Result(case="9", what="import actiontrace (fresh interpreter)", subject_ns=a, reference_ns=s, ratio=a / s,
             target="<= +30 ms", passed=added_ms <= 30, reference="import opentelemetry.sdk.trace",
             note=f"added {added_ms:+.1f} ms (median of {args.runs} runs each)",
             extra={"added_ms": added_ms}).emit()
    H.Result(case="9", what="import actiontrace + first @tool (loads wrapt)", subject_ns=f, reference_ns=s,
             ratio=f / s, target="info", reference="import opentelemetry.sdk.trace",
             note=f"added {(f - s) / 1e6:+.1f} ms; wrapt 2.x imports asyncio + importlib.metadata",
             extra={"added_ms": (f - s) / 1e6}).emit()


if __name__ == "__main__":
    main()
