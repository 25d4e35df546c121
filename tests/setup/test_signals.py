"""SIGTERM/SIGHUP: buffered spans are flushed, then the signal does what it would have done."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from support.processes import clean_env, jsonl_span_names, write_app

APP = """
import os, signal, sys, threading, time
import actiontrace

SIG = getattr(signal, sys.argv[1])
{before}
actiontrace.configure(instrument=[]{args})
{after}

@actiontrace.tool
def step(i):
    return i

for i in range(20):
    step(i)
os.kill(os.getpid(), SIG)  # as docker stop would
time.sleep(20)
print("the signal was swallowed")
"""

APP_HANDLER = """
def app_handler(number, frame):
    print("app handler", number, flush=True)
    sys.exit(7)
signal.signal(SIG, app_handler)
"""


def _run(tmp_path, sig: str, before: str = "", after: str = "", args: str = "", **env: str):
    script = write_app(tmp_path, APP.format(before=before, after=after, args=args))
    proc = subprocess.run([sys.executable, str(script), sig], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env=clean_env(ACTIONTRACE_JSONL_PATH=str(tmp_path / "traces"), **env))
    return proc, jsonl_span_names(tmp_path / "traces")


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGHUP"])
def test_default_action_after_flushing(tmp_path, sig):
    proc, names = _run(tmp_path, sig)
    assert proc.returncode == -getattr(signal, sig), proc.stderr  # killed by the signal, as without us
    assert len(names) == 20


def test_handler_installed_before_configure_is_called(tmp_path):
    proc, names = _run(tmp_path, "SIGTERM", before=APP_HANDLER)
    assert proc.returncode == 7, proc.stderr
    assert "app handler 15" in proc.stdout
    assert len(names) == 20


def test_handler_installed_after_configure_decides(tmp_path):
    proc, names = _run(tmp_path, "SIGTERM", after=APP_HANDLER)
    assert proc.returncode == 7, proc.stderr
    assert "app handler 15" in proc.stdout
    assert len(names) == 20  # its sys.exit runs the exit flush


@pytest.mark.parametrize("how", ["argument", "variable"])
def test_turned_off_leaves_the_signal_alone(tmp_path, how):
    if how == "argument":
        proc, names = _run(tmp_path, "SIGTERM", args=", handle_signals=False")
    else:
        proc, names = _run(tmp_path, "SIGTERM", ACTIONTRACE_HANDLE_SIGNALS="false")
    assert proc.returncode == -signal.SIGTERM
    assert names == []  # nothing flushed: no handler was installed


def test_ignored_signal_stays_ignored(tmp_path):
    script = write_app(tmp_path, """
        import signal
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        import actiontrace
        actiontrace.configure(instrument=[], jsonl_path=None)
        print(signal.getsignal(signal.SIGHUP) is signal.SIG_IGN)
    """)
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env=clean_env())
    assert proc.stdout.strip() == "True", proc.stderr


def test_configure_from_a_thread_installs_nothing(tmp_path):
    script = write_app(tmp_path, """
        import signal, threading
        import actiontrace
        worker = threading.Thread(target=lambda: actiontrace.configure(instrument=[], jsonl_path=None))
        worker.start(); worker.join()
        print(signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)
    """)
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env=clean_env())
    assert proc.stdout.strip() == "True", proc.stderr


def test_flush_on_sigterm_is_bounded_with_a_collector_that_never_answers(tmp_path):
    import time

    from support.processes import BlackHole

    with BlackHole() as hole:
        started = time.monotonic()
        proc, names = _run(tmp_path, "SIGTERM", OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{hole.port}",
                           OTEL_EXPORTER_OTLP_TIMEOUT="10", ACTIONTRACE_SIGNAL_FLUSH_TIMEOUT_MS="500")
        elapsed = time.monotonic() - started
    assert proc.returncode == -signal.SIGTERM, proc.stderr
    assert len(names) == 20  # JSONL is flushed first
    assert elapsed < 4, elapsed  # the flush bound, not the 10 s export timeout
