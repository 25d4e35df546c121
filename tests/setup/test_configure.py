"""configure() in fresh interpreters (the global provider can be set once per process)."""

from __future__ import annotations

from support.paths import ROOT
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path



def run_py(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_"))}
    full_env["PYTHONPATH"] = str(ROOT / "src")
    full_env.update(env)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path, env=full_env,
                          capture_output=True, text=True, timeout=120)


def read_spans(directory: Path) -> list[dict]:
    spans = []
    for file in sorted(directory.glob("*.jsonl")):
        for line in file.read_text().splitlines():
            for rs in json.loads(line)["resourceSpans"]:
                for ss in rs["scopeSpans"]:
                    for span in ss["spans"]:
                        span["resource"] = {a["key"]: next(iter(a["value"].values())) for a in rs["resource"]["attributes"]}
                        span["attrs"] = {a["key"]: next(iter(a["value"].values())) for a in span.get("attributes", [])}
                        spans.append(span)
    return spans


def test_exit_without_shutdown_writes_every_span(tmp_path):
    proc = run_py(
        """
        import actiontrace
        actiontrace.configure(instrument=[])

        @actiontrace.tool
        def step(i):
            return i

        with actiontrace.span("root"):
            for i in range(500):
                step(i)
        print("done")
        """,
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    spans = read_spans(tmp_path / "traces")
    assert len(spans) == 501
    assert {s["name"] for s in spans} == {"root", "execute_tool step"}


def test_configure_is_idempotent_and_says_when_arguments_differ(tmp_path):
    proc = run_py(
        """
        import actiontrace
        p1 = actiontrace.configure(jsonl_path="a", instrument=[])
        p2 = actiontrace.configure(jsonl_path="a", instrument=[])
        p3 = actiontrace.configure(jsonl_path="b", instrument=[])
        assert p1 is p2 is p3
        from opentelemetry import trace
        assert trace.get_tracer_provider() is p1
        with actiontrace.span("once"):
            pass
        actiontrace.shutdown()
        actiontrace.shutdown()
        """,
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("already called") == 1
    assert len(read_spans(tmp_path / "a")) == 1
    assert not (tmp_path / "b").exists()


def test_existing_sdk_provider_gets_our_processors(tmp_path):
    proc = run_py(
        """
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        mine = InMemorySpanExporter()
        app = TracerProvider()
        app.add_span_processor(SimpleSpanProcessor(mine))
        trace.set_tracer_provider(app)

        import actiontrace
        assert actiontrace.configure(instrument=[]) is app
        with actiontrace.session(session_id="s-9"):
            with trace.get_tracer("plain").start_as_current_span("plain-span"):
                pass
        assert mine.get_finished_spans()[0].attributes["session.id"] == "s-9"
        """,
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    (span,) = read_spans(tmp_path / "traces")
    assert span["name"] == "plain-span"
    assert span["attrs"]["session.id"] == "s-9"


def test_environment_variables(tmp_path):
    code = """
        import actiontrace
        actiontrace.configure(instrument=[])

        @actiontrace.tool
        def f(x):
            return x

        f(1)
        """
    proc = run_py(code, tmp_path, OTEL_SERVICE_NAME="svc-from-env", ACTIONTRACE_JSONL_PATH="envdir",
                  ACTIONTRACE_CAPTURE_CONTENT="false")
    assert proc.returncode == 0, proc.stderr
    (span,) = read_spans(tmp_path / "envdir")
    assert span["resource"]["service.name"] == "svc-from-env"
    assert "actiontrace.input" not in span["attrs"]

    off = tmp_path / "off"
    off.mkdir()
    proc = run_py(code, off, ACTIONTRACE_JSONL="off")
    assert proc.returncode == 0, proc.stderr
    assert not (off / "traces").exists()


def test_bad_protocol_is_a_clear_error(tmp_path):
    proc = run_py(
        """
        import actiontrace
        try:
            actiontrace.configure(otlp_endpoint="http://127.0.0.1:1", otlp_protocol="carrier-pigeon", instrument=[])
        except ValueError as e:
            print("error:", e)
        """,
        tmp_path,
    )
    assert "error: otlp_protocol must be 'http/protobuf' or 'grpc', not 'carrier-pigeon'" in proc.stdout, proc.stderr


def test_bad_protocol_variable_is_one_error_naming_it_and_configure_goes_on(tmp_path):
    # The documented rule for deployment values: one clear error, run without that exporter.
    proc = run_py(
        """
        import actiontrace
        try:
            actiontrace.configure(instrument=[])
            print("configured")
        except ValueError as e:
            print("error:", e)
        """,
        tmp_path, OTEL_EXPORTER_OTLP_PROTOCOL="carrier-pigeon",
    )
    assert proc.stdout.strip() == "configured", proc.stderr
    assert proc.stderr.count("OTEL_EXPORTER_OTLP_PROTOCOL must be 'http/protobuf' or 'grpc'") == 1, proc.stderr


def test_wrong_argument_types_and_values_raise_naming_the_argument(tmp_path):
    proc = run_py(
        """
        import json
        import actiontrace
        cases = {
            "service_name": dict(service_name=42),
            "instrument": dict(instrument="openai"),
            "span_processors": dict(span_processors=[object()]),
            "jsonl_path": dict(jsonl_path=3),
            "metrics": dict(metrics="maybe"),
            "capture_content": dict(capture_content=1),
            "redactor": dict(redactor=object()),
            "resource_attributes": dict(resource_attributes=[("a", 1)]),
            "otlp_endpoint": dict(otlp_endpoint=4318),
            "session_baggage": dict(session_baggage="sometimes"),
            "propagate_threads": dict(propagate_threads=None),
        }
        out = {}
        for name, kwargs in cases.items():
            try:
                actiontrace.configure(**kwargs)
                out[name] = "accepted"
            except (TypeError, ValueError) as e:
                out[name] = [type(e).__name__, str(e)]
        # Nothing was half set up: a good call still configures, and sees only its own arguments.
        actiontrace.configure(jsonl_path="good", instrument=[])
        with actiontrace.span("after"):
            pass
        print(json.dumps(out))
        """,
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    values = {"metrics", "session_baggage"}
    for name, result in out.items():
        assert result != "accepted", name
        kind, message = result
        assert kind == ("ValueError" if name in values else "TypeError"), (name, result)
        assert message.startswith(name + " "), (name, message)
    assert "already called" not in proc.stderr
    assert [s["name"] for s in read_spans(tmp_path / "good")] == ["after"]


_CAPTURING_APP = """
    import actiontrace
    actiontrace.configure(instrument=[]{args})

    @actiontrace.tool
    def lookup(city):
        return {{"city": city, "temp": 21}}

    lookup("Oslo")
    actiontrace.shutdown()
    """


def test_capture_content_false_as_a_string_captures_nothing(tmp_path):
    proc = run_py(_CAPTURING_APP.format(args=', jsonl_path="t", capture_content="false"'), tmp_path)
    assert proc.returncode == 0, proc.stderr
    (span,) = read_spans(tmp_path / "t")
    assert span["name"] == "execute_tool lookup"
    assert not [k for k in span["attrs"] if k in ("actiontrace.input", "actiontrace.output")], span["attrs"]
    assert "Oslo" not in json.dumps(span)


def test_capture_content_words_as_arguments_override_the_variable(tmp_path):
    for word, env, captured in [(" On ", "off", True), ("0", "on", False)]:
        run_dir = tmp_path / word.strip()
        run_dir.mkdir()
        proc = run_py(_CAPTURING_APP.format(args=f", jsonl_path='t', capture_content={word!r}"), run_dir,
                      ACTIONTRACE_CAPTURE_CONTENT=env)
        assert proc.returncode == 0, proc.stderr
        (span,) = read_spans(run_dir / "t")
        assert ("Oslo" in span["attrs"].get("actiontrace.input", "")) is captured, (word, span["attrs"])
        assert ("21" in span["attrs"].get("actiontrace.output", "")) is captured, (word, span["attrs"])


def test_bad_environment_values_warn_and_fall_back(tmp_path):
    proc = run_py(_CAPTURING_APP.format(args=""), tmp_path, ACTIONTRACE_JSONL_PATH="t",
                  ACTIONTRACE_JSONL_QUEUE_SIZE="lots", ACTIONTRACE_JSONL="perhaps",
                  ACTIONTRACE_CAPTURE_CONTENT="sometimes")
    assert proc.returncode == 0, proc.stderr
    for name, value in [("ACTIONTRACE_JSONL_QUEUE_SIZE", "lots"), ("ACTIONTRACE_JSONL", "perhaps"),
                        ("ACTIONTRACE_CAPTURE_CONTENT", "sometimes")]:
        (line,) = [line for line in proc.stderr.splitlines() if name + " " in line]
        assert repr(value) in line and "default" in line, line
    (span,) = read_spans(tmp_path / "t")  # JSONL on, capture on: the defaults
    assert "Oslo" in span["attrs"]["actiontrace.input"]


def test_import_is_light(tmp_path):
    proc = run_py(
        """
        import sys
        import actiontrace
        heavy = [m for m in ("opentelemetry.sdk", "openai", "rich", "actiontrace.cli",
                             "actiontrace.instrumentation.openai", "google.protobuf", "grpc") if m in sys.modules]
        print(heavy)
        """,
        tmp_path,
    )
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr
