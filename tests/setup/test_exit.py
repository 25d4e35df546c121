"""A dead collector does not hold the process's exit hostage, and JSONL keeps every span.

Each case times a 20-span script against the same script without an endpoint, in this run.
"""

from __future__ import annotations

from support.processes import BlackHole, jsonl_span_names, refused_port, timed_run, write_app

APP = """
import actiontrace
actiontrace.configure(instrument=[])

@actiontrace.tool
def step(i):
    return i

for i in range(20):
    step(i)
"""


def _exit_delay(tmp_path, **env: str) -> tuple[float, list[str], str]:
    script = write_app(tmp_path, APP)
    (tmp_path / "ref").mkdir()
    reference, ref = timed_run(script, tmp_path / "ref", ACTIONTRACE_JSONL_PATH=str(tmp_path / "ref-traces"))
    assert ref.returncode == 0, ref.stderr
    (tmp_path / "run").mkdir()
    elapsed, proc = timed_run(script, tmp_path / "run", ACTIONTRACE_JSONL_PATH=str(tmp_path / "traces"), **env)
    assert proc.returncode == 0, proc.stderr
    assert len(jsonl_span_names(tmp_path / "ref-traces")) == 20
    return elapsed - reference, jsonl_span_names(tmp_path / "traces"), proc.stderr


def test_refused_endpoint_adds_little_to_exit_for_traces_and_metrics(tmp_path):
    port = refused_port()
    delay, names, stderr = _exit_delay(tmp_path, OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{port}")
    assert names.count("execute_tool step") == 20  # the local record is whole
    assert delay <= 1.5, (delay, stderr)


def test_black_hole_endpoint_costs_at_most_one_timeout_for_all_signals(tmp_path):
    with BlackHole() as hole:
        delay, names, stderr = _exit_delay(tmp_path, OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{hole.port}",
                                           OTEL_EXPORTER_OTLP_TIMEOUT="1.5")
    assert names.count("execute_tool step") == 20
    # One timeout, plus the exporters' import and a loaded machine's slack; both signals
    # waiting in turn would take at least 3 s.
    assert delay <= 1.5 + 0.75, (delay, stderr)


def test_a_healthy_collector_gets_the_spans_and_the_metrics_at_exit(tmp_path):
    from support.otlp_receiver import OtlpHttpReceiver

    with OtlpHttpReceiver() as receiver:
        _, names, stderr = _exit_delay(tmp_path, OTEL_EXPORTER_OTLP_ENDPOINT=receiver.base_url)
        assert len(names) == 20
        assert len(receiver.spans) == 20, stderr
        assert "actiontrace.tool.duration" in receiver.metric_names(), stderr
