"""configure() with GenAI events, in fresh interpreters (the global providers can be set once per
process): every content mode × OpenAI and Anthropic × the JSONL files and a raw OTLP receiver
(traces and logs), secrets redacted out of the log records, and the opt-in names."""

from __future__ import annotations

import json
import os
import random
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from support.anthropic_replay import message_json
from support.openai_replay import queue_recording
from support.otlp_receiver import OtlpHttpReceiver
from support.paths import SRC
from support.replay_server import replay, server  # noqa: F401  (fixtures)
from support.secret_corpus import rnd, URLSAFE

from actiontrace._settings import ContentMode
from actiontrace.reading._logs import read_with_log_records

EVENT = "gen_ai.client.inference.operation.details"
CONTENT = ("gen_ai.input.messages", "gen_ai.output.messages")
SECRET = "sk-proj-" + rnd(random.Random(20), 120, URLSAFE)

SCRIPT = r"""
import json, os, sys
import actiontrace
provider, kwargs = sys.argv[1], json.loads(sys.argv[2])
actiontrace.configure(jsonl_path="traces", metrics=False, instrument=[provider], **kwargs)
ask = "My key is " + os.environ["SECRET"] + ". Hi"
if provider == "openai":
    import openai
    with openai.OpenAI(base_url=os.environ["REPLAY_URL"] + "/v1", api_key="t", max_retries=0) as client:
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": ask}])
else:
    import anthropic
    with anthropic.Anthropic(base_url=os.environ["REPLAY_URL"], api_key="t", max_retries=0) as client:
        client.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=[{"role": "user", "content": ask}])
end = os.environ.get("END", "shutdown")
if end == "shutdown":
    actiontrace.shutdown()
elif end == "flush":  # flush() returns with the event in its file
    assert actiontrace.flush(10)
    print(sum(1 for n in os.listdir("traces") if n.startswith("logs-")))
    os._exit(0)  # nothing else gets a chance to write
elif end == "sigterm":
    import signal
    os.kill(os.getpid(), signal.SIGTERM)
"""


