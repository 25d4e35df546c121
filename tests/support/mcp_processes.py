"""Helpers for the MCP tests: the test server (``support/mcp_server.py``) as a subprocess on
stdio or Streamable HTTP, tracing into its own JSONL directory, and reading those spans back."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from support.paths import ROOT, SRC

from actiontrace.reading._reader import read_spans

SERVER_SCRIPT = ROOT / "tests" / "support" / "mcp_server.py"
TIMEOUT = 60  # seconds; generous for a loaded 2-core machine, never slept through


def server_env(traces: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), str(ROOT / "tests"), env.get("PYTHONPATH", "")])
    env.pop("ACTIONTRACE_JSONL", None)
    env["OTEL_BSP_SCHEDULE_DELAY"] = "50"
    return env


def server_spans(traces: Path) -> list:
    return list(read_spans([str(traces)], warn=lambda message: None))  # a line being written is torn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(proc: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"MCP server exited early: {proc.stderr.read().decode(errors='replace')}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.05)  # polling a port between connection attempts, bounded by the deadline
    raise TimeoutError(f"MCP server did not listen on {port} within {TIMEOUT}s")


@contextlib.contextmanager
def http_server(traces: Path):
    """The test server on Streamable HTTP at 127.0.0.1; yields its URL. On exit it is stopped with
    SIGINT (uvicorn shuts down cleanly, so the server flushes its spans) and waited for."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(SERVER_SCRIPT), "http", str(traces), str(port)],
                            env=server_env(traces), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_listening(proc, port)
        yield f"http://127.0.0.1:{port}/mcp", port
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stderr.close()


def stdio_parameters(traces: Path):
    from mcp.client.stdio import StdioServerParameters

    return StdioServerParameters(command=sys.executable, args=[str(SERVER_SCRIPT), "stdio", str(traces)],
                                 env=server_env(traces))


def wait_for_server_spans(traces: Path, names: set[str]) -> list:
    """The server's spans once every name in ``names`` is among them (its exporter batches every
    50 ms), read while the session is still open so no process exit races the flush."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        found = server_spans(traces) if traces.exists() else []
        if names <= {s.name for s in found}:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"server spans {sorted(names)} not written within {TIMEOUT}s; got "
                               f"{sorted(s.name for s in found)}")
        time.sleep(0.05)  # polling a file the server process appends to, bounded by the deadline
