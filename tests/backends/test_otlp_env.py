"""configure() with no arguments but the standard OTEL_EXPORTER_OTLP_* variables: endpoint,
protocol, headers and compression reach a real receiver on 127.0.0.1, and JSONL stays on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.otlp_receiver import OtlpGrpcReceiver, OtlpHttpReceiver
from support.spans_compare import read_jsonl_dir

APP = Path(__file__).with_name("shutdown_app.py")
SPANS = 5


def _run_app(tmp_path: Path, env_extra: dict[str, str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_"))}
    env.update(env_extra)
    done = subprocess.run([sys.executable, str(APP), "", "", str(tmp_path / "traces"), "explicit", str(SPANS)],
                          capture_output=True, text=True, timeout=90, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.parametrize("protocol", ["http/protobuf", "grpc"])
def test_standard_variables_configure_the_exporter(tmp_path, protocol):
    receiver = OtlpGrpcReceiver() if protocol == "grpc" else OtlpHttpReceiver()
    with receiver:
        endpoint = receiver.endpoint if protocol == "grpc" else receiver.base_url
        _run_app(tmp_path, {
            "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
            "OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
            "OTEL_EXPORTER_OTLP_HEADERS": "x-tenant=acme,x-team=agents",
            "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
            "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment.name=ci",
        })
        spans = receiver.wait_for_spans(SPANS, timeout=30)
        headers = receiver.request_headers()

    steps = [s for s in spans if s.name == "execute_tool step"]
    assert len(steps) == SPANS
    assert {s.resource.get("deployment.environment.name") for s in steps} == {"ci"}
    assert headers and all(h.get("x-tenant") == "acme" and h.get("x-team") == "agents" for h in headers)
    if protocol == "http/protobuf":  # gRPC servers do not show the request's compression to handlers
        assert all(h.get("content-encoding") == "gzip" for h in headers), headers
    assert len([s for s in read_jsonl_dir(tmp_path / "traces") if s["name"] == "execute_tool step"]) == SPANS
