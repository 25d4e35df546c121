"""Throughput and memory of `actiontrace stats` on a generated million-span file.

    python bench/stats_million.py [--spans 1000000] [--keep DIR]

Writes OTLP/JSON lines shaped like the span exporter's (one span per line,
resource and scope on every line, GenAI attributes, 1,000 sessions, traces of
10 spans: agent -> 3 llm + 6 tool calls, some repeated, some failing), then
runs `python -m actiontrace stats FILE --json` as a child process on the first
10% of the file and on all of it, and reports spans/s and the child's peak
RSS (from wait4). Bounded memory shows as the same peak RSS at both sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESOURCE = {"attributes": [
    {"key": "service.name", "value": {"stringValue": "bench-agent"}},
    {"key": "telemetry.sdk.language", "value": {"stringValue": "python"}},
    {"key": "telemetry.sdk.name", "value": {"stringValue": "opentelemetry"}},
    {"key": "telemetry.sdk.version", "value": {"stringValue": "1.45.2"}},
]}
SCOPE = {"name": "actiontrace", "version": "0.1.0"}


def _s(key, value):
    return {"key": key, "value": {"stringValue": value}}


def _i(key, value):
    return {"key": key, "value": {"intValue": str(value)}}


def _line(trace_id, span_id, parent, name, kind, start, end, attrs, error=False):
    span = {"traceId": trace_id, "spanId": span_id, "name": name, "kind": kind,
            "startTimeUnixNano": str(start), "endTimeUnixNano": str(end), "attributes": attrs,
            "status": {"code": 2, "message": "tool failed"} if error else {}}
    if parent:
        span["parentSpanId"] = parent
    return json.dumps({"resourceSpans": [{"resource": RESOURCE, "scopeSpans": [{"scope": SCOPE, "spans": [span]}]}]},
                      separators=(",", ":"))


def generate(path: str, n_spans: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    t = 1_780_000_000_000_000_000
    ms = 1_000_000
    tools = ["search_database", "fetch_page", "calculator", "send_email", "read_file"]
    written = 0
    trace_no = 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < n_spans:
            trace_id = f"{rng.getrandbits(128):032x}"
            root_id = f"{rng.getrandbits(64):016x}"
            session = [_s("session.id", f"session-{trace_no % 1000}"),
                       _s("actiontrace.property.user", f"user-{trace_no % 97}")]
            cursor = t
            lines = []
            for k in range(9):
                sid = f"{rng.getrandbits(64):016x}"
                if k % 3 == 0:
                    dur = rng.randint(200, 4000) * ms
                    attrs = session + [_s("actiontrace.span.type", "llm"), _s("gen_ai.request.model", "gpt-4o"),
                                       _s("gen_ai.operation.name", "chat"),
                                       _i("gen_ai.usage.input_tokens", rng.randint(50, 2000)),
                                       _i("gen_ai.usage.output_tokens", rng.randint(10, 500)),
                                       {"key": "actiontrace.cost.usd", "value": {"doubleValue": 0.0021}},
                                       _s("actiontrace.path", "/invoke_agent bench/chat gpt-4o")]
                    lines.append(_line(trace_id, sid, root_id, "chat gpt-4o", 3, cursor, cursor + dur, attrs))
                else:
                    tool = rng.choice(tools)
                    dur = int(rng.lognormvariate(3.5, 1.0) * ms)
                    attrs = session + [_s("actiontrace.span.type", "tool"), _s("gen_ai.tool.name", tool),
                                       _s("gen_ai.tool.call.arguments", json.dumps({"q": rng.randint(0, 3)})),
                                       _s("actiontrace.output", '{"rows": 3}'),
                                       _s("actiontrace.path", f"/invoke_agent bench/execute_tool {tool}")]
                    lines.append(_line(trace_id, sid, root_id, f"execute_tool {tool}", 1, cursor, cursor + dur,
                                       attrs, error=rng.random() < 0.03))
                cursor += dur
            attrs = session + [_s("actiontrace.span.type", "agent"), _i("actiontrace.agent.iterations", 3),
                               {"key": "actiontrace.agent.max_iterations_reached",
                                "value": {"boolValue": trace_no % 10 == 0}}]
            lines.append(_line(trace_id, root_id, None, "invoke_agent bench", 1, t, cursor, attrs))
            take = lines[: n_spans - written]
            fh.write("\n".join(take) + "\n")
            written += len(take)
            trace_no += 1
            t = cursor + ms


def measure(path: str, n_spans: int) -> dict:
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "actiontrace", "stats", path, "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"stats failed ({proc.returncode}): {err.decode()[-2000:]}")
    summary = json.loads(out)
    assert summary["totals"]["count"] == n_spans, summary["totals"]
    return {"spans": n_spans, "seconds": round(elapsed, 2), "spans_per_s": round(n_spans / elapsed),
            "peak_rss_mib": round(usage.ru_maxrss / 1024, 1), "file_mib": round(os.path.getsize(path) / 2**20, 1),
            "groups": len(summary["groups"]), "sessions": len(summary["sessions"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("--keep", metavar="DIR", help="write the files here and keep them")
    args = parser.parse_args()
    directory = args.keep or tempfile.mkdtemp(prefix="actiontrace-bench-")
    os.makedirs(directory, exist_ok=True)
    big = os.path.join(directory, "spans-full.jsonl")
    small = os.path.join(directory, "spans-tenth.jsonl")
    t0 = time.perf_counter()
    generate(big, args.spans)
    tenth = args.spans // 10
    with open(big, encoding="utf-8") as src, open(small, "w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i >= tenth:
                break
            dst.write(line)
    print(f"generated {args.spans:,} spans in {time.perf_counter() - t0:.1f} s ({directory})", flush=True)
    results = [measure(small, tenth), measure(big, args.spans)]
    for r in results:
        print(f"stats on {r['spans']:>9,} spans ({r['file_mib']} MiB): {r['seconds']:7.2f} s, "
              f"{r['spans_per_s']:,} spans/s, peak RSS {r['peak_rss_mib']} MiB "
              f"({r['groups']} groups, {r['sessions']} sessions)")
    print(json.dumps(results))
    if not args.keep:
        for p in (big, small):
            os.remove(p)
        os.rmdir(directory)


if __name__ == "__main__":
    main()
