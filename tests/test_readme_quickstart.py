"""The README's quick start, pasted into a file and run as a reader would: it must be a
complete agent whose trace holds the agent, its tool call and its LLM call."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from support.paths import ROOT, SRC


def _quick_start() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "the quick start shows one Python block"
    return blocks[0]


def _run(args: list[str], cwd, env) -> str:
    proc = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_the_quick_start_runs_and_its_tree_shows_agent_tool_and_llm(tmp_path):
    (tmp_path / "quickstart.py").write_text(_quick_start())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_", "OPENAI_"))}
    env["PYTHONPATH"] = str(SRC)
    assert _run(["quickstart.py"], tmp_path, env) == "Yes: trail shoes.\n"

    # What the README says to do next.
    out = _run(["-m", "actiontrace", "view", "traces/"], tmp_path, env)
    tree = [line for line in out.splitlines() if re.match(r"^[\s│├└─]*─ ", line)]
    assert [re.sub(r"^[\s│├└─]+", "", line).split("  ")[0] for line in tree] == [
        "invoke_agent support", "execute_tool search_database", "chat gpt-4o-mini"]
    assert tree[0].startswith("└─ ") and tree[1].startswith("   ├─ ") and tree[2].startswith("   └─ ")
    assert "session conv-42" in out and "tokens 42→9" in tree[2]

    spans = [json.loads(line)["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
             for path in (tmp_path / "traces").glob("traces-*.jsonl") for line in path.read_text().splitlines()]
    by_name = {s["name"]: s for s in spans}
    assert len(spans) == 3
    agent = by_name["invoke_agent support"]
    assert by_name["execute_tool search_database"]["parentSpanId"] == agent["spanId"]
    assert by_name["chat gpt-4o-mini"]["parentSpanId"] == agent["spanId"]
