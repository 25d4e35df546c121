"""What happens to the traced application when the OTLP endpoint misbehaves.

    .venv/bin/python bench/resilience.py [--calls N] [--only NAME ...]

Each scenario runs in a fresh interpreter (configure() is once per process) that calls an
@actiontrace.tool function N times, with JSONL on and OTLP pointed at a receiver this driver runs
in its own process (so the receiver's threads do not compete with the app for the GIL):

  jsonl-only        no OTLP at all (reference)
  healthy           receiver answers at once (http/protobuf, then grpc)
  down              nothing listens on the port from the start
  black-hole        the port accepts connections and never answers
  slow              answers every request after 3 s
  503 / UNAVAILABLE answers every request with HTTP 503 / gRPC UNAVAILABLE
  down-mid-run      up for the first third, down for the second (held 8 s, past the export
                    timeout), back for the last third

Printed per scenario: p50/p99/max latency of one decorated call, RSS growth and peak, spans
dropped at the full export queue (q-drop) and at the exporter while failing or backing off
(x-drop), both from actiontrace.exporters._otlp.export_stats(); spans the receiver got, spans in the JSONL
file, time actiontrace.shutdown() took, and for down-mid-run how many spans reached the receiver
after it came back, without a restart (resumed).
Then the exit table (``--only exit`` alone): a 20-span script that just returns, metrics on (the
default with an endpoint), timed from start to exit, median of 3; its delta against the same
script without an endpoint, run alongside: refused (nothing listens) and black-hole, per protocol.
Not a test: nothing here asserts timings.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

EXPORT_TIMEOUT_S = 5  # OTEL_EXPORTER_OTLP_TIMEOUT for every scenario (seconds in the Python SDK)
RATE = 0.0  # calls per second in the children (set from --rate)


# --- the application side (child interpreter) ----------------------------------------------

def _rss_kb(field: str = "VmRSS") -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class _DropCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.dropped = 0
        self.lines = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.lines += 1
        if "Queue full" in record.getMessage() or "dropping" in record.getMessage().lower():
            self.dropped += 1


def _child(args: argparse.Namespace) -> int:
    import actiontrace

    counter = _DropCounter()
    logging.getLogger("opentelemetry").addHandler(counter)
    logging.getLogger("opentelemetry").propagate = False  # count, don't flood the bench output
    actiontrace.configure(service_name="resilience-bench", jsonl_path=args.jsonl,
                          otlp_endpoint=args.endpoint or None, otlp_protocol=args.protocol, instrument=[])

    @actiontrace.tool
    def work(i: int) -> int:
        return i + 1

    phases = [p for p in args.phases.split(",") if p]
    per_phase = max(1, args.calls // max(1, len(phases)))
    latencies: list[int] = []
    rss_start = _rss_kb()
    per_phase_created: list[int] = []
    for n, phase in enumerate(phases):
        if n:  # let the driver change the receiver between phases
            print(f"PHASE {phase}", flush=True)
            assert sys.stdin.readline().strip() == "GO"
        paced_from = time.perf_counter()
        for i in range(per_phase):
            if args.rate > 0:  # an agent's pace rather than a tight loop
                delay = paced_from + i / args.rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            t0 = time.perf_counter_ns()
            work(i)
            latencies.append(time.perf_counter_ns() - t0)
        per_phase_created.append(per_phase)
        if phase == "down":  # an outage longer than the export timeout, not one a retry bridges
            time.sleep(EXPORT_TIMEOUT_S * 1.6)
    rss_end = _rss_kb()
    if args.resume_wait:
        # The receiver is back: give the batch processor its schedule delay to send by itself.
        time.sleep(args.resume_wait)
        print("CHECK", flush=True)
        assert sys.stdin.readline().strip() == "GO"
    t0 = time.perf_counter()
    actiontrace.shutdown()
    shutdown_s = time.perf_counter() - t0
    try:  # counts from the OTLP branch, when configure() builds it with actiontrace.exporters._otlp
        from actiontrace.exporters._otlp import export_stats

        stats = export_stats()
    except ImportError:
        stats = {}

    jsonl_spans = 0
    for file in Path(args.jsonl).rglob("*.jsonl"):
        for line in file.read_text().splitlines():
            if line.strip():
                req = json.loads(line)
                jsonl_spans += sum(len(ss.get("spans", [])) for rs in req.get("resourceSpans", [])
                                   for ss in rs.get("scopeSpans", []))
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] / 1000  # noqa: E731
    print("RESULT " + json.dumps({
        "calls": len(latencies), "p50_us": pick(0.50), "p99_us": pick(0.99), "max_us": latencies[-1] / 1000,
        "rss_growth_mb": (rss_end - rss_start) / 1024, "rss_peak_mb": _rss_kb("VmHWM") / 1024,
        "dropped_queue": stats.get("dropped_queue", ""), "dropped_export": stats.get("dropped_export", ""),
        "exported": stats.get("exported", ""), "sdk_warnings": counter.lines, "jsonl_spans": jsonl_spans,
        "shutdown_s": shutdown_s,
    }), flush=True)
    return 0


# --- the driver ------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(conn, kind: str, port: int) -> None:
    """Receiver process: obeys (command, args) tuples from the driver."""
    from support.otlp_receiver import OtlpGrpcReceiver, OtlpHttpReceiver

    cls = OtlpGrpcReceiver if kind == "grpc" else OtlpHttpReceiver
    receiver = cls(port).start()
    conn.send(receiver._port)
    earlier = 0  # spans received by receivers stopped before this one
    while True:
        cmd, arg = conn.recv()
        if cmd == "mode":
            receiver.set_mode(arg[0], status=arg[1], delay_s=arg[2])
        elif cmd == "stop":
            receiver.stop()
            earlier += len(receiver.spans)
        elif cmd == "start":
            receiver = cls(port).start()
        elif cmd == "count":
            conn.send((earlier + len(receiver.spans), receiver.requests, receiver.rejected))
            continue
        elif cmd == "exit":
            receiver.stop()
            conn.send(None)
            return
        conn.send(None)


class Receiver:
    def __init__(self, kind: str) -> None:
        import multiprocessing as mp

        ctx = mp.get_context("spawn")
        self.kind = kind
        self.conn, child = ctx.Pipe()
        self.port = _free_port()
        self.proc = ctx.Process(target=_serve, args=(child, kind, self.port), daemon=True)
        self.proc.start()
        self.port = self.conn.recv()
        self.total = 0

    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def call(self, cmd: str, *arg):
        self.conn.send((cmd, arg))
        return self.conn.recv()

    def spans(self) -> int:
        return self.call("count")[0]

    def close(self) -> None:
        try:
            self.call("exit")
        finally:
            self.proc.join(5)


def _run(name: str, protocol: str, endpoint: str | None, calls: int, phases: str, on_phase=None,
         resume_wait: float = 0.0, on_check=None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_"))}
        env["OTEL_EXPORTER_OTLP_TIMEOUT"] = str(EXPORT_TIMEOUT_S)
        cmd = [sys.executable, __file__, "--child", "--protocol", protocol, "--jsonl", str(Path(tmp) / "traces"),
               "--calls", str(calls), "--phases", phases, "--resume-wait", str(resume_wait), "--rate", str(RATE)]
        if endpoint:
            cmd += ["--endpoint", endpoint]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=env, cwd=tmp)
        result: dict = {}
        for line in proc.stdout:
            if line.startswith("PHASE "):
                on_phase(line.split()[1])
                proc.stdin.write("GO\n")
                proc.stdin.flush()
            elif line.startswith("CHECK"):
                result.update(on_check())
                proc.stdin.write("GO\n")
                proc.stdin.flush()
            elif line.startswith("RESULT "):
                result.update(json.loads(line[7:]))
        proc.wait(timeout=300)
        result["wall_s"] = time.perf_counter() - t0
        if proc.returncode != 0:
            result["error"] = proc.stderr.read()[-800:]
        result["name"] = name
        return result


def _scenarios(calls: int, only: set[str]) -> list[dict]:
    results = []

    def want(name: str) -> bool:
        return not only or name in only

    if want("jsonl-only"):
        results.append(_run("jsonl-only", "http/protobuf", None, calls, "run"))
    for protocol, kind in (("http/protobuf", "http"), ("grpc", "grpc")):
        short = "http" if kind == "http" else "grpc"
        if want("healthy"):
            rx = Receiver(kind)
            r = _run(f"healthy/{short}", protocol, rx.endpoint(), calls, "run")
            r["received"] = rx.spans()
            rx.close()
            results.append(r)
        if want("down"):
            results.append(_run(f"down/{short}", protocol, f"http://127.0.0.1:{_free_port()}", calls, "run"))
        if want("black-hole"):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sock.listen(256)
            results.append(_run(f"black-hole/{short}", protocol, f"http://127.0.0.1:{sock.getsockname()[1]}",
                                calls, "run"))
            sock.close()
        if want("slow"):
            rx = Receiver(kind)
            rx.call("mode", "slow", 200, 3.0)
            r = _run(f"slow-3s/{short}", protocol, rx.endpoint(), calls, "run")
            r["received"] = rx.spans()
            rx.close()
            results.append(r)
        if want("503"):
            rx = Receiver(kind)
            rx.call("mode", "status", 503, 0.0)
            label = "503" if kind == "http" else "UNAVAILABLE"
            r = _run(f"{label}/{short}", protocol, rx.endpoint(), calls, "run")
            r["received"] = rx.spans()
            rx.close()
            results.append(r)
        if want("down-mid-run"):
            rx = Receiver(kind)
            marks: dict = {}

            def on_phase(phase: str) -> None:
                if phase == "down":
                    marks["before_down"] = rx.spans()
                    rx.call("stop")
                else:  # back
                    rx.call("start")
                    marks["at_restart"] = rx.spans()

            def on_check() -> dict:
                return {"resumed": rx.spans() - marks.get("at_restart", 0)}

            r = _run(f"down-mid-run/{short}", protocol, rx.endpoint(), calls, "up,down,back", on_phase,
                     resume_wait=7.0, on_check=on_check)
            r["received"] = rx.spans()
            rx.close()
            results.append(r)
    return results


_EXIT_APP = """
import actiontrace
actiontrace.configure(service_name="exit-bench", instrument=[])
@actiontrace.tool
def step(i):
    return i
