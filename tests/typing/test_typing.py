"""actiontrace as a type checker sees it, checked with mypy in a subprocess.

- ``typed_usage.py``: the public API used correctly, every type pinned with ``assert_type``,
  must check clean under ``--strict`` (and, run, must produce the spans it names);
- ``mistakes.py``: each mistake line says the error mypy must report for it, and mypy must
  report those and no others;
- the modules behind the public API (``[tool.mypy]`` in pyproject.toml) pass ``mypy --strict``.

mypy finds actiontrace as the installed package it is for a user, so without ``py.typed``
it would not read it at all and all three would fail.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support.paths import ROOT

HERE = Path(__file__).resolve().parent
EXPECTED = re.compile(r"  # E: (.+?)\s*$")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One cache for this module's runs: the stdlib and OpenTelemetry are analysed once.
    return tmp_path_factory.mktemp("mypy-cache")


def _mypy(cache_dir: Path, *args: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "MYPY_CONFIG_FILE_DIR")}
    proc = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(cache_dir), "--no-error-summary",
                           "--no-pretty", "--no-color-output", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr  # 2: mypy itself failed (bad config, crash)
    return [line for line in proc.stdout.splitlines() if ": note: " not in line]


def _user_view(cache_dir: Path, name: str) -> list[str]:
    return _mypy(cache_dir, "--config-file", str(HERE / "mypy.ini"), str((HERE / name).relative_to(ROOT)))


def test_correct_use_checks_clean_under_strict(cache_dir):
    assert _user_view(cache_dir, "typed_usage.py") == []


def test_each_mistake_is_reported_exactly(cache_dir):
    path = (HERE / "mistakes.py").relative_to(ROOT)
    expected = []
    for number, line in enumerate((HERE / "mistakes.py").read_text().splitlines(), start=1):
        found = EXPECTED.search(line)
        if found:
            expected.append(f"{path}:{number}: error: {found.group(1)}")
    assert len(expected) >= 20
    assert _user_view(cache_dir, "mistakes.py") == expected


def test_the_public_modules_pass_strict(cache_dir):
    # The configuration (strict, the module list) is pyproject.toml's [tool.mypy]: plain `mypy` runs it too.
    assert _mypy(cache_dir, "--config-file", str(ROOT / "pyproject.toml")) == []


def test_typed_usage_runs_and_traces_what_it_says(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_"))}
    proc = subprocess.run([sys.executable, "-W", "error", str(HERE / "typed_usage.py")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [  # sorted by the file
        "chat gpt-4o-mini", "execute_tool create_inner", "execute_tool lookup", "execute_tool open_shop",
        "execute_tool price", "execute_tool price", "execute_tool search_database", "execute_tool search_database",
        "execute_tool search_database", "execute_tool t", "execute_tool weather", "invoke_agent clerk",
        "invoke_workflow pipeline", "lookup", "plan", "refund", "search", "summarise", "words",
    ]
