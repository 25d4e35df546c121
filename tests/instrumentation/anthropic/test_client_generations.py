"""The other client generation: every Anthropic test again with ``anthropic`` 0.125 (the last
0.x line: httpx, no native spans, the Text Completions API and sampling parameters), installed
beside the project in ``.venv-anthropic0/`` and put first on the path of a fresh pytest run.
The main run uses the venv's client (2.x, with native spans). Without PyPI the test skips, and
fails where ``ACTIONTRACE_REQUIRE_CASSETTES=1`` (CI), as the conformance suite does."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from support.paths import ROOT

LEGACY = "0.125.0"
SIDE = ROOT / ".venv-anthropic0"
# The 0.x client's own dependencies that the venv's 2.x client does not share (it uses httpx2).
PACKAGES = (f"anthropic=={LEGACY}", "httpx==0.28.1", "httpcore==1.0.9", "h11==0.16.0", "certifi", "idna", "distro")


def _install() -> str | None:
    marker = SIDE / f"anthropic-{LEGACY}.dist-info"
    if marker.is_dir():
        return None
    out = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(SIDE),
                          *PACKAGES], capture_output=True, text=True, timeout=300)
    return None if out.returncode == 0 and marker.is_dir() else out.stderr[-2000:]


@pytest.mark.skipif(os.environ.get("ACTIONTRACE_ANTHROPIC_SIDE") == "1", reason="already the side run")
def test_every_anthropic_test_passes_with_the_0x_client():
    failure = _install()
    if failure:
        message = f"could not install anthropic {LEGACY} beside the project: {failure}"
        if os.environ.get("ACTIONTRACE_REQUIRE_CASSETTES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    env = {**os.environ, "ACTIONTRACE_ANTHROPIC_SIDE": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(SIDE), os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W",
                          "ignore::DeprecationWarning", str(ROOT / "tests" / "instrumentation" / "anthropic")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    tail = out.stdout[-3000:]
    assert out.returncode == 0, tail + out.stderr[-2000:]
    assert f"(anthropic {LEGACY})" in tail, tail
    counted = re.search(r"Anthropic conformance \(anthropic [^)]+\): (\d+) of (\d+) recordings pass", tail)
    assert counted and counted.group(1) == counted.group(2), tail
    print(f"\n{counted.group(0)}")
