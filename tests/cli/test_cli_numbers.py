"""One cost format and one token format across view, stats, query, tail and html: two significant
digits under a cent, ``-`` for an unknown cost or an absent token count."""

from __future__ import annotations

import json

from opentelemetry.trace import SpanKind

from actiontrace import _vocabulary as A
from support.cli_traces import new_tracer, run_cli, write_jsonl

T0 = 1_700_000_000_000_000_000
MS = 1_000_000


def test_cost_format():
    from actiontrace.cli._render import fmt_cost

    assert fmt_cost(None) == "-"
    assert fmt_cost(0) == "$0.00"  # recorded as free: known
    assert fmt_cost(2e-05) == "$0.000020"
    assert fmt_cost(6.7e-06) == "$0.0000067"
    assert fmt_cost(0.0000136) == "$0.000014"
    assert fmt_cost(9.96e-06) == "$0.000010"  # rounding to two digits carries into the next place
    assert fmt_cost(0.0015) == "$0.0015"
    assert fmt_cost(0.0099999) == "$0.010"
    assert fmt_cost(1.234) == "$1.23"
    assert fmt_cost(1234.5) == "$1,234.50"


def test_token_format():
    from actiontrace.cli._render import fmt_tokens

    assert fmt_tokens(10, 0) == "10→-"
    assert fmt_tokens(0, 0) == "-→-"
    assert fmt_tokens(1200, 30) == "1,200→30"


def _write(tmp_path, *, cost: bool = True):
    """One agent trace: a chat call that cost $0.00002 and an embeddings call without output tokens."""
    tracer, exporter = new_tracer()
    session = {A.SESSION_ID: "s-num"}
    root = tracer.start_span("invoke_agent numbers", start_time=T0, attributes={**session, A.SPAN_TYPE: "agent"})
    from opentelemetry import trace as api

    ctx = api.set_span_in_context(root)
    chat = {**session, A.SPAN_TYPE: "llm", A.GEN_AI_REQUEST_MODEL: "gpt-4o-mini",
            A.GEN_AI_USAGE_INPUT_TOKENS: 40, A.GEN_AI_USAGE_OUTPUT_TOKENS: 12}
    if cost:
        chat[A.COST_USD] = 0.00002
    tracer.start_span("chat gpt-4o-mini", kind=SpanKind.CLIENT, context=ctx, start_time=T0 + MS,
                      attributes=chat).end(end_time=T0 + 5 * MS)
    tracer.start_span("embeddings text-embedding-3-small", kind=SpanKind.CLIENT, context=ctx, start_time=T0 + 6 * MS,
                      attributes={**session, A.SPAN_TYPE: "llm", A.GEN_AI_REQUEST_MODEL: "text-embedding-3-small",
                                  A.GEN_AI_USAGE_INPUT_TOKENS: 10}).end(end_time=T0 + 7 * MS)
    root.end(end_time=T0 + 10 * MS)
    return write_jsonl(tmp_path / "t.jsonl", exporter.get_finished_spans())


def test_view_and_tail_print_small_costs_and_absent_tokens_alike(tmp_path):
    path = _write(tmp_path)
    for command in (("view",), ("tail", "--once")):
        lines = run_cli(*command, str(path), "--no-io", check_rc=0).stdout.splitlines()
        assert lines[0].endswith("· 10.0 ms · tokens 50→12 · $0.000020"), (command, lines[0])
        assert "tokens 40→12  $0.000020  unset" in lines[2]
        assert "embeddings text-embedding-3-small" in lines[3] and "tokens 10→-  unset" in lines[3]
        assert "e-0" not in "\n".join(lines)


def test_trace_without_any_cost_shows_none(tmp_path):
    path = _write(tmp_path, cost=False)
    out = run_cli("view", str(path), "--no-io", check_rc=0).stdout
    assert "$" not in out


def test_stats_and_query_use_the_same_format(tmp_path):
    path = _write(tmp_path)
    out = run_cli("stats", str(path), check_rc=0).stdout
    assert "cost $0.000020" in out and "e-0" not in out
    row = next(line for line in out.splitlines() if line.startswith("chat gpt-4o-mini"))
    assert row.split()[-1] == "$0.000020"
    row = next(line for line in out.splitlines() if line.startswith("embeddings"))
    assert row.split()[-1] == "-"  # no cost recorded: unknown, not $0.00
    summary = json.loads(run_cli("stats", str(path), "--json", check_rc=0).stdout)
    groups = {g["key"]: g for g in summary["groups"]}
    assert groups["chat gpt-4o-mini"]["cost_usd"] == 0.00002
    assert groups["embeddings text-embedding-3-small"]["cost_usd"] is None
    sessions = run_cli("query", str(path), "--sessions", check_rc=0).stdout.splitlines()
    assert sessions[1].split()[0] == "s-num" and sessions[1].split()[-1] == "$0.000020"


def test_stats_json_cost_is_null_when_nothing_is_priced(tmp_path):
    path = _write(tmp_path, cost=False)
    summary = json.loads(run_cli("stats", str(path), "--json", check_rc=0).stdout)
    assert summary["totals"]["cost_usd"] is None
    assert [s["cost_usd"] for s in summary["sessions"]] == [None]
