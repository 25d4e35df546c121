"""The MCP example: an agent and its MCP server, two processes, print one tree."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from support.paths import EXAMPLES, SRC

from actiontrace.reading._reader import read_spans


def test_example_mcp_agent_prints_one_tree_across_both_processes(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_"))}
    env["PYTHONPATH"] = str(SRC)
    proc = subprocess.run([sys.executable, str(EXAMPLES / "mcp_agent.py")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Lisbon tomorrow: sunny, 24 °C. Pack: sunglasses, sun cream." in proc.stdout
    tree = [re.sub(r"^[\s│├└─]+", "", line) for line in proc.stdout.splitlines() if re.match(r"^\s*[└├│ ]*─ ", line)]
    names = [line.split("  ")[0] + (" @server" if "@weather-mcp" in line else "") for line in tree]
    assert names == ["invoke_agent trip-planner",
                     "tools/list", "tools/list @server",
                     "tools/call forecast", "tools/call forecast @server",
                     "tools/call packing_list", "tools/call packing_list @server",
                     "resources/read", "resources/read @server"]
    assert len(re.findall(r"^trace ", proc.stdout, re.M)) == 1
    spans = list(read_spans([str(tmp_path / "traces")]))
    services = {s.resource.get("service.name") for s in spans if s.name == "tools/call forecast"}
    assert services == {"trip-agent", "weather-mcp"}
    sessions = {s.attributes.get("session.id") for s in spans if s.name == "tools/call forecast"}
    assert len(sessions) == 1 and None not in sessions  # the server got the session through baggage
    page = subprocess.run([sys.executable, "-m", "actiontrace", "html", "traces", "-o", "-"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert page.returncode == 0, page.stderr
    assert page.stdout.count('"service": "weather-mcp"') + page.stdout.count('"service":"weather-mcp"') >= 4
