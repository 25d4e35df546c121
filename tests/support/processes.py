"""Fresh interpreters for tests of a process's whole life (exit, signals, start-up)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from support.paths import ROOT


def clean_env(**env: str) -> dict:
    """This environment without any OTEL_/ACTIONTRACE_ variable, plus ``env``."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_"))}
    full["PYTHONPATH"] = str(ROOT / "src")
    full.update(env)
    return full


def write_app(tmp_path: Path, code: str, name: str = "app.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(code))
    return path


def timed_run(script: Path, cwd: Path, timeout: float = 60, **env: str) -> tuple[float, subprocess.CompletedProcess]:
    """Wall seconds from start to exit, and the finished process."""
    started = time.monotonic()
    proc = subprocess.run([sys.executable, str(script)], cwd=cwd, env=clean_env(**env), capture_output=True,
                          text=True, timeout=timeout)
    return time.monotonic() - started, proc


def jsonl_span_names(directory: Path) -> list[str]:
    names = []
    for file in sorted(Path(directory).glob("*.jsonl")):
        for line in file.read_text().splitlines():
            for rs in json.loads(line)["resourceSpans"]:
                for ss in rs["scopeSpans"]:
                    names.extend(span["name"] for span in ss["spans"])
    return names


def refused_port() -> int:
    """A port nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BlackHole:
    """Accepts TCP connections (the kernel completes the handshake) and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "BlackHole":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
