"""The CLI reads the GenAI events (log records) written beside the spans: ``view`` and ``html``
show each under its span, ``replay`` sends them to the logs signal with their ids; the other
commands pass the log lines over without a warning."""

from __future__ import annotations

import json

from support.cli_traces import run_cli
from support.genai_events import EVENT, write_span_with_event
from support.otlp_receiver import OtlpGrpcReceiver, OtlpHttpReceiver


def test_view_shows_the_event_under_its_span(tmp_path):
    write_span_with_event(tmp_path)
    assert sorted(p.name.split("-")[0] for p in tmp_path.iterdir()) == ["logs", "traces"]
    proc = run_cli("view", str(tmp_path), check_rc=0)
    lines = proc.stdout.splitlines()
    assert lines[1].startswith("└─ chat gpt-4o-mini  llm")
    assert lines[2] == f"     event {EVENT} · in: user: Weather in Paris? · out: assistant: Sunny."
    assert proc.stderr == ""  # the log lines are no unreadable spans
    for command in ("stats", "query"):
        assert "skipped" not in run_cli(command, str(tmp_path), check_rc=0).stderr


def test_view_reads_stdin_once_for_both(tmp_path):
    write_span_with_event(tmp_path)
    text = "".join(p.read_text() for p in sorted(tmp_path.iterdir()))
    out = run_cli("view", "-", input=text, check_rc=0).stdout
    assert f"event {EVENT}" in out


def test_html_lists_the_event_in_the_span_detail(tmp_path):
    (tmp_path / "t").mkdir()
    write_span_with_event(tmp_path / "t")
    page = tmp_path / "r.html"
    run_cli("html", str(tmp_path / "t"), "-o", str(page), check_rc=0)
    text = page.read_text()
    data = json.loads(text.split('id="actiontrace-data">', 1)[1].split("</script>", 1)[0])
    (span,) = data["traces"][0]["spans"]
    sections = {s["kind"]: s for s in span["sections"]}
    assert sections["events"]["items"] == [
        {"name": EVENT, "line": f"{EVENT} · in: user: Weather in Paris? · out: assistant: Sunny."}]
    # Content only in the event (not on the span): the conversation is read from the event.
    conversation = sections["conversation"]["messages"]
    assert [(m["role"], m["parts"][0]["text"]) for m in conversation] == [
        ("user", "Weather in Paris?"), ("assistant", "Sunny.")]
    assert conversation[1]["finish"] == "stop"


def test_replay_sends_the_events_to_the_logs_signal(tmp_path):
    trace_id, span_id = write_span_with_event(tmp_path)
    with OtlpHttpReceiver() as receiver:
        out = run_cli("replay", str(tmp_path), "--endpoint", receiver.base_url, check_rc=0).stdout
        (log,) = receiver.wait_for_logs(1)
        (span,) = receiver.wait_for_spans(1)
    assert "replayed 1 span(s)" in out and f"replayed 1 log record(s) in 1 request(s) to {receiver.base_url}/v1/logs" in out
    assert (log.trace_id, log.span_id) == (span.trace_id, span.span_id) == (trace_id, span_id)
    assert log.event_name == EVENT and log.scope == "actiontrace.instrumentation.openai"
    assert log.attributes["gen_ai.output.messages"][0]["parts"][0]["content"] == "Sunny."


def test_replay_over_grpc_and_with_filters(tmp_path):
    write_span_with_event(tmp_path)
    with OtlpGrpcReceiver() as receiver:
        run_cli("replay", str(tmp_path), "--endpoint", receiver.endpoint, "--protocol", "grpc", check_rc=0)
        assert len(receiver.wait_for_logs(1)) == 1
        receiver.clear()
        out = run_cli("replay", str(tmp_path), "--endpoint", receiver.endpoint, "--protocol", "grpc",
                      "--session", "nobody", check_rc=0).stdout
    assert "replayed 0 span(s)" in out and "log record" not in out and receiver.logs == []
