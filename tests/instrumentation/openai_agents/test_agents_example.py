"""examples/agents_sdk.py runs offline and prints one tree: triage, handoff, specialist, tool."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from support.paths import EXAMPLES, ROOT


def test_agents_sdk_example_prints_the_tree(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_", "OPENAI_"))}
    env["PYTHONPATH"] = str(ROOT / "src")
    proc = subprocess.run([sys.executable, str(EXAMPLES / "agents_sdk.py")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "18°C and sunny in Lisbon" in proc.stdout.splitlines()[1]
    tree = [line for line in proc.stdout.splitlines() if re.match(r"^\s*[└├│ ]*─ ", line)]
    names = [re.sub(r"^[\s│├└─]+", "", line).split("  ")[0] for line in tree]
    assert names == ["invoke_workflow Agent workflow", "invoke_agent triage", "chat gpt-4o-mini",
                     "handoff triage -> meteorologist", "invoke_agent meteorologist", "chat gpt-4o-mini",
                     "execute_tool fetch_weather", "chat gpt-4o-mini"]
    assert "OPENAI_API_KEY" not in proc.stderr and "Traceback" not in proc.stderr
