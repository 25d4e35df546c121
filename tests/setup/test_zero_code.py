"""Under the real ``opentelemetry-instrument``, sessions are stamped and exporters get redacted spans."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.processes import clean_env, write_app

SECRET = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"

APP = f"""
import actiontrace

@actiontrace.tool
def lookup(query):
    return "ok"

with actiontrace.session("sess-42", user_id="alice"):
    lookup("use {SECRET} please")
print("app done", flush=True)
"""


def _instrument_command() -> list[str]:
    script = Path(sys.executable).parent / "opentelemetry-instrument"
    if not script.exists():
        found = shutil.which("opentelemetry-instrument")
        if found is None:
            pytest.skip("opentelemetry-instrument is not installed")
        script = Path(found)
    return [sys.executable, str(script)]  # this interpreter, whatever the script's shebang says


def test_zero_code_stamps_sessions_and_redacts_for_the_console_exporter(tmp_path):
    app = write_app(tmp_path, APP)
    proc = subprocess.run([*_instrument_command(), sys.executable, str(app)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60,
                          env=clean_env(OTEL_TRACES_EXPORTER="console", OTEL_METRICS_EXPORTER="none",
                                        OTEL_LOGS_EXPORTER="none", OTEL_SERVICE_NAME="zero-code-test"))
    assert proc.returncode == 0, proc.stderr
    assert "app done" in proc.stdout
    assert '"name": "execute_tool lookup"' in proc.stdout, proc.stdout + proc.stderr
    assert '"session.id": "sess-42"' in proc.stdout
    assert "[REDACTED:openai-key]" in proc.stdout
    assert SECRET not in proc.stdout + proc.stderr


def test_configure_under_zero_code_joins_without_warning_and_writes_jsonl(tmp_path):
    app = write_app(tmp_path, "import actiontrace\nactiontrace.configure(instrument=[], jsonl_path='traces')\n" + APP)
    proc = subprocess.run([*_instrument_command(), sys.executable, str(app)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60,
                          env=clean_env(OTEL_TRACES_EXPORTER="console", OTEL_METRICS_EXPORTER="none",
                                        OTEL_LOGS_EXPORTER="none"))
    assert proc.returncode == 0, proc.stderr
    assert "already exports through" not in proc.stderr  # the zero-code exporters are behind redaction
    jsonl = "".join(p.read_text() for p in (tmp_path / "traces").glob("*.jsonl"))
    for text in (proc.stdout, jsonl):
        assert "sess-42" in text and "[REDACTED:openai-key]" in text
        assert SECRET not in text


def test_zero_code_genai_events_reach_the_sdk_logs_exporter_redacted(tmp_path):
    # opentelemetry-instrument builds the LoggerProvider (console exporter here): not ours, so each
    # event is redacted before it is emitted.
    from support.replay_server import ReplayServer, json_interaction

    app = write_app(tmp_path, f"""
import os, anthropic
with anthropic.Anthropic(base_url=os.environ["REPLAY_URL"], api_key="t", max_retries=0) as client:
    client.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=[{{"role": "user", "content": "use {SECRET}"}}])
print("app done", flush=True)
""")
    reply = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5", "stop_reason": "end_turn",
             "content": [{"type": "text", "text": "ok"}], "usage": {"input_tokens": 3, "output_tokens": 1}}
    with ReplayServer() as server:
        server.queue(json_interaction("/messages", reply))
        proc = subprocess.run([*_instrument_command(), sys.executable, str(app)], cwd=tmp_path, capture_output=True,
                              text=True, timeout=90,
                              env=clean_env(OTEL_TRACES_EXPORTER="none", OTEL_METRICS_EXPORTER="none",
                                            OTEL_LOGS_EXPORTER="console", REPLAY_URL=server.root_url,
                                            OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT="EVENT_ONLY"))
    assert proc.returncode == 0, proc.stderr
    assert "gen_ai.client.inference.operation.details" in proc.stdout, proc.stdout + proc.stderr
    assert "[REDACTED:openai-key]" in proc.stdout
    assert SECRET not in proc.stdout + proc.stderr
