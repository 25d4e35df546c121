"""actiontrace.query (the engine behind `actiontrace query`) on files written from real SDK spans."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from actiontrace.reading._query import query
from support.cli_traces import build_agent_traces, export_dir, new_tracer, write_jsonl


@pytest.fixture()
def traces_file(tmp_path):
    tracer, exporter = new_tracer()
    build_agent_traces(tracer, session_id="s-alice", user="alice")
    build_agent_traces(tracer, session_id="s-bob", user="bob", fail_tool=False)
    return write_jsonl(tmp_path / "t.jsonl", exporter.get_finished_spans())


def test_session_filter_returns_only_that_sessions_spans(traces_file):
    result = query(traces_file, session_id="s-alice")
    assert len(result) == 6
    assert {s.session_id for s in result} == {"s-alice"}
    [summary] = result.sessions
    assert summary.session_id == "s-alice"
    assert summary.name == "Support" and summary.path == "/support"
    assert summary.properties == {"user": "alice", "env": "test"}
    assert summary.span_count == 6 and summary.error_count == 1
    assert summary.input_tokens == 320 and summary.output_tokens == 110
    assert summary.cost_usd == pytest.approx(0.005)
    assert summary.duration_ms == pytest.approx(2000.0)


def test_properties_name_glob_and_status(traces_file):
    assert {s.session_id for s in query(traces_file, properties={"user": "bob"})} == {"s-bob"}
    assert len(query(traces_file, properties=["user=bob", "env=test"])) == 6
    assert len(query(traces_file, properties={"user": "carol"})) == 0
    tools = query(traces_file, name="execute_tool *")
    assert len(tools) == 6 and all(s.name == "execute_tool search_database" for s in tools)
    # The glob also matches the bare tool name.
    assert len(query(traces_file, name="search_*")) == 6
    errors = query(traces_file, status="error")
    assert [(s.name, s.session_id, s.status_message) for s in errors] == [
        ("execute_tool search_database", "s-alice", "database timed out")]
    assert len(query(traces_file, status="ok")) == 2  # the two agent roots
    assert len(query(traces_file, session_id="s-bob", status="error")) == 0


def test_time_window(traces_file):
    t0 = 1_700_000_000  # build_agent_traces starts here (epoch seconds)
    assert len(query(traces_file, since=t0 + 1.0)) == 4  # 3rd tool + 2nd llm of each trace
    assert len(query(traces_file, until=datetime.fromtimestamp(t0 + 0.1, tz=timezone.utc))) == 4
    iso = datetime.fromtimestamp(t0 + 1.0, tz=timezone.utc).isoformat().replace("+00:00", "Z")
    assert len(query(traces_file, since=iso)) == 4
    assert len(query(traces_file, since="1h")) == 0  # recorded in 2023
    with pytest.raises(ValueError, match="not a time"):
        query(traces_file, since="yesterday-ish")
    with pytest.raises(ValueError, match="status"):
        query(traces_file, status="broken")


def test_result_is_ordered_and_json_safe(traces_file):
    result = query(traces_file)
    starts = [s.start_ns for s in result]
    assert starts == sorted(starts)
    dumped = json.loads(json.dumps(result.to_dicts()))
    assert dumped[0]["name"] == "invoke_agent support"
    assert dumped[0]["attributes"]["actiontrace.agent.iterations"] == 3
    assert len(result.trace_ids) == 2


def test_directory_with_rotated_files_and_torn_line(tmp_path):
    tracer, exporter = new_tracer()
    for i in range(4):
        build_agent_traces(tracer, session_id=f"s-{i}")
    directory = export_dir(tmp_path / "traces", exporter.get_finished_spans(), max_bytes=4000)
    names = sorted(p.name for p in directory.iterdir())
    assert any(".1.jsonl" in n for n in names), names  # rotation happened
    last = directory / names[-1]
    with open(last, "a") as fh:
        fh.write('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"ab')  # crash mid-write
    warnings = []
    result = query(directory, warn=warnings.append)
    assert len(result) == 24
    assert len(result.sessions) == 4
    assert len(warnings) == 1 and str(last) in warnings[0] and "torn" in warnings[0]


def test_seed_trace_entry_lines_are_spans(tmp_path):
    path = tmp_path / "entries.jsonl"
    entries = [
        {"action": "llm_call", "operation": "complete", "connector": "", "asset_id": "a1",
         "conversation_id": "conv-9", "started_at": "2026-11-23T10:00:00Z", "ended_at": "2026-11-23T10:00:01.5Z",
         "duration_ms": 1500, "status": "success", "error": None, "input_summary": "hi",
         "output_summary": "hello", "metadata": {"model": "gpt-4o", "input_tokens": 10}},
        {"action": "connector_query", "operation": "select", "connector": "postgres", "asset_id": "",
         "conversation_id": "conv-9", "started_at": "2026-11-23T10:00:02+00:00", "duration_ms": 20,
         "status": "error", "error": "connection refused", "input_summary": "", "output_summary": "",
         "metadata": {}},
    ]
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    result = query(path, session_id="conv-9")
    assert [s.name for s in result] == ["llm_call.complete", "connector_query.select"]
    first, second = result
    assert first.duration_ms == pytest.approx(1500)
    assert first.model == "gpt-4o" and first.input_tokens == 10
    assert first.attributes["actiontrace.output"] == "hello"
    assert second.is_error and second.status_message == "connection refused"
    assert second.duration_ms == pytest.approx(20)
    assert [s.name for s in query(path, status="error")] == ["connector_query.select"]


def test_a_session_without_any_cost_has_cost_none_not_zero(tmp_path):
    tracer, exporter = new_tracer()
    with tracer.start_as_current_span("invoke_agent unpriced", attributes={
            "session.id": "s-unpriced", "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 2}):
        pass
    with tracer.start_as_current_span("chat free-model", attributes={
            "session.id": "s-free", "actiontrace.cost.usd": 0.0}):
        pass
    with tracer.start_as_current_span("chat m", attributes={"session.id": "s-free", "actiontrace.cost.usd": 0.25}):
        pass
    path = write_jsonl(tmp_path / "t.jsonl", exporter.get_finished_spans())
    unpriced, free = sorted(query(path).sessions, key=lambda s: s.session_id, reverse=True)
    assert unpriced.session_id == "s-unpriced" and unpriced.cost_usd is None
    assert unpriced.to_dict()["cost_usd"] is None and unpriced.input_tokens == 10
    assert free.cost_usd == pytest.approx(0.25) and free.to_dict()["cost_usd"] == pytest.approx(0.25)


def test_a_span_without_a_cost_reads_none_and_a_recorded_zero_reads_zero(tmp_path):
    tracer, exporter = new_tracer()
    with tracer.start_as_current_span("invoke_agent unpriced"):
        pass
    with tracer.start_as_current_span("chat free-model", attributes={"actiontrace.cost.usd": 0.0}):
        pass
    path = write_jsonl(tmp_path / "t.jsonl", exporter.get_finished_spans())
    costs = {span.name: span.cost_usd for span in query(path)}
    assert costs == {"invoke_agent unpriced": None, "chat free-model": 0.0}