def _run(tmp_path: Path, server, provider: str, extra_env: dict | None = None, **kwargs) -> None:
    if provider == "openai":
        queue_recording(server, "chat_basic")
    else:
        server.queue(message_json())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_"))}
    env.update({"REPLAY_URL": server.root_url, "PYTHONPATH": str(SRC), "SECRET": SECRET, **(extra_env or {})})
    out = subprocess.run([sys.executable, "-c", SCRIPT, provider, json.dumps(kwargs)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def _llm_span(directory: Path):
    (span,) = [s for s in read_with_log_records(str(directory)) if s.span_type == "llm"]
    return span


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("mode", list(ContentMode), ids=lambda m: m.name)
def test_every_mode_to_jsonl_and_otlp(mode, provider, tmp_path, server):
    with OtlpHttpReceiver() as receiver:
        _run(tmp_path, server, provider, capture_content=mode.value.lower(), otlp_endpoint=receiver.base_url)
        (otlp_span,) = [s for s in receiver.wait_for_spans(1) if s.attributes.get("actiontrace.span.type") == "llm"]
        otlp_logs = receiver.wait_for_logs(1, timeout=5 if mode.in_event else 0.5)
    directory = tmp_path / "traces"
    span = _llm_span(directory)
    assert all(k in span.attributes for k in CONTENT) is mode.on_span
    assert all(k in otlp_span.attributes for k in CONTENT) is mode.on_span
    log_files = sorted(directory.glob("logs-*.jsonl"))
    if not mode.in_event:  # no events: no LoggerProvider, no log file, nothing on the logs signal
        assert log_files == [] and otlp_logs == [] and span.log_records == []
        return
    (path,) = log_files
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    (record,) = span.log_records  # correlated by trace and span id
    (received,) = otlp_logs
    assert record.event_name == received.event_name == EVENT
    assert (received.trace_id, received.span_id) == (span.trace_id, span.span_id)
    for attrs in (record.attributes, received.attributes):
        assert attrs["gen_ai.request.model"] == span.attributes["gen_ai.request.model"]
        assert attrs["gen_ai.usage.input_tokens"] == span.attributes["gen_ai.usage.input_tokens"]
        messages = attrs["gen_ai.input.messages"]
        assert isinstance(messages, list) and messages[0]["role"] == "user"  # structured, not JSON text
        text = messages[0]["parts"][0]["content"]
        assert "[REDACTED:openai-key]" in text and text.endswith(". Hi")
        assert attrs["gen_ai.output.messages"][0]["role"] == "assistant"
        assert any(a.startswith("attributes.gen_ai.input.messages") for a in attrs["actiontrace.redacted"])
    assert SECRET not in path.read_text()
    assert SECRET not in json.dumps(received.attributes)
    for f in directory.iterdir():
        assert SECRET not in f.read_text()


def test_emit_event_variable_and_the_capture_argument(tmp_path, server):
    # capture_content=True keeps today's meaning (content on spans); the variable adds events without content.
    _run(tmp_path, server, "anthropic", {"OTEL_INSTRUMENTATION_GENAI_EMIT_EVENT": "true"}, capture_content=True)
    span = _llm_span(tmp_path / "traces")
    (record,) = span.log_records
    assert "gen_ai.input.messages" in span.attributes and "gen_ai.input.messages" not in record.attributes
    assert record.attributes["gen_ai.provider.name"] == "anthropic"


def test_the_argument_wins_over_the_variable_and_the_variable_over_actiontrace_capture(tmp_path, server):
    env = {"OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "SPAN_AND_EVENT"}
    (tmp_path / "a").mkdir()
    _run(tmp_path / "a", server, "openai", env, capture_content="event_only")
    span = _llm_span(tmp_path / "a" / "traces")
    assert "gen_ai.input.messages" not in span.attributes and "gen_ai.input.messages" in span.log_records[0].attributes
    (tmp_path / "b").mkdir()
    _run(tmp_path / "b", server, "openai", {**env, "ACTIONTRACE_CAPTURE_CONTENT": "false"})
    span = _llm_span(tmp_path / "b" / "traces")
    assert "gen_ai.input.messages" in span.attributes and "gen_ai.input.messages" in span.log_records[0].attributes


def test_latest_experimental_names(tmp_path, server):
    usage = {"input_tokens": 4, "output_tokens": 2, "cache_creation_input_tokens": 30, "cache_read_input_tokens": 0}
    for name, env in (("default", {}), ("latest", {"OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_latest_experimental"})):
        (tmp_path / name).mkdir()
        server.queue(message_json(usage=usage))
        _run_queued(tmp_path / name, server, env)
    default, latest = (_llm_span(tmp_path / n / "traces").attributes for n in ("default", "latest"))
    assert default["gen_ai.usage.cache_creation.input_tokens"] == 30 and "gen_ai.usage.cache_write.input_tokens" not in default
    assert latest["gen_ai.usage.cache_write.input_tokens"] == 30 and "gen_ai.usage.cache_creation.input_tokens" not in latest
    # Names the v1.41 default already writes stay as they are under the opt-in.
    assert default["gen_ai.usage.input_tokens"] == latest["gen_ai.usage.input_tokens"] == 34  # cache included
    assert default.get("gen_ai.request.stream") == latest.get("gen_ai.request.stream")


def _run_queued(cwd: Path, server, env: dict) -> None:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_"))}
    full.update({"REPLAY_URL": server.root_url, "PYTHONPATH": str(SRC), "SECRET": SECRET, **env})
    out = subprocess.run([sys.executable, "-c", SCRIPT, "anthropic", "{}"], cwd=cwd, env=full,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize("end", ["flush", "sigterm", "exit"])
def test_flush_sigterm_and_exit_write_the_events(end, tmp_path, server):
    env = {"END": end, "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "event_only"}
    if end == "sigterm":
        queue_recording(server, "chat_basic")
        full = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_"))}
        full.update({"REPLAY_URL": server.root_url, "PYTHONPATH": str(SRC), "SECRET": SECRET, **env})
        out = subprocess.run([sys.executable, "-c", SCRIPT, "openai", "{}"], cwd=tmp_path, env=full,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == -15, out.stderr  # killed by the signal, after the flush
    else:
        _run(tmp_path, server, "openai", env)
    (record,) = _llm_span(tmp_path / "traces").log_records
    assert record.event_name == EVENT and "gen_ai.output.messages" in record.attributes
