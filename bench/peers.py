"""Our ``@tool`` against the equivalent decorator of other tracing libraries, same run.

    .venv-peer-openllmetry/bin/python bench/peers.py --peer openllmetry   # one peer
    .venv/bin/python bench/run.py --only peers      # builds the venvs, runs each peer in its own

Peers: OpenLLMetry (``traceloop-sdk`` ``@tool``), Logfire (``@logfire.instrument``), Langfuse
(``@observe``). Each lives in its own virtualenv with actiontrace, built by
``scripts/peers-venv.sh`` (together they do not resolve). Without ``--peer``, every peer
importable here is run, the others skipped with a message.

Two rows per peer, each decorator recording arguments and result of the same two-argument
function (setups in ``peer_setups.py``):

- ``same provider`` (information): every peer installs its own global tracer provider, so it
  runs in its own interpreter, configured with an exporter that discards; there our decorator
  and the peer's run interleaved on that provider. Both pay the peer's pipeline (for Logfire
  its scrubbing and pending-span processors), so this compares the decorators alone.
- ``each as configured`` (the target): each library set up the way its users set it up, in
  its own interpreter, with a discarding exporter: ours with ``actiontrace.configure(...)``
  (session stamping, redaction, batch processor), the peer with its own setup. The
  interpreters alternate; each reports its best round of 1,000 calls, and the ratio is of the
  medians. This is what a user of each library pays per call. Targets: at most 0.5x Logfire
  and Langfuse, 0.75x OpenLLMetry. ``--instructions 2000`` counts that pair's instructions
  per call on the calling thread (callgrind) instead: a figure the machine's load does not move.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata

import _harness as H
import peer_setups as P

MODULES = {"openllmetry": "traceloop", "logfire": "logfire", "langfuse": "langfuse"}


def same_provider(peer: str) -> None:
    dist = P.PEERS[peer][0]
    theirs, how = P.SETUPS[peer]()
    ours = P.our_tool()
    s, r, ratio = H.compare(lambda: ours(*P.ARGS), lambda: theirs(*P.ARGS), inner=1000, rounds=15)
    H.Result(case="peers", what=f"ours vs {dist} {metadata.version(dist)} {how}, same provider",
             subject_ns=s, reference_ns=r, ratio=ratio, target="info",
             reference=f"{dist} decorator, same provider and discarding exporter").emit()


def alone(lib: str, calls: int | None = None) -> None:
    """Child of the ``as configured`` rows: the per-call time of one library's decorator with
    that library's own setup, as one JSON line; with ``calls``, just that many calls after a
    warm-up (the instruction-count child, run twice under callgrind)."""
    if lib == "actiontrace":
        import actiontrace

        decorated, name = P.configure_ours(), f"actiontrace {actiontrace.__version__}"
    else:
        dist = P.PEERS[lib][0]
        decorated, _ = P.SETUPS[lib]()
        name = f"{dist} {metadata.version(dist)}"

    def op():
        return decorated(*P.ARGS)

    if calls is not None:
        for _ in range(200 + calls):
            op()
        return
    rounds = 5 if H.QUICK else 15
    for _ in range(2):
        H._time_batch(op, 1000, time.perf_counter_ns)
    best = min(H._time_batch(op, 1000, time.perf_counter_ns) for _ in range(rounds))
    print("ALONE " + json.dumps({"lib": lib, "ns": best, "name": name}), flush=True)
    if lib == "actiontrace":
        actiontrace.shutdown()


def _child(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)


def _tail(proc: subprocess.CompletedProcess) -> str:
    return ((proc.stderr.strip() or proc.stdout.strip()).splitlines() or ["no output"])[-1][:160]


def as_configured(peer: str) -> None:
    alternations = 3 if H.QUICK else 5
    limit = P.PEERS[peer][1]
    times: dict[str, list[float]] = {"actiontrace": [], peer: []}
    name = peer
    for i in range(alternations):
        # Alternate which goes first, so neither always follows the other's exit.
        for lib in ("actiontrace", peer) if i % 2 == 0 else (peer, "actiontrace"):
            proc = _child("--alone", lib)
            line = next((x for x in proc.stdout.splitlines() if x.startswith("ALONE ")), None)
            if line is None:
                H.Result("peers", f"{peer} as configured", note=f"failed: {_tail(proc)}").emit()
                return
            data = json.loads(line[len("ALONE "):])
            times[lib].append(data["ns"])
            if lib == peer:
                name = data["name"]
    ours, theirs = statistics.median(times["actiontrace"]), statistics.median(times[peer])
    ratio = ours / theirs
    spread = ", ".join(f"{lib} {min(v) / 1e3:.1f}-{max(v) / 1e3:.1f} µs" for lib, v in times.items())
    H.Result(case="peers", what=f"ours via configure() vs {name}, each as configured", subject_ns=ours,
             reference_ns=theirs, ratio=ratio, target=f"<= {limit:g}x", passed=ratio <= limit,
             reference=f"{name.split()[0]} with its own setup and a discarding exporter, "
                       f"{alternations} alternating processes each",
             note=f"per-process best rounds: {spread}").emit()


def _instructions(lib: str, calls: int) -> float:
    """Calling-thread instructions of ``calls`` calls: the difference of two callgrind runs
    (``calls`` and none), so start-up, setup and warm-up cancel out."""
    counts = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (0, calls):
            out = os.path.join(tmp, f"cg.{n}")
            subprocess.run(["valgrind", "--tool=callgrind", "--separate-threads=yes", f"--callgrind-out-file={out}",
                            sys.executable, __file__, "--alone", lib, "--calls", str(n)],
                           capture_output=True, text=True, check=True, env=dict(os.environ, PYTHONHASHSEED="0"))
            with open(out + "-01") as fh:  # thread 1: the one making the calls
                counts.append(next(int(x.split()[1]) for x in fh if x.startswith(("summary:", "totals:"))))
    return (counts[1] - counts[0]) / calls


def instructions(peer: str, calls: int) -> None:
    """The ``as configured`` pair by instruction count: does not move with the machine's load."""
    limit = P.PEERS[peer][1]
    ours, theirs = _instructions("actiontrace", calls), _instructions(peer, calls)
    dist = P.PEERS[peer][0]
    H.Result(case="peers", what=f"ours via configure() vs {dist} {metadata.version(dist)}, each as configured, "
             "instructions", subject_ns=ours, reference_ns=theirs, ratio=ours / theirs, target=f"<= {limit:g}x",
             passed=ours / theirs <= limit, unit="instr",
             reference=f"callgrind, calling thread, {calls} calls after 200 (runs of {calls} minus runs of 0)").emit()


