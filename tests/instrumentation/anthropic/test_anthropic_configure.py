"""configure() turns the Anthropic instrumentation on when the client is installed (and
``instrument=[...]`` picks it by name), without importing the client itself (about a second):
the application's own ``import anthropic`` gets the instrumented client. Checked in a fresh
interpreter against the replay server."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from support.anthropic_replay import message_json
from support.paths import SRC

SCRIPT = r"""
import json, os, sys
import actiontrace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

exporter = InMemorySpanExporter()
kwargs = json.loads(sys.argv[1])
actiontrace.configure(jsonl_path=None, metrics=False, span_processors=[SimpleSpanProcessor(exporter)], **kwargs)
assert "anthropic" not in sys.modules, "configure() imported anthropic"  # instrumented when the app imports it
import anthropic
with anthropic.Anthropic(base_url=os.environ["REPLAY_URL"], api_key="t", max_retries=0) as client:
    client.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=[{"role": "user", "content": "Hi"}])
print(json.dumps([(s.name, s.instrumentation_scope.name) for s in exporter.get_finished_spans()]))
"""


def _run(server, **kwargs) -> list:
    server.queue(message_json())
    env = {**os.environ, "REPLAY_URL": server.root_url, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(kwargs)], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [tuple(s) for s in json.loads(out.stdout.strip().splitlines()[-1])]


def test_configure_instruments_anthropic_by_default(server):
    assert _run(server) == [("chat claude-haiku-4-5", "actiontrace.instrumentation.anthropic")]


def test_configure_instrument_list(server):
    assert _run(server, instrument=["anthropic"]) == [("chat claude-haiku-4-5", "actiontrace.instrumentation.anthropic")]
    # not asked for: the client's own span (1.x and later) is all there is
    assert all(scope != "actiontrace.instrumentation.anthropic" for _, scope in _run(server, instrument=["openai"]))
