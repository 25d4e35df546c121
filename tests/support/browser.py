"""Headless Chromium for the page tests: find it, load a page, read the DOM the script built.

Chromium comes from Debian's `chromium` package. Without it the browser tests are skipped
with the reason, unless ACTIONTRACE_REQUIRE_BROWSER=1 (CI), where a missing browser fails.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--enable-logging=stderr", "--v=0", "--window-size=1400,900"]


def find_chromium() -> str | None:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def chromium():
    path = find_chromium()
    if path is None and os.geteuid() == 0 and shutil.which("apt-get"):
        # Try the Debian package once; quiet, bounded.
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update"], capture_output=True, timeout=300, env=env)
        subprocess.run(["apt-get", "install", "-y", "chromium"], capture_output=True, timeout=600, env=env)
        path = find_chromium()
    if path is None:
        message = "headless Chromium not found (Debian package 'chromium'; apt-get install -y chromium)"
        if os.environ.get("ACTIONTRACE_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " and ACTIONTRACE_REQUIRE_BROWSER=1")
        pytest.skip(message)
    return path


def browse(chromium: str, page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
                          capture_output=True, text=True, timeout=120)


def console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line and re.search(r"Uncaught|Error|Refused", line)]


def probe(chromium: str, page: Path, tmp_path: Path, script: str) -> tuple[dict, subprocess.CompletedProcess]:
    """Load a copy of ``page`` with ``script`` run after the page's own (it sees the drawn page and
    may click, type and measure); the object the script passes to ``report(...)`` comes back."""
    wrapper = ("<script>(function () { function report(value) { var pre = document.createElement('pre');"
               " pre.id = 'probe-result'; pre.textContent = JSON.stringify(value);"
               " document.body.appendChild(pre); }\n" + script + "\n})();</script>")
    copy = page.with_name(page.stem + f"-probe-{len(list(page.parent.iterdir()))}.html")
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", wrapper + "</body>"), encoding="utf-8")
    proc = browse(chromium, copy, tmp_path, "--dump-dom")
    match = re.search(r'<pre id="probe-result">(.*?)</pre>', proc.stdout, flags=re.S)
    assert match, (proc.stdout[-2000:], proc.stderr[-2000:])
    return json.loads(html.unescape(match.group(1))), proc
