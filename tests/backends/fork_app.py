"""An application that forks, run by test_fork_export.py in its own interpreter (configure() is
once per process, and the test process already has a TracerProvider).

    python fork_app.py OTLP_BASE_URL JSONL_DIR

The parent records a span, then children started with os.fork (exiting normally, and through
os._exit after an explicit flush), multiprocessing "fork" and multiprocessing "spawn" each record a
tool span carrying their own pid. Prints one JSON line: {"parent": pid, "children": {tag: pid}}.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import sys

import actiontrace


def ensure_configured(endpoint: str, jsonl_dir: str) -> None:
    # A fork child inherits the parent's configuration (this is then a no-op); a spawn child
    # is a fresh interpreter and sets itself up the same way.
    actiontrace.configure(service_name="fork-app", otlp_endpoint=endpoint, otlp_protocol="http/protobuf",
                          jsonl_path=jsonl_dir, instrument=[])


@actiontrace.tool
def child_work(tag: str, pid: int) -> int:
    return pid


def mp_child(tag: str, endpoint: str, jsonl_dir: str, results) -> None:
    ensure_configured(endpoint, jsonl_dir)
    child_work(tag, os.getpid())
    results.put((tag, os.getpid()))


def main() -> int:
    endpoint, jsonl_dir = sys.argv[1], sys.argv[2]
    ensure_configured(endpoint, jsonl_dir)
    children: dict[str, int] = {}
    with actiontrace.span("parent-work", **{"test.pid": os.getpid()}):
        pass

    for tag, use_os_exit in (("os.fork", False), ("os.fork+_exit", True)):
        pid = os.fork()
        if pid == 0:
            child_work(tag, os.getpid())
            if use_os_exit:
                actiontrace.shutdown()  # os._exit skips every exit hook: flush first
                os._exit(0)
            sys.exit(0)
        os.waitpid(pid, 0)
        children[tag] = pid

    results = mp.get_context("spawn").Queue()
    for method in ("fork", "spawn"):
        ctx = mp.get_context(method)
        proc = ctx.Process(target=mp_child, args=(f"mp-{method}", endpoint, jsonl_dir, results))
        proc.start()
        proc.join(60)
        if proc.exitcode != 0:
            print(f"mp-{method} child exited with {proc.exitcode}", file=sys.stderr)
            return 1
        tag, pid = results.get(timeout=10)
        children[tag] = pid
    actiontrace.shutdown()
    print(json.dumps({"parent": os.getpid(), "children": children}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
