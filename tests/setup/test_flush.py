"""actiontrace.flush(): everything ended so far is exported (and readable) when it returns."""

from __future__ import annotations

import subprocess
import sys

from support.processes import BlackHole, clean_env, refused_port, write_app

APP = """
import sys, time
import actiontrace
actiontrace.configure(instrument=[], jsonl_path="traces")

@actiontrace.tool
def step(i):
    return i

for i in range(20):
    step(i)
started = time.monotonic()
ok = actiontrace.flush(timeout=float(sys.argv[1]))
took = time.monotonic() - started
print(ok, len(actiontrace.query("traces")), round(took, 2), flush=True)
"""


def _run(tmp_path, timeout: str, **env: str) -> tuple[str, int, float]:
    script = write_app(tmp_path, APP)
    proc = subprocess.run([sys.executable, str(script), timeout], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env=clean_env(**env))
    assert proc.returncode == 0, proc.stderr
    ok, count, took = proc.stdout.split()
    return ok, int(count), float(took)


def test_flush_makes_every_ended_span_readable(tmp_path):
    assert _run(tmp_path, "5")[:2] == ("True", 20)


def test_flush_reports_a_failing_endpoint_and_jsonl_still_has_everything(tmp_path):
    ok, count, _ = _run(tmp_path, "5", OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{refused_port()}",
                        OTEL_EXPORTER_OTLP_TIMEOUT="1")
    assert (ok, count) == ("False", 20)


def test_flush_returns_within_its_timeout(tmp_path):
    with BlackHole() as hole:
        ok, count, took = _run(tmp_path, "0.5", OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{hole.port}",
                               OTEL_EXPORTER_OTLP_TIMEOUT="2")
    assert ok == "False"
    assert count == 20  # the JSONL branch comes first
    assert took < 1.5


def test_flush_without_configure_is_harmless(tmp_path):
    script = write_app(tmp_path, "import actiontrace\nprint(actiontrace.flush(timeout=1))\n")
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env=clean_env())
    assert proc.stdout.strip() == "True", proc.stderr
