"""Shutdown and interpreter exit return when the OTLP endpoint is unreachable (nothing listening) or a
black hole (accepts connections, never answers), and the JSONL record still has every span.

The wall-clock limit is only a hang guard, far above the export timeout set here; how long
shutdown takes is measured in bench/resilience.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from support.otlp_receiver import free_port
from support.spans_compare import read_jsonl_dir

APP = Path(__file__).with_name("shutdown_app.py")
SPANS = 50
HANG_GUARD_S = 90


@pytest.fixture
def black_hole():
    """A loopback socket that listens but never accepts: connects succeed, requests never get answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield sock.getsockname()[1]
    sock.close()


@pytest.mark.parametrize("how", ["explicit", "atexit"])
@pytest.mark.parametrize("protocol", ["http/protobuf", "grpc"])
@pytest.mark.parametrize("failure", ["refused", "black-hole"])
def test_exit_returns_with_an_unreachable_endpoint(request, tmp_path, how, protocol, failure):
    port = request.getfixturevalue("black_hole") if failure == "black-hole" else free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_"))}
    env["OTEL_EXPORTER_OTLP_TIMEOUT"] = "2"  # seconds, in the Python SDK
    try:
        done = subprocess.run([sys.executable, str(APP), endpoint, protocol, str(tmp_path / "traces"), how, str(SPANS)],
                              capture_output=True, text=True, timeout=HANG_GUARD_S, env=env, cwd=tmp_path)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the application hung at exit for over {HANG_GUARD_S}s: {exc.stderr!r}"[-2000:])
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "done"
    steps = [s for s in read_jsonl_dir(tmp_path / "traces") if s["name"] == "execute_tool step"]
    assert len(steps) == SPANS, f"the JSONL record has {len(steps)} of {SPANS} spans"
