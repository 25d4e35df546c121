"""`actiontrace view` (and the command's shared behaviour) run as a subprocess on real SDK spans."""

from __future__ import annotations

import pytest
from opentelemetry import trace as api

from support.cli_traces import build_agent_traces, new_tracer, run_cli, write_jsonl

SUBCOMMANDS = ["view", "stats", "query", "tail", "html", "replay"]


@pytest.fixture()
def two_traces(tmp_path):
    tracer, exporter = new_tracer()
    failing = build_agent_traces(tracer, session_id="s-1")
    clean = build_agent_traces(tracer, session_id="s-2", fail_tool=False)
    path = write_jsonl(tmp_path / "t.jsonl", exporter.get_finished_spans())
    return path, format(failing.trace_id, "032x"), format(clean.trace_id, "032x")


def test_tree_lines(two_traces):
    path, failing, _ = two_traces
    out = run_cli("view", str(path), "--trace", failing[:8], check_rc=0).stdout
    lines = out.splitlines()
    assert lines[0] == (f"trace {failing} · session s-1 · 6 spans · 2.00 s · tokens 320→110 · $0.0050 · 1 error")
    assert lines[1] == "└─ invoke_agent support  agent  2.00 s  100%  iterations 3 (limit reached)  ok"
    assert lines[2] == '   │ in: {"question": "where is my order?"}'
    assert lines[3] == "   ├─ chat gpt-4o  llm  200.0 ms  10.0%  tokens 120→30  $0.0015  unset"
    assert lines[4] == "   ├─ execute_tool search_database  tool  50.0 ms  2.5%  unset"
    assert lines[5] == '   │    out: {"rows": 0}'
    assert "   ├─ execute_tool search_database  tool  400.0 ms  20.0%  ERROR TimeoutError: database timed out" in lines
    assert lines[-1] == "   └─ chat gpt-4o  llm  100.0 ms  5.0%  tokens 200→80  $0.0035  unset"
    assert "\x1b[" not in out  # piped: plain text


def test_color_always_adds_ansi(two_traces):
    path, _, _ = two_traces
    out = run_cli("view", str(path), "--color", "always", check_rc=0).stdout
    assert "\x1b[1m" in out and "\x1b[31;1m" in out


def test_filters_errors_depth(two_traces):
    path, failing, clean = two_traces
    proc = run_cli("view", str(path), "--errors")
    assert proc.returncode == 1  # findings asked for and found
    assert failing in proc.stdout and clean not in proc.stdout
    proc = run_cli("view", str(path), "--session", "s-2", "--depth", "0", "--no-io", check_rc=0)
    assert proc.stdout.splitlines() == [
        f"trace {clean} · session s-2 · 6 spans · 2.00 s · tokens 320→110 · $0.0050",
        "└─ invoke_agent support  agent  2.00 s  100%  iterations 3 (limit reached)  ok",
        "   … 5 more span(s) below",
    ]
    proc = run_cli("view", str(path), "--session", "nobody", check_rc=0)
    assert proc.stdout == "" and "no matching traces" in proc.stderr
    # --errors with nothing found is not a finding.
    assert run_cli("view", str(path), "--errors", "--session", "s-2").returncode == 0


def test_missing_parent_is_shown_under_placeholder(tmp_path):
    tracer, exporter = new_tracer()
    root = tracer.start_span("request")
    ctx = api.set_span_in_context(root)
    child = tracer.start_span("lost-child", context=ctx)
    grandchild = tracer.start_span("grandchild", context=api.set_span_in_context(child))
    grandchild.end()
    child.end()
    root.end()
    spans = [s for s in exporter.get_finished_spans() if s.name != "request"]  # the root was "dropped"
    path = write_jsonl(tmp_path / "t.jsonl", spans)
    lines = run_cli("view", str(path), check_rc=0).stdout.splitlines()
    root_id = format(root.get_span_context().span_id, "016x")
    assert lines[1].startswith(f"└─ ⟨missing parent {root_id}⟩")
    assert lines[2].startswith("   └─ lost-child  internal")
    assert lines[3].startswith("      └─ grandchild  internal")


def test_torn_and_corrupt_lines_are_skipped_with_warning(two_traces):
    path, _, _ = two_traces
    good = path.read_text().splitlines(keepends=True)
    damaged = path.with_name("damaged.jsonl")
    damaged.write_text(good[0] + "this is not json\n" + "".join(good[1:]) + good[0][: len(good[0]) // 2])
    proc = run_cli("view", str(damaged), check_rc=0)
    assert proc.stdout.count("trace ") == 2
    warnings = [w for w in proc.stderr.splitlines() if "warning" in w]
    assert len(warnings) == 2
    assert f"{damaged}:2: skipped unreadable line" in warnings[0]
    assert f"{damaged}:{len(good) + 2}: skipped unreadable line (torn last line)" in warnings[1]


def test_stdin_and_directory_inputs(two_traces):
    path, failing, clean = two_traces
    proc = run_cli("view", "-", input=path.read_text(), check_rc=0)
    assert failing in proc.stdout and clean in proc.stdout
    proc = run_cli("view", str(path.parent), check_rc=0)
    assert proc.stdout.count("└─ invoke_agent support") == 2


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help_on_every_subcommand(command):
    proc = run_cli(command, "--help", check_rc=0)
    assert proc.stdout.startswith(f"usage: actiontrace {command}")


def test_usage_errors_exit_2(tmp_path):
    assert run_cli().returncode == 2
    assert run_cli("frobnicate").returncode == 2
    assert run_cli("view", "--depth", "x").returncode == 2
    proc = run_cli("view", str(tmp_path / "absent.jsonl"))
    assert proc.returncode == 2 and "no such file" in proc.stderr
    assert run_cli("query", str(tmp_path), "--since", "whenever").returncode == 2
    assert run_cli("--help").returncode == 0


def test_import_actiontrace_does_not_load_the_cli():
    import subprocess
    import sys

    from support.cli_traces import cli_env

    code = ("import sys, actiontrace, actiontrace.reading._query; "
            "bad = sorted(m for m in sys.modules if m.startswith(('actiontrace.cli', 'rich'))); "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(), timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_small_costs_keep_significant_digits():
    from actiontrace.cli._render import fmt_cost

    assert fmt_cost(0.0000136) == "$0.000014"
    assert fmt_cost(0.0015) == "$0.0015"
    assert fmt_cost(None) == "-"
    assert fmt_cost(1234.5) == "$1,234.50"


def test_llm_messages_summarised_when_no_captured_input():
    from actiontrace.cli._view import last_message

    msgs = '[{"role":"user","parts":[{"type":"text","content":"hi"}]},' \
           '{"role":"assistant","parts":[{"type":"tool_call","name":"fetch_weather","id":"c1","arguments":{"city":"Paris"}}]}]'
    assert last_message(msgs) == 'assistant: fetch_weather({"city": "Paris"})'
    assert last_message("not json") == "not json"
    assert last_message(None) is None
