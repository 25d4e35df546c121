"""Fixtures that run real OTLP servers on 127.0.0.1 for the ``backend`` tests, and stop them.

- ``backends_venv``: the separate venv holding Arize Phoenix and rotel, created on first use by
  ``scripts/backends-venv.sh`` (Phoenix's dependency tree stays out of the main venv).
- ``phoenix``: ``phoenix serve`` with its own ports and a temporary working directory; spans are read
  back through its REST API (``GET /v1/projects/{project}/spans/otlpv1``).
- ``rotel``: the rotel collector between the app and Phoenix (app -> rotel -> Phoenix).

When a backend cannot run, tests skip with the reason, or fail when ACTIONTRACE_REQUIRE_BACKENDS=1
(CI sets it, so a broken install can never pass as skipped).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from support.otlp_receiver import free_port

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("ACTIONTRACE_BACKENDS_VENV", ROOT / ".venv-backends"))
REQUIRE = os.environ.get("ACTIONTRACE_REQUIRE_BACKENDS", "") == "1"
INSTALL_TIMEOUT_S = 900
START_TIMEOUT_S = 120


def unavailable(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"backend unavailable (ACTIONTRACE_REQUIRE_BACKENDS=1): {reason}", pytrace=False)
    pytest.skip(f"backend unavailable: {reason} (set ACTIONTRACE_REQUIRE_BACKENDS=1 to make this fail)")


@pytest.fixture(scope="session")
def backends_venv() -> Path:
    script = ROOT / "scripts" / "backends-venv.sh"
    try:
        done = subprocess.run(["bash", str(script)], cwd=ROOT, capture_output=True, text=True,
                              timeout=INSTALL_TIMEOUT_S, env={**os.environ, "ACTIONTRACE_BACKENDS_VENV": str(VENV)})
    except subprocess.TimeoutExpired:
        unavailable(f"{script.name} took over {INSTALL_TIMEOUT_S}s")
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
        unavailable(f"{script.name} failed ({done.returncode}):\n{tail}")
    return VENV


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _stop(proc: subprocess.Popen, log: Path | None = None) -> None:
    """Stop the server's whole process group: SIGTERM, then SIGKILL after 15 s."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def _log_tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class Phoenix:
    http_port: int
    grpc_port: int
    workdir: Path
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def traces_url(self) -> str:
        """OTLP/HTTP endpoint for traces (a signal URL, not a base)."""
        return self.base_url + "/v1/traces"

    @property
    def grpc_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.grpc_port}"

    def get(self, path: str, **query: Any) -> Any:
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode(query, doseq=True)
        with urllib.request.urlopen(url, timeout=30) as resp:
            return json.load(resp)

    def spans(self, project: str, **filters: Any) -> list[dict]:
        """Every span of ``project`` in OTLP/JSON-like form (all pages); [] if no such project yet."""
        out: list[dict] = []
        cursor = None
        while True:
            query = dict(filters, limit=1000)
            if cursor:
                query["cursor"] = cursor
            try:
                page = self.get(f"/v1/projects/{urllib.parse.quote(project)}/spans/otlpv1", **query)
            except urllib.error.HTTPError as exc:
                if exc.code == 404:  # the project appears with its first span
                    return out
                raise
            out.extend(page["data"])
            cursor = page.get("next_cursor")
            if not cursor:
                return out

    def wait_for_spans(self, project: str, count: int, timeout: float = 60.0, settle: float = 1.5) -> list[dict]:
        """Poll until ``count`` spans are stored, then wait ``settle`` s more to catch extras/duplicates."""
        deadline = time.monotonic() + timeout
        spans = self.spans(project)
        while len(spans) < count and time.monotonic() < deadline:
            time.sleep(0.3)
            spans = self.spans(project)
        time.sleep(settle)
        return self.spans(project)


@pytest.fixture(scope="session")
def phoenix(backends_venv: Path, tmp_path_factory: pytest.TempPathFactory):
    exe = backends_venv / "bin" / "phoenix"
    if not exe.exists():
        unavailable(f"{exe} missing after install")
    workdir = tmp_path_factory.mktemp("phoenix")
    log = workdir / "phoenix.log"
    server = Phoenix(http_port=free_port(), grpc_port=free_port(), workdir=workdir, log=log)
    env = {
        **os.environ,
        "PHOENIX_HOST": "127.0.0.1",
        "PHOENIX_PORT": str(server.http_port),
        "PHOENIX_GRPC_PORT": str(server.grpc_port),
        "PHOENIX_WORKING_DIR": str(workdir),
        "PHOENIX_TELEMETRY_ENABLED": "false",
    }
    # The app's OTEL_* settings must not configure Phoenix's own instrumentation.
    env = {k: v for k, v in env.items() if not k.startswith("OTEL_")}
    with log.open("wb") as fh:
        proc = subprocess.Popen([str(exe), "serve"], env=env, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, cwd=workdir)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                unavailable(f"phoenix serve exited with {proc.returncode}:\n{_log_tail(log)}")
            try:
                with urllib.request.urlopen(server.base_url + "/healthz", timeout=2) as resp:
                    if resp.status == 200 and _port_open(server.grpc_port):
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                unavailable(f"phoenix not healthy after {START_TIMEOUT_S}s:\n{_log_tail(log)}")
            time.sleep(0.3)
        yield server
    finally:
        _stop(proc)


@dataclass
class Rotel:
    grpc_port: int
    http_port: int
    log: Path

    @property
    def grpc_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.grpc_port}"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def traces_url(self) -> str:
        return self.base_url + "/v1/traces"


@pytest.fixture
def rotel(backends_venv: Path, phoenix: Phoenix, tmp_path: Path):
    """rotel-agent receiving OTLP (gRPC + HTTP) and forwarding over OTLP/gRPC to Phoenix."""
    exe = next(iter((backends_venv / "lib").glob("python3*/site-packages/rotel/rotel-agent")), None)
    if exe is None:
        unavailable("rotel-agent binary not found in the rotel wheel")
    server = Rotel(grpc_port=free_port(), http_port=free_port(), log=tmp_path / "rotel.log")
    cmd = [
        str(exe), "start",
        "--otlp-grpc-endpoint", f"127.0.0.1:{server.grpc_port}",
        "--otlp-http-endpoint", f"127.0.0.1:{server.http_port}",
        "--pid-file", str(tmp_path / "rotel.pid"),
        "--log-file", str(server.log),
        "--exporter", "otlp",
        "--otlp-exporter-endpoint", phoenix.grpc_endpoint,
        "--otlp-exporter-protocol", "grpc",
        "--otlp-exporter-compression", "none",
        "--batch-timeout", "100ms",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ROTEL_"))}
    out = tmp_path / "rotel.out"
    with out.open("wb") as fh:
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not (_port_open(server.grpc_port) and _port_open(server.http_port)):
            if proc.poll() is not None:
                unavailable(f"rotel exited with {proc.returncode}:\n{_log_tail(out)}\n{_log_tail(server.log)}")
            if time.monotonic() > deadline:
                unavailable(f"rotel did not listen within 30s:\n{_log_tail(out)}")
            time.sleep(0.1)
        yield server
    finally:
        _stop(proc)


@pytest.fixture
def project() -> str:
    """A Phoenix project of this test alone (Phoenix files spans by openinference.project.name)."""
    return f"at-{uuid.uuid4().hex[:12]}"
