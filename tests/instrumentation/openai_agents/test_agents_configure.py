"""configure() in a fresh interpreter turns the bridge on when the application imports
``agents`` (not before: configure() does not import the SDK), and a run lands in the JSONL
files as one tree, redacted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from support.paths import ROOT
from support.secret_corpus import secrets

from actiontrace.reading._reader import read_spans

APP = r'''
import json, sys
import actiontrace
actiontrace.configure(jsonl_path=sys.argv[1], service_name="agents-app")
assert "agents" not in sys.modules, "configure() imported the Agents SDK"

import openai
from agents import Agent, OpenAIResponsesModel, Runner, function_tool
from agents.tracing import get_trace_provider
from support.agents_replay import answer, tool_call
from support.replay_server import ReplayServer

@function_tool
def remember(note: str) -> str:
    """Keeps a note."""
    return "kept"

with ReplayServer() as server:
    server.queue(tool_call("resp_1", "remember", {"note": sys.argv[2]}), answer("resp_2", "Noted."))
    client = openai.AsyncOpenAI(base_url=server.base_url, api_key="test", max_retries=0)
    agent = Agent(name="scribe", tools=[remember], model=OpenAIResponsesModel(model="gpt-4o-mini", openai_client=client))
    with actiontrace.session(session_id="s-42"):
        print(Runner.run_sync(agent, "Remember this").final_output)
    processors = get_trace_provider()._multi_processor._processors
    print(json.dumps([type(p).__module__ for p in processors]))
actiontrace.shutdown()
'''


def test_configure_instruments_on_import_and_writes_one_tree(tmp_path: Path):
    secret = next(s for rule, s, _ in secrets() if rule == "github-token")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_", "OPENAI_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")])
    traces = tmp_path / "traces"
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(APP), str(traces), f"token {secret}"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "Noted."
    # ours, then the SDK's exporter to the platform behind our redaction (silent: no key here)
    assert json.loads(lines[1]) == ["actiontrace.instrumentation.openai_agents._processor",
                                   "actiontrace.instrumentation.openai_agents._export"]
    assert "Traceback" not in proc.stderr and "OPENAI_API_KEY" not in proc.stderr, proc.stderr

    spans = list(read_spans(str(traces)))
    by_id = {s.span_id: s for s in spans}
    names = sorted(s.name for s in spans)
    assert names == ["chat gpt-4o-mini", "chat gpt-4o-mini", "execute_tool remember", "invoke_agent scribe",
                     "invoke_workflow Agent workflow"]
    agent = next(s for s in spans if s.name == "invoke_agent scribe")
    for chat in (s for s in spans if s.name.startswith("chat")):
        assert by_id[chat.parent_span_id] is agent
        assert chat.scope_name == "actiontrace.instrumentation.openai"  # made by the OpenAI client instrumentation
    assert len({s.trace_id for s in spans}) == 1
    assert all(s.attributes.get("session.id") == "s-42" for s in spans)
    raw = "".join(p.read_text() for p in traces.glob("*.jsonl"))
    assert secret not in raw and secret[:10] not in raw