def run_peer(peer: str) -> None:
    """Both rows for one peer; the same-provider row in a child, as its setup is global."""
    if importlib.util.find_spec(MODULES[peer]) is None:
        H.Result("peers", peer, note=f"skipped: {P.PEERS[peer][0]} not installed in {sys.prefix}").emit()
        return
    proc = _child("--same-provider", peer)
    rows = [line for line in proc.stdout.splitlines() if line.startswith("BENCH_RESULT ")]
    if rows:
        print("\n".join(rows), flush=True)
    else:
        H.Result("peers", peer, note=f"same provider failed (exit {proc.returncode}): {_tail(proc)}").emit()
    as_configured(peer)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer", choices=tuple(P.PEERS), help="run this peer only")
    ap.add_argument("--same-provider", choices=tuple(P.PEERS), help=argparse.SUPPRESS)
    ap.add_argument("--alone", choices=tuple(P.PEERS) + ("actiontrace",), help=argparse.SUPPRESS)
    ap.add_argument("--calls", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--instructions", type=int, metavar="CALLS",
                    help="count the as-configured pair's instructions per call under callgrind instead")
    args = ap.parse_args()
    if args.same_provider:
        same_provider(args.same_provider)
    elif args.alone:
        alone(args.alone, args.calls)
    elif args.instructions:
        for peer in [args.peer] if args.peer else P.PEERS:
            instructions(peer, args.instructions)
    else:
        for peer in [args.peer] if args.peer else P.PEERS:
            run_peer(peer)


if __name__ == "__main__":
    main()
