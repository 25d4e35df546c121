"""The README's demo: the example agent runs offline, writes JSONL and prints its tree."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_example_agent_runs_offline_and_prints_the_tree(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_", "OPENAI_"))}
    env["PYTHONPATH"] = str(ROOT / "src")
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "agent.py")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Here is what I found for 'Do you have trail shoes?'" in out
    # invoke_agent -> chat -> execute_tool -> chat, twice, with tokens and cost
    tree = [line for line in out.splitlines() if re.match(r"^\s*[└├│ ]*─ ", line)]
    names = [re.sub(r"^[\s│├└─]+", "", line).split("  ")[0] for line in tree]
    assert names == ["invoke_agent complete-agent", "chat gpt-4o-mini", "execute_tool search_database",
                     "chat gpt-4o-mini"] + ["invoke_agent complete-agent", "chat gpt-4o-mini",
                                            "execute_tool fetch_weather", "chat gpt-4o-mini"]
    assert all("tokens" in line and "$" in line for line in tree if "chat gpt-4o-mini" in line)

    files = list((tmp_path / "traces").glob("traces-*.jsonl"))
    assert len(files) == 1
    lines = files[0].read_text().splitlines()
    assert len(lines) == 8
    spans = [json.loads(line)["resourceSpans"][0]["scopeSpans"][0]["spans"][0] for line in lines]
    by_id = {s["spanId"]: s for s in spans}
    for span in spans:
        if span["name"] != "invoke_agent complete-agent":
            assert by_id[span["parentSpanId"]]["name"] == "invoke_agent complete-agent"
    text = files[0].read_text()
    assert "sk-proj-" not in text  # the fake key in the tool's credentials never reaches the file
    assert "[REDACTED:" in text
