"""Run every benchmark and print one table: ``make bench`` (= ``.venv/bin/python bench/run.py``).

    .venv/bin/python bench/run.py [--quick] [--only 1 4 9 ...] [--markdown FILE] [--json FILE]

Each case runs in its own interpreter (the OpenTelemetry API takes one global tracer
provider per process, and imports must be measured cold). Cases 1–6, 9, 14 and 15 are this
directory's ``cases_*.py``; 7, 8, 10, 11, 12 and 13 are the scripts of the parts they measure
(``jsonl_throughput.py``, ``openai_overhead.py``, ``stats_million.py``, ``resilience.py``,
``mcp_overhead.py``, ``openai_agents_overhead.py``),
whose figures are read from their output. Every ratio compares a subject with a reference
measured in the same run; absolute times are for information (the machine is shared).
``peers.py`` (other tracing libraries) runs once per peer under ``.venv-peer-<peer>``, which
``scripts/peers-venv.sh`` builds when missing.
Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from importlib import metadata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import _harness as H  # noqa: E402

# Each peer library in its own venv (together they do not resolve), built on demand.
PEER_VENVS = {peer: os.path.join(ROOT, f".venv-peer-{peer}") for peer in ("openllmetry", "logfire", "langfuse")}


def _run(args: list[str], python: str = sys.executable, timeout: float = 3600) -> tuple[str, str, int]:
    # No empty entry: a trailing separator would put the working directory on sys.path.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (H.SRC, os.environ.get("PYTHONPATH")))))
    proc = subprocess.run([python, *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=timeout)
    return proc.stdout, proc.stderr, proc.returncode


def _results(stdout: str) -> list[H.Result]:
    return [H.Result(**json.loads(line[len("BENCH_RESULT "):])) for line in stdout.splitlines()
            if line.startswith("BENCH_RESULT ")]


def _failed(case: str, what: str, script: str, out: str, err: str, code: int) -> H.Result:
    tail = (err.strip() or out.strip()).splitlines()[-1:] or ["no output"]
    return H.Result(case=case, what=what, note=f"{script} failed (exit {code}): {tail[0][:160]}")


def own_script(case: str, what: str, script: str, *args: str) -> list[H.Result]:
    out, err, code = _run([os.path.join(HERE, script), *args])
    rows = _results(out)
    return rows if rows else [_failed(case, what, script, out, err, code)]


# --- the other parts' scripts ------------------------------------------------------------

def case7(quick: bool) -> list[H.Result]:
    script = "jsonl_throughput.py"
    if not os.path.exists(os.path.join(HERE, script)):
        return [H.Result("7", "JSONL exporter throughput", note=f"skipped: bench/{script} not present")]
    out, err, code = _run([os.path.join(HERE, script), "--rounds", "3" if quick else "7"])
    rates = {m.group(1).strip(): (float(m.group(2)), float(m.group(3)))
             for m in re.finditer(r"^(\S.*?)\s+(\d+)\s+([\d.]+)\s+\d+\s*$", out, re.M)}
    ours = rates.get("JsonlSpanExporter")
    console = next((v for k, v in rates.items() if k.startswith("ConsoleSpanExporter")), None)
    if not ours or not console:
        return [_failed("7", "JSONL exporter throughput", script, out, err, code)]
    return [H.Result("7", "JSONL exporter throughput, realistic spans", subject_ns=ours[0], reference_ns=console[0],
                     ratio=ours[1], target=">= 4.4x", passed=ours[1] >= 4.4, unit="spans/s",
                     reference="ConsoleSpanExporter to a file", note="spans/s on one CPU (process time)")]


_INSTRUCTIONS = re.compile(r"^\s+(calling thread|all threads)\s+plain ([\d.]+) k; instrumented ([\d.]+) k, "
                           r"added [-\d.]+ k \([^)]*\); SDK span by hand ([\d.]+) k", re.M)


def _instruction_rows(case: str, what: str, script: str, args: list[str]) -> tuple[list[H.Result], bool]:
    """The gate of cases 8/8a: callgrind instructions per call, (ours - plain) / (hand - plain) over
    all threads (the export thread's share too), target <= 1.15; the calling thread in the note."""
    out, err, code = _run([os.path.join(HERE, script), *args])
    found = {m.group(1): tuple(float(m.group(i)) * 1e3 for i in (2, 3, 4)) for m in _INSTRUCTIONS.finditer(out)}
    if "all threads" not in found:
        return [_failed(case, what, script, out, err, code)], False
    plain, ours, hand = found["all threads"]
    ratio = (ours - plain) / (hand - plain)
    cp, co, ch = found.get("calling thread", (plain, ours, hand))
    return [H.Result(case, what, subject_ns=ours - plain, reference_ns=hand - plain, ratio=ratio, target="<= 1.15x",
                     passed=ratio <= 1.15, unit="instr/call", reference="hand-written SDK span, same attribute keys",
                     note=f"instructions added per call, all threads (callgrind); calling thread {(co - cp) / 1e3:.1f} k "
                          f"vs {(ch - cp) / 1e3:.1f} k = {(co - cp) / (ch - cp):.2f}x; plain call {plain / 1e3:.0f} k")], True


def case8(quick: bool) -> list[H.Result]:
    script = "openai_overhead.py"
    if not os.path.exists(os.path.join(HERE, script)):
        return [H.Result("8", "OpenAI instrumentation overhead", note=f"skipped: bench/{script} not present")]
    what = "OpenAI chat call: added instructions, ours vs a hand-written SDK span"
    results, ok = _instruction_rows("8", what, script,
                                    ["--instructions", "100" if quick else "200", "--transport", "http"])
    # For information: the added wall time of both, timed in the same rounds (moves with the load).
    out, err, code = _run([os.path.join(HERE, script), "--only", "http", "--calls", "50" if quick else "100",
                           "--rounds", "3" if quick else "5"])
    inst = re.search(r"^http \(server subprocess\)\s+no\s+off\s+([\d.]+)\s+[\d.]+\s+([\d.]+)\s+[\d.]+\s+([-+\d.]+)",
                     out, re.M)
    hand = re.search(r"^http, SDK span by hand\s+no\s+off\s+([\d.]+)\s+[\d.]+\s+([\d.]+)\s+[\d.]+\s+([-+\d.]+)",
                     out, re.M)
    if inst and hand:
        ours_us, hand_us = float(inst.group(3)), float(hand.group(3))
        results.append(H.Result("8", "OpenAI chat call: added wall time, ours vs by hand (info)",
                                subject_ns=ours_us * 1e3, reference_ns=hand_us * 1e3,
                                ratio=ours_us / hand_us if hand_us > 0 else None, target="info",
                                reference="hand-written SDK span, same rounds",
                                note=f"http, median per-call added time; plain call {float(inst.group(1)):.0f} µs; "
                                     f"load {os.getloadavg()[0]:.1f}"))
    elif ok:
        results.append(_failed("8", "OpenAI added wall time (info)", script, out, err, code))
    return results


def case8a(quick: bool) -> list[H.Result]:
    script = "anthropic_overhead.py"
    what = "Anthropic messages.create: added instructions, ours vs a hand-written SDK span"
    results, _ = _instruction_rows("8a", what, script, ["--instructions", "100" if quick else "200"])
    for row in own_script("8a", "Anthropic added wall time", script):  # for information
        row.what, row.target, row.passed = "Anthropic call: added wall time, ours vs by hand (info)", "info", None
        results.append(row)
    return results


def case10(quick: bool) -> list[H.Result]:
    script = "stats_million.py"
    if not os.path.exists(os.path.join(HERE, script)):
        return [H.Result("10", "actiontrace stats, 1M spans", note=f"skipped: bench/{script} not present")]
    spans = 100_000 if quick else 1_000_000
    out, err, code = _run([os.path.join(HERE, script), "--spans", str(spans)])
    last = [line for line in out.splitlines() if line.startswith("[")]
    if code != 0 or not last:
        return [_failed("10", "actiontrace stats", script, out, err, code)]
    tenth, full = json.loads(last[-1])
    growth = full["peak_rss_mib"] / tenth["peak_rss_mib"]
    return [H.Result("10", f"actiontrace stats over {spans:,} spans", subject_ns=full["spans_per_s"],
                     reference_ns=full["peak_rss_mib"], ratio=growth, target="RSS flat (<= 1.25x)",
                     passed=growth <= 1.25, unit="spans/s|MiB",
                     reference=f"peak RSS at {tenth['spans']:,} spans: {tenth['peak_rss_mib']} MiB",
                     note=f"ratio = peak RSS at {spans:,} / at {tenth['spans']:,} spans")]


def case11(quick: bool) -> list[H.Result]:
    script = "resilience.py"
    if not os.path.exists(os.path.join(HERE, script)):
        return [H.Result("11", "exporter endpoint down", note=f"skipped: bench/{script} not present")]
    calls = "5000" if quick else "30000"
    out, err, code = _run([os.path.join(HERE, script), "--calls", calls, "--only", "healthy", "down"])
    rows = {}
    for line in out.splitlines():  # the script's table: scenario, calls, p50 µs, p99 µs, max ms, RSS +MB, ...
        cells = line.split()
        if cells and re.match(r"^(healthy|down)/(http|grpc)$", cells[0]) and len(cells) >= 7:
            rows[cells[0]] = {"p99": float(cells[3]), "rss_growth": float(cells[5]), "rss_peak": float(cells[6])}
    results = []
    for proto in ("http", "grpc"):
        up, down = rows.get(f"healthy/{proto}"), rows.get(f"down/{proto}")
        if not up or not down:
            results.append(_failed("11", f"endpoint down ({proto})", script, out, err, code))
            continue
        ratio = down["p99"] / up["p99"]
        bounded = down["rss_growth"] <= up["rss_growth"] + 16  # 2048 queued spans are a few MB
        results.append(H.Result(
            "11", f"OTLP {proto} endpoint down: @tool call p99", subject_ns=down["p99"] * 1e3,
            reference_ns=up["p99"] * 1e3, ratio=ratio, target="<= 1.5x, RSS bounded", passed=ratio <= 1.5 and bounded,
            reference="the same run with the endpoint up",
            note=f"RSS growth down {down['rss_growth']:.1f} MB vs up {up['rss_growth']:.1f} MB ({calls} calls)"))
    return results


def peers(quick: bool) -> list[H.Result]:
    import shutil

    results = []
    for peer, venv in PEER_VENVS.items():
        # A no-op when the venv's stamp matches its pins and pyproject.toml.
        build = subprocess.run(["bash", os.path.join(ROOT, "scripts", "peers-venv.sh"), peer], cwd=ROOT,
                               capture_output=True, text=True, timeout=1800)
        if build.returncode != 0:
            # The last line that is not pip warning about an index location it could not read.
            tail = [x for x in build.stderr.strip().splitlines() if "is ignored" not in x][-1:] or ["no output"]
            results.append(H.Result("peers", peer, note=f"skipped: could not build {os.path.basename(venv)} "
                                                        f"(scripts/peers-venv.sh {peer}: {tail[0][:160]})"))
            continue
        python = os.path.join(venv, "bin", "python")
        out, err, code = _run([os.path.join(HERE, "peers.py"), "--peer", peer], python=python)
        results += _results(out) or [_failed("peers", f"{peer} decorator", "peers.py", out, err, code)]
        if not quick and shutil.which("valgrind"):  # the load-independent figure of the same pair
            out, err, code = _run([os.path.join(HERE, "peers.py"), "--peer", peer, "--instructions", "2000"],
                                  python=python)
            results += _results(out) or [_failed("peers", f"{peer} instructions", "peers.py", out, err, code)]
    return results


CASES = {
    "sdk": lambda q: own_script("1", "decorators on the SDK", "cases_decorators.py", "--mode", "sdk"),
    "3": lambda q: (own_script("3", "no SDK", "cases_decorators.py", "--mode", "nosdk")
                    + own_script("3", "sampled out", "cases_decorators.py", "--mode", "sampled-out")),
    "5": lambda q: own_script("5", "configure() pipeline", "cases_pipeline.py"),
    "7": case7,
    "8": case8,
    "8a": case8a,
    "9": lambda q: own_script("9", "import actiontrace", "cases_import.py"),
    "10": case10,
    "11": case11,
    "12": lambda q: own_script("12", "MCP call_tool", "mcp_overhead.py"),
    "13": lambda q: own_script("13", "Agents SDK bridge", "openai_agents_overhead.py"),
    "14": lambda q: own_script("14", "start-up costs", "cases_startup.py"),
    "peers": peers,
}
# Which group of CASES produces a given case number.
GROUP = {"1": "sdk", "2": "sdk", "4": "sdk", "6": "5", "15": "14"}


# --- the table ----------------------------------------------------------------------------

def _fmt(value, unit: str, side: int) -> str:
    if value is None:
        return "-"
    unit = unit.split("|")[side] if "|" in unit else unit
    if unit == "ns":
        return f"{value / 1e3:.1f} µs" if value < 1e6 else f"{value / 1e6:.1f} ms"
    if unit == "instr/call":
        return f"{value / 1e3:,.1f} k instr"
    if unit == "spans/s":
        return f"{value:,.0f}/s"
    if abs(value) >= 1e4:  # instruction counts: whole numbers with separators, not 1.2e+06
        return f"{value:,.0f} {unit}"
    return f"{value:g} {unit}"


def _verdict(r: H.Result) -> str:
    if r.passed is None:
        return "info" if r.target in ("", "info") and r.ratio is not None else "n/a"
    return "PASS" if r.passed else "FAIL"


def table(rows: list[H.Result], markdown: bool = False) -> str:
    head = ["case", "what", "subject", "reference", "ratio", "target", "result"]
    body = [[r.case, r.what, _fmt(r.subject_ns, r.unit, 0), _fmt(r.reference_ns, r.unit, 1),
             "-" if r.ratio is None else f"{r.ratio:.2f}x", r.target or "-", _verdict(r)] for r in rows]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in body]
    else:
        widths = [max(len(row[i]) for row in [head] + body) for i in range(len(head))]
        fmt = lambda row: "  ".join(c.ljust(w) for c, w in zip(row, widths))  # noqa: E731
        lines = [fmt(head), "-" * (sum(widths) + 2 * len(widths))] + [fmt(row) for row in body]
    notes = [f"  [{r.case}] {r.what}: {r.note}" + (f" (reference: {r.reference})" if r.reference else "")
             for r in rows if r.note or r.reference]
    return "\n".join(lines + (["", "notes:"] + notes if notes else []))


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = []
    for dist in ("opentelemetry-api", "opentelemetry-sdk", "wrapt", "openai", "mcp", "actiontrace"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{cpu}, {os.cpu_count()} CPUs, load {load:.1f}; Python {platform.python_version()} "
            f"on {platform.system()} {platform.release()}; " + ", ".join(versions))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer rounds and smaller inputs (a smoke run)")
    ap.add_argument("--only", nargs="*", default=[], help="case numbers (1-15) or 'peers'")
    ap.add_argument("--markdown", metavar="FILE", help="also write the table as Markdown")
    ap.add_argument("--json", metavar="FILE", help="also write every row as JSON")
    args = ap.parse_args()
    if args.quick:
        os.environ["ACTIONTRACE_BENCH_QUICK"] = "1"
    groups = []
    for case in args.only or ["sdk", "3", "5", "7", "8", "8a", "9", "10", "11", "12", "13", "14", "peers"]:
        group = GROUP.get(case, case)
        if group not in CASES:
            ap.error(f"unknown case {case!r}")
        if group not in groups:
            groups.append(group)
    print(f"machine: {machine()}", flush=True)
    rows: list[H.Result] = []
    for group in groups:
        t0 = time.perf_counter()
        print(f"running {group} ...", end=" ", flush=True)
        try:
            got = CASES[group](args.quick)
        except Exception as exc:  # one broken script must not hide the others' figures
            got = [H.Result(group, "bench", note=f"error: {type(exc).__name__}: {exc}")]
        print(f"{time.perf_counter() - t0:.0f} s", flush=True)
        rows += got
    order = {c: i for i, c in enumerate(["1", "2", "3", "4", "5", "6", "7", "8", "8a", "9", "10", "11", "12", "13", "14", "15", "peers"])}
    rows.sort(key=lambda r: order.get(r.case, 99))
    print()
    print(table(rows))
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(f"Machine: {machine()}\n\n{table(rows, markdown=True)}\n")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"machine": machine(), "rows": [r.__dict__ for r in rows]}, fh, indent=1)
    return 1 if any(r.passed is False and r.case != "peers" for r in rows) else 0  # peers: a goal


if __name__ == "__main__":
    sys.exit(main())
