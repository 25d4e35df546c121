"""`actiontrace query` prints what actiontrace.query finds."""

from __future__ import annotations

import json

from actiontrace.reading._query import query
from support.cli_traces import build_agent_traces, new_tracer, run_cli, write_jsonl


def make(tmp_path):
    tracer, exporter = new_tracer()
    build_agent_traces(tracer, session_id="s-a", user="alice")
    build_agent_traces(tracer, session_id="s-b", user="bob", fail_tool=False)
    return write_jsonl(tmp_path / "t.jsonl", exporter.get_finished_spans())


def test_json_spans_equal_the_python_engine(tmp_path):
    path = make(tmp_path)
    proc = run_cli("query", str(path), "--property", "user=alice", "--name", "execute_tool*", "--json", check_rc=0)
    rows = json.loads(proc.stdout)
    expected = query(path, properties={"user": "alice"}, name="execute_tool*")
    assert [r["span_id"] for r in rows] == [s.span_id for s in expected]
    assert len(rows) == 3
    assert {r["session_id"] for r in rows} == {"s-a"}
    assert rows[2]["status"] == "error" and rows[2]["status_message"] == "database timed out"
    assert rows[0]["duration_ms"] == 50.0


def test_sessions_view_and_fail_if_found(tmp_path):
    path = make(tmp_path)
    rows = json.loads(run_cli("query", str(path), "--sessions", "--json", check_rc=0).stdout)
    assert [(r["session_id"], r["span_count"], r["error_count"], r["properties"]["user"]) for r in rows] == [
        ("s-a", 6, 1, "alice"), ("s-b", 6, 0, "bob")]
    proc = run_cli("query", str(path), "--status", "error", "--fail-if-found")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["start", "trace", "span", "name", "duration", "status", "session"]
    assert len(lines) == 2 and "execute_tool search_database" in lines[1] and lines[1].endswith("s-a")
    proc = run_cli("query", str(path), "--session", "s-b", "--status", "error", "--fail-if-found")
    assert proc.returncode == 0 and "no matches" in proc.stderr
    text = run_cli("query", str(path), "--sessions", check_rc=0).stdout.splitlines()
    assert text[1].split()[:3] == ["s-a", "Support", "/support"]


def test_sessions_with_unknown_cost_print_a_dash_and_json_null(tmp_path):
    tracer, exporter = new_tracer()
    with tracer.start_as_current_span("invoke_agent a", attributes={"session.id": "s-none"}):
        pass
    path = write_jsonl(tmp_path / "t.jsonl", exporter.get_finished_spans())
    (row,) = json.loads(run_cli("query", str(path), "--sessions", "--json", check_rc=0).stdout)
    assert row["cost_usd"] is None
    lines = run_cli("query", str(path), "--sessions", check_rc=0).stdout.splitlines()
    assert lines[0].split()[-1] == "cost" and lines[1].split()[0] == "s-none" and lines[1].split()[-1] == "-"
