"""One rule for a bad environment value or path: one clear error, the app runs without that exporter."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from support.processes import clean_env, jsonl_span_names, write_app

APP = """
import actiontrace
actiontrace.configure(instrument=[])

@actiontrace.tool
def step(i):
    return i

print("app ran", step(1), flush=True)
"""


def _run(tmp_path, code: str = APP, **env: str) -> subprocess.CompletedProcess:
    script = write_app(tmp_path, code)
    return subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env=clean_env(**env))


def _unwritable(tmp_path) -> str:
    if os.geteuid() == 0:  # root writes through permissions: a directory procfs will not create
        return "/proc/1/actiontrace-traces"
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    return str(locked / "traces")


@pytest.mark.parametrize("case", ["missing-parent", "unwritable", "protocol", "endpoint", "endpoint-no-scheme"])
def test_bad_deployment_value_logs_one_error_and_the_app_runs(tmp_path, case):
    env = {"ACTIONTRACE_JSONL_PATH": str(tmp_path / "traces")}
    if case == "missing-parent":
        env["ACTIONTRACE_JSONL_PATH"] = str(tmp_path / "nonexistent" / "x")
    elif case == "unwritable":
        env["ACTIONTRACE_JSONL_PATH"] = _unwritable(tmp_path)
    elif case == "protocol":
        env.update(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:4318", OTEL_EXPORTER_OTLP_PROTOCOL="http/json")
    elif case == "endpoint":
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://[not-a-host"
    else:
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = "localhost:4318"
    proc = _run(tmp_path, **env)
    assert proc.returncode == 0, proc.stderr
    assert "app ran 1" in proc.stdout
    errors = [line for line in proc.stderr.splitlines() if " is off: " in line]
    assert len(errors) == 1, proc.stderr
    what = "JSONL export" if case in ("missing-parent", "unwritable") else "OTLP export"
    assert errors[0].startswith(f"actiontrace: {what}"), errors
    assert "Traceback" not in proc.stderr
    if what == "OTLP export":  # the other branch still works
        assert jsonl_span_names(tmp_path / "traces") == ["execute_tool step"]
        assert "Failed to export" not in proc.stderr  # no export was even tried


def test_a_bad_argument_still_raises(tmp_path):
    proc = _run(tmp_path, "import actiontrace\nactiontrace.configure(otlp_protocol='http/json')\n")
    assert "ValueError: otlp_protocol must be" in proc.stderr


def test_configure_after_traced_calls_warns_once(tmp_path):
    proc = _run(tmp_path, """
        import actiontrace

        @actiontrace.tool
        def step(i):
            return i

        step(1); step(2)
        actiontrace.configure(instrument=[], jsonl_path=None)
        actiontrace.configure(instrument=[], jsonl_path=None)
        step(3)
    """)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("ran after 2 traced call(s); their spans were dropped") == 1, proc.stderr


def test_no_warning_when_configure_comes_first(tmp_path):
    proc = _run(tmp_path, ACTIONTRACE_JSONL="off")
    assert "traced call(s)" not in proc.stderr


def test_joining_a_provider_with_its_own_exporter_warns_naming_it(tmp_path):
    proc = _run(tmp_path, """
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
        import io
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(out=io.StringIO())))
        trace.set_tracer_provider(provider)
        import actiontrace
        actiontrace.configure(instrument=[], jsonl_path=None)
    """)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("already exports through SimpleSpanProcessor(ConsoleSpanExporter)") == 1, proc.stderr


def test_joining_a_provider_whose_batch_exporter_is_behind_redaction_does_not_warn(tmp_path):
    proc = _run(tmp_path, """
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
        import io
        from actiontrace.redaction import RedactingSpanExporter
        provider = TracerProvider()
        provider.add_span_processor(BatchSpanProcessor(RedactingSpanExporter(ConsoleSpanExporter(out=io.StringIO()))))
        trace.set_tracer_provider(provider)
        import actiontrace
        actiontrace.configure(instrument=[], jsonl_path=None)
        print("configured")
    """)
    assert proc.returncode == 0 and proc.stdout.strip() == "configured", proc.stderr
    assert "already exports through" not in proc.stderr, proc.stderr


def test_reinstrumenting_openai_applies_the_new_options(tmp_path):
    pytest.importorskip("openai")
    proc = _run(tmp_path, """
        import actiontrace
        from actiontrace.instrumentation.openai import OpenAIInstrumentor
        from actiontrace.instrumentation.openai._provider import provider
        import openai
        actiontrace.configure(jsonl_path=None)
        assert OpenAIInstrumentor().is_instrumented_by_opentelemetry
        OpenAIInstrumentor().instrument(stream_include_usage=True)
        print(provider.prepare is not None)  # the request edit that adds include_usage
    """)
    assert proc.stdout.strip() == "True", proc.stderr