for i in range(20):
    step(i)
"""


def _exit_time(protocol: str, endpoint: str | None, repeats: int = 3) -> float:
    """Median wall seconds from start to exit of the 20-span script."""
    times = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_"))}
            env.update(OTEL_EXPORTER_OTLP_TIMEOUT=str(EXPORT_TIMEOUT_S), OTEL_EXPORTER_OTLP_PROTOCOL=protocol)
            if endpoint:
                env["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", _EXIT_APP], cwd=tmp, env=env, capture_output=True, timeout=120)
            times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def _exit_table() -> str:
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(256)
    lines = [f"exit time of a 20-span script (median of 3; OTLP export timeout {EXPORT_TIMEOUT_S}s)",
             f"{'endpoint':<22}{'exit s':>8}{'+ vs none':>11}"]
    try:
        reference = _exit_time("http/protobuf", None)
        lines.append(f"{'none (reference)':<22}{reference:>8.2f}{'':>11}")
        for protocol, short in (("http/protobuf", "http"), ("grpc", "grpc")):
            for label, endpoint in (("refused", f"http://127.0.0.1:{_free_port()}"),
                                    ("black-hole", f"http://127.0.0.1:{hole.getsockname()[1]}")):
                took = _exit_time(protocol, endpoint)
                lines.append(f"{label + '/' + short:<22}{took:>8.2f}{took - reference:>+11.2f}")
    finally:
        hole.close()
    return "\n".join(lines)


def _table(results: list[dict]) -> str:
    cols = [("scenario", "name", "{}"), ("calls", "calls", "{}"), ("p50 µs", "p50_us", "{:.1f}"),
            ("p99 µs", "p99_us", "{:.1f}"), ("max ms", "max_us", "{:.1f}"), ("RSS +MB", "rss_growth_mb", "{:.1f}"),
            ("RSS peak MB", "rss_peak_mb", "{:.0f}"), ("exported", "exported", "{}"), ("q-drop", "dropped_queue", "{}"), ("x-drop", "dropped_export", "{}"),
            ("received", "received", "{}"),
            ("JSONL", "jsonl_spans", "{}"), ("shutdown s", "shutdown_s", "{:.2f}"),
            ("resumed", "resumed", "{}")]
    rows = [[title for title, _, _ in cols]]
    for r in results:
        row = []
        for _, key, fmt in cols:
            v = r.get(key, "")
            if key == "max_us" and v != "":
                v = v / 1000
            row.append(fmt.format(v) if v not in ("", None) else "-")
        rows.append(row)
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(cols))]
    lines = ["  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(row, widths)))
             for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    errors = [f"{r['name']}: {r['error']}" for r in results if r.get("error")]
    return "\n".join(lines + errors)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", default="")
    parser.add_argument("--protocol", default="http/protobuf")
    parser.add_argument("--jsonl", default="")
    parser.add_argument("--phases", default="run")
    parser.add_argument("--resume-wait", type=float, default=0.0)
    parser.add_argument("--calls", type=int, default=30_000, help="decorated calls per scenario (default 30000)")
    parser.add_argument("--only", nargs="*", default=[], help="scenario names to run (default: all)")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="calls per second (default 0: a tight loop, the worst case for the queues)")
    args = parser.parse_args()
    if args.child:
        return _child(args)
    global RATE
    RATE = args.rate
    pace = f"at {args.rate:g}/s" if args.rate > 0 else "in a tight loop"
    print(f"actiontrace resilience: {args.calls} @tool calls per scenario {pace}, OTLP export timeout {EXPORT_TIMEOUT_S}s, "
          f"BatchSpanProcessor defaults (queue 2048, batch 512, delay 5s); python {sys.version.split()[0]}",
          flush=True)
    only = set(args.only)
    results = _scenarios(args.calls, only - {"exit"}) if only != {"exit"} else []
    if results:
        print(_table(results))
    if not only or "exit" in only:
        print(_exit_table(), flush=True)
    return 1 if any(r.get("error") for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
