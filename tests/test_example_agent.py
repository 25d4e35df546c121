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


def _demo_extras() -> list[str]:
    """The extras `make demo` installs: the `pip install -e '.[...]'` of its stamp's recipe."""
    makefile = (ROOT / "Makefile").read_text()
    stamp = re.search(r"^demo:\s*(\S+)", makefile, flags=re.M).group(1)
    recipe = re.search(rf"^{re.escape(stamp)}:.*\n((?:\t.*\n)+)", makefile, flags=re.M).group(1)
    return re.search(r"install .*-e '\.\[([^\]]*)\]'", recipe).group(1).split(",")


def _installed_by(extras: list[str]) -> set[str]:
    """Distributions `pip install actiontrace[extras]` brings in (normalised names)."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    found: set[str] = set()
    todo = [("actiontrace", tuple(extras))]
    while todo:
        name, wanted = todo.pop()
        key = canonicalize_name(name)
        if key in found and not wanted:
            continue
        found.add(key)
        for line in metadata.requires(name) or ():
            req = Requirement(line)
            if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in (*wanted, "")):
                todo.append((req.name, tuple(req.extras)))
    return found


# Runs a script with every installed distribution outside ``allowed`` made unimportable, as
# in a venv that holds only those: the script must not need the others, and may not use them
# even when optional (as Hyperscan is for redaction).
_ONLY_ALLOWED = """
import importlib.abc, importlib.metadata, json, runpy, sys
allowed = set(json.loads(sys.argv[1]))
owners = importlib.metadata.packages_distributions()
norm = lambda d: d.lower().replace("_", "-").replace(".", "-")
hidden = {m for m, ds in owners.items() if not any(norm(d) in allowed for d in ds)} - set(sys.modules)
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in hidden:
            raise ModuleNotFoundError(f"No module named {name!r} (not installed by make demo)", name=name)
        return None
sys.meta_path.insert(0, Hide())
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def test_make_demo_installs_what_the_demo_needs_and_nothing_else(tmp_path):
    extras = _demo_extras()
    assert "test" not in extras  # no pytest, Hyperscan, RE2 for a demo
    allowed = _installed_by(extras)
    assert "openai" in allowed and "hyperscan" not in allowed
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_", "OPENAI_"))}
    env["PYTHONPATH"] = str(ROOT / "src")
    proc = subprocess.run([sys.executable, "-c", _ONLY_ALLOWED, json.dumps(sorted(allowed)),
                           str(ROOT / "examples" / "agent.py")], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("invoke_agent complete-agent") == 2
