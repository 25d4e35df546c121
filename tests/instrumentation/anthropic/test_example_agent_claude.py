"""The example agent on the Anthropic client (ACTIONTRACE_DEMO_PROVIDER=anthropic): offline
against the embedded Messages server, the same tree as on OpenAI, redacted JSONL."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from support.paths import EXAMPLES, SRC


def test_example_agent_on_claude(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_", "OPENAI_", "ANTHROPIC_"))}
    env.update(PYTHONPATH=str(SRC), ACTIONTRACE_DEMO_PROVIDER="anthropic")
    proc = subprocess.run([sys.executable, str(EXAMPLES / "agent.py")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Here is what I found for 'Do you have trail shoes?'" in out
    tree = [line for line in out.splitlines() if re.match(r"^\s*[└├│ ]*─ ", line)]
    names = [re.sub(r"^[\s│├└─]+", "", line).split("  ")[0] for line in tree]
    chat = "chat claude-haiku-4-5"
    assert names == ["invoke_agent complete-agent", chat, "execute_tool search_database", chat,
                     "invoke_agent complete-agent", chat, "execute_tool fetch_weather", chat]
    assert all("tokens" in line and "$" in line for line in tree if chat in line)
    (trace_file,) = (tmp_path / "traces").glob("traces-*.jsonl")
    text = trace_file.read_text()
    assert "sk-proj-" not in text and "[REDACTED:" in text
    assert "com.anthropic.sdk.python" not in text  # one span per call: the client's own is off
