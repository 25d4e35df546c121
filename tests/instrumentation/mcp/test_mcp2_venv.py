"""The mcp 2.x suite, run in its own venv (the main one holds mcp 1.x): exactly one client and one
server span per request when the SDK emits spans itself. First use installs the venv (~30 s)."""

from __future__ import annotations

import os
import subprocess
import sys

from support.paths import ROOT


def test_the_mcp2_suite_passes_in_its_own_venv():
    env = dict(os.environ, PYTHON=sys.executable)
    done = subprocess.run(["bash", str(ROOT / "scripts" / "mcp2-tests.sh")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert " passed" in done.stdout and "failed" not in done.stdout and "skipped" not in done.stdout, done.stdout
