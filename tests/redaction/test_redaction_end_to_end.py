"""Issue 3's end-to-end check: every generated secret, placed everywhere a span can carry
it, goes through configure() to the JSONL files and over OTLP/HTTP to a local receiver;
no secret (nor any 8-character run of one) appears in any file byte or wire byte, and
the benign corpus arrives unchanged."""

from __future__ import annotations

from support.paths import ROOT
import gzip
import json
import os
import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

from support.secret_corpus import benign, secrets


APP = r'''
import json, sys
sys.path.insert(0, sys.argv[3])
import openai
from opentelemetry.trace import Status, StatusCode
import actiontrace
from fake_openai_server import FakeOpenAIServer

corpus = json.load(open(sys.argv[1]))
actiontrace.configure(jsonl_path=sys.argv[2], otlp_endpoint=sys.argv[4], instrument=["openai"])

@actiontrace.tool
def use(text, config, headers):
    return {"echo": text, "nested": [text]}

@actiontrace.tool
def fail(text):
    raise RuntimeError(text)

with FakeOpenAIServer() as server:
    client = openai.OpenAI(base_url=server.base_url, api_key="local", max_retries=0)
    for rule, secret, text in corpus["secrets"]:
        use(text, {"note": text, "api_key": secret, "deeper": {"token": secret}},
            headers={"Authorization": "Bearer " + secret, "X-Trace": text})
        try:
            fail(text)
        except RuntimeError:
            pass
        with actiontrace.span("carrier", url=text, values=[text, "ok"]) as span:
            span.add_event("note", {"detail": text})
            span.set_status(Status(StatusCode.ERROR, text))
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": text}])
    for text in corpus["benign"]:
        use(text, {"note": text}, headers={})
actiontrace.shutdown()
'''


class _Capture(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        _Capture.bodies.append(body)
        payload = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _runs(secret: str, n: int = 8) -> set[str]:
    return {secret[i : i + n] for i in range(len(secret) - n + 1)}


def _secret_runs(secret: str, public: str) -> set[str]:
    return {run for run in _runs(secret) if run not in public}


def test_no_secret_reaches_any_file_or_wire_byte(tmp_path):
    corpus = {"secrets": secrets(), "benign": benign()}
    corpus_file = tmp_path / "corpus.json"
    corpus_file.write_text(json.dumps(corpus))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Capture.bodies = []
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_", "OPENAI_"))}
        env["PYTHONPATH"] = str(ROOT / "src")
        proc = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(APP), str(corpus_file), str(tmp_path / "traces"),
             str(ROOT / "examples"), f"http://127.0.0.1:{server.server_address[1]}"],
            env=env, capture_output=True, text=True, timeout=300)
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr

    files = b"".join(p.read_bytes() for p in (tmp_path / "traces").glob("*.jsonl"))
    wire = b"".join(_Capture.bodies)
    n_secrets = len(corpus["secrets"])
    # 4 spans per secret (tool, failing tool, carrier, chat) + one per benign text, in both sinks
    expected = 4 * n_secrets + len(corpus["benign"])
    assert files.count(b"\n") == expected
    assert wire.count(b"execute_tool use") == n_secrets + len(corpus["benign"])
    assert files.count(b"[REDACTED:") >= 4 * n_secrets

    leaks = []
    # A run that also occurs in the benign texts (PEM armour of a public certificate) is
    # format, not secret material: it is legitimately present.
    public = "\n".join(corpus["benign"])
    for rule, secret, _ in corpus["secrets"]:
        for sink, data in (("file", files), ("wire", wire)):
            for body in (data, json.dumps(data.decode("utf-8", "replace"))[1:-1].encode()):
                hit = next((run for run in _secret_runs(secret, public) if run.encode() in body), None)
                if hit:
                    leaks.append((rule, sink, hit))
                    break
    assert leaks == [], leaks

    # Benign texts arrive unredacted (long ones cut by the capture budget, never altered).
    lines = files.decode().splitlines()
    benign_lines = lines[-len(corpus["benign"]):]
    for sample, line in zip(corpus["benign"], benign_lines):
        assert "[REDACTED" not in line and "actiontrace.redacted" not in line, sample[:60]
        assert json.dumps(json.dumps(sample[:1500]))[1:-1][:-2] in line, sample[:60]
