"""What a process pays once: the first traced call, and configure() with unused client libraries."""

from __future__ import annotations

import subprocess
import sys

import pytest

from support.processes import clean_env, write_app


def _run(tmp_path, code: str) -> str:
    script = write_app(tmp_path, code)
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env=clean_env())
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_first_traced_call_does_not_compile_the_redaction_rules(tmp_path):
    out = _run(tmp_path, """
        import time, actiontrace
        actiontrace.configure(instrument=[], jsonl_path="traces")

        @actiontrace.tool
        def step(query, limit=10):
            return {"rows": [query] * 3}

        # The application thread's CPU: what the user's span costs it (compiling off this
        # thread, as configure() may start, is allowed and is not the user's cost).
        def cpu():
            t = time.thread_time(); step("select 1", limit=5); return time.thread_time() - t

        first = cpu()
        steady = sorted(cpu() for _ in range(101))[50]
        print(round((first - steady) * 1000, 2))
    """)
    assert float(out) <= 5.0, f"first call +{out} ms CPU over a steady one"


def test_configure_does_not_import_an_unused_client_library(tmp_path):
    pytest.importorskip("openai")
    out = _run(tmp_path, """
        import sys, actiontrace
        actiontrace.configure(jsonl_path=None)
        print("openai" in sys.modules)
        import openai  # the application's first import instruments it
        from actiontrace.instrumentation.openai import OpenAIInstrumentor
        print(OpenAIInstrumentor().is_instrumented_by_opentelemetry, len(OpenAIInstrumentor.wrapped_methods()) > 0)
    """)
    assert out.split() == ["False", "True", "True"]


def test_a_client_library_imported_before_configure_is_instrumented_at_once(tmp_path):
    pytest.importorskip("openai")
    out = _run(tmp_path, """
        import openai, actiontrace
        actiontrace.configure(jsonl_path=None)
        from actiontrace.instrumentation.openai import OpenAIInstrumentor
        print(OpenAIInstrumentor().is_instrumented_by_opentelemetry)
    """)
    assert out == "True"
