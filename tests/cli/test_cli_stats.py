"""`actiontrace stats` numbers against values computed here from the spans we made."""

from __future__ import annotations

import json
import math
import random

import pytest
from opentelemetry import trace as api
from opentelemetry.trace import Status, StatusCode

from actiontrace import _vocabulary as A
from actiontrace.cli._histogram import LogHistogram
from support.cli_traces import build_agent_traces, new_tracer, run_cli, write_jsonl

MS = 1_000_000


def exact_quantile(values, q):
    ordered = sorted(values)
    return ordered[max(1, math.ceil(round(q * len(ordered), 9))) - 1]  # nearest rank


@pytest.fixture(scope="module")
def workload(tmp_path_factory):
    """60 traces: agent -> llm + tool calls with random latencies, errors, tokens and cost."""
    rng = random.Random(7)
    tracer, exporter = new_tracer()
    expected = {"tools": {}, "models": {}, "sessions": {}, "repeats": 0, "extra": 0, "limit_hits": 0}
    t = 1_750_000_000_000_000_000
    for i in range(60):
        session = f"sess-{i % 6}"
        common = {A.SESSION_ID: session}
        root = tracer.start_span("invoke_agent planner", start_time=t,
                                 attributes={**common, A.SPAN_TYPE: "agent", A.AGENT_ITERATIONS: 5,
                                             A.AGENT_MAX_ITERATIONS_REACHED: i % 4 == 0})
        expected["limit_hits"] += i % 4 == 0
        ctx = api.set_span_in_context(root)
        cursor = t + MS
        sess = expected["sessions"].setdefault(session, {"spans": 0, "errors": 0, "in": 0, "out": 0, "cost": 0.0})
        sess["spans"] += 1
        model = rng.choice(["gpt-4o", "gpt-4o-mini"])
        tin, tout, cost = rng.randint(10, 500), rng.randint(5, 200), round(rng.uniform(0.0001, 0.01), 6)
        llm = tracer.start_span(f"chat {model}", context=ctx, start_time=cursor,
                                attributes={**common, A.SPAN_TYPE: "llm", A.GEN_AI_REQUEST_MODEL: model,
                                            A.GEN_AI_USAGE_INPUT_TOKENS: tin, A.GEN_AI_USAGE_OUTPUT_TOKENS: tout,
                                            A.COST_USD: cost})
        dur = rng.randint(50, 3000) * MS
        llm.end(end_time=cursor + dur)
        cursor += dur
        m = expected["models"].setdefault(model, {"n": 0, "in": 0, "out": 0, "cost": 0.0})
        m["n"] += 1; m["in"] += tin; m["out"] += tout; m["cost"] += cost
        sess["spans"] += 1; sess["in"] += tin; sess["out"] += tout; sess["cost"] += cost
        calls = {}
        for _ in range(rng.randint(1, 6)):
            tool = rng.choice(["search", "fetch_page", "calculator"])
            args = json.dumps({"q": rng.choice(["a", "b", "c"])})
            calls[(tool, args)] = calls.get((tool, args), 0) + 1
            dur = int(rng.lognormvariate(4, 1.2) * MS) + 1
            span = tracer.start_span(f"execute_tool {tool}", context=ctx, start_time=cursor,
                                     attributes={**common, A.SPAN_TYPE: "tool", A.GEN_AI_TOOL_NAME: tool,
                                                 A.GEN_AI_TOOL_CALL_ARGUMENTS: args})
            failed = rng.random() < 0.15
            if failed:
                span.set_status(Status(StatusCode.ERROR, "boom"))
            span.end(end_time=cursor + dur)
            cursor += dur
            e = expected["tools"].setdefault(tool, {"durations": [], "errors": 0})
            e["durations"].append(dur / MS)
            e["errors"] += failed
            sess["spans"] += 1; sess["errors"] += failed
        for count in calls.values():
            if count > 1:
                expected["repeats"] += 1
                expected["extra"] += count - 1
        root.end(end_time=cursor + MS)
        t = cursor + 10 * MS
    path = write_jsonl(tmp_path_factory.mktemp("stats") / "t.jsonl", exporter.get_finished_spans(), per_line=3)
    return path, expected, len(exporter.get_finished_spans())


def test_per_tool_numbers_match_independent_computation(workload):
    path, expected, total = workload
    summary = json.loads(run_cli("stats", str(path), "--by", "tool", "--json", check_rc=0).stdout)
    assert summary["totals"]["count"] == total
    assert summary["totals"]["traces"] == 60
    groups = {g["key"]: g for g in summary["groups"]}
    assert set(groups) == set(expected["tools"])
    for tool, e in expected["tools"].items():
        g = groups[tool]
        durations = e["durations"]
        assert g["count"] == len(durations)
        assert g["errors"] == e["errors"]
        assert g["error_rate"] == pytest.approx(e["errors"] / len(durations))
        assert g["max_ms"] == pytest.approx(max(durations), abs=1e-3)
        # The digest promises 1% relative accuracy.
        assert g["p50_ms"] == pytest.approx(exact_quantile(durations, 0.5), rel=0.011)
        assert g["p95_ms"] == pytest.approx(exact_quantile(durations, 0.95), rel=0.011)
    # Slow tools are ordered by p95, slowest first.
    p95s = [g["p95_ms"] for g in summary["slow_tools"]]
    assert p95s == sorted(p95s, reverse=True)


def test_models_sessions_findings(workload):
    path, expected, _ = workload
    summary = json.loads(run_cli("stats", str(path), "--by", "model", "--json", check_rc=0).stdout)
    groups = {g["key"]: g for g in summary["groups"]}
    for model, e in expected["models"].items():
        assert groups[model]["count"] == e["n"]
        assert groups[model]["input_tokens"] == e["in"]
        assert groups[model]["output_tokens"] == e["out"]
        assert groups[model]["cost_usd"] == pytest.approx(e["cost"])
    sessions = {s["session_id"]: s for s in summary["sessions"]}
    assert set(sessions) == set(expected["sessions"])
    for sid, e in expected["sessions"].items():
        s = sessions[sid]
        assert (s["spans"], s["errors"], s["input_tokens"], s["output_tokens"], s["traces"]) == (
            e["spans"], e["errors"], e["in"], e["out"], 10)
        assert s["cost_usd"] == pytest.approx(e["cost"])
    rep = summary["repeated_tool_calls"]
    assert rep["findings"] == expected["repeats"] and rep["extra_calls"] == expected["extra"]
    assert all(f["calls"] >= 2 for f in rep["top"])
    [agent] = summary["iteration_limits"]
    assert agent["agent"] == "planner" and agent["runs"] == 60
    assert agent["limit_reached"] == expected["limit_hits"] == 15


def test_text_output_and_fail_on_error(tmp_path):
    tracer, exporter = new_tracer()
    trace_ctx = build_agent_traces(tracer)
    path = write_jsonl(tmp_path / "t.jsonl", exporter.get_finished_spans())
    proc = run_cli("stats", str(path), "--fail-on-error")
    assert proc.returncode == 1
    out = proc.stdout.splitlines()
    assert "  6 spans in 1 traces, 1 sessions; errors 1 (16.7%); tokens 320 in / 110 out; cost $0.0050" in out
    row = next(line for line in out if line.startswith("execute_tool search_database"))
    assert row.split() == ["execute_tool", "search_database", "3", "33.3%", "70.1", "ms", "399.5", "ms",
                           "400.0", "ms", "-", "-", "-"]
    tid = format(trace_ctx.trace_id, "032x")
    assert f'  2× search_database {{"q":"order 1"}}  trace {tid}' in out
    assert f"  support: 1 of 1 run(s) (100.0%)  e.g. trace {tid}" in out
    assert run_cli("stats", str(path), check_rc=0)


def test_histogram_accuracy_and_bounded_size():
    rng = random.Random(1)
    h = LogHistogram(0.01)
    values = [rng.lognormvariate(3, 2) for _ in range(50_000)] + [0.0] * 10
    for v in values:
        h.add(v)
    for q in (0.01, 0.25, 0.5, 0.9, 0.95, 0.99):
        assert h.quantile(q) == pytest.approx(exact_quantile(values, q), rel=0.0101)
    assert h.max == max(values) and h.min == 0.0 and h.count == len(values)
    before = h.bucket_count
    for _ in range(100_000):  # more values in the same range add no buckets
        h.add(rng.uniform(1, 100))
    assert h.bucket_count <= before + 5
    assert h.bucket_count < 2000
    empty = LogHistogram()
    assert empty.quantile(0.5) is None and empty.mean is None
    other = LogHistogram()
    other.add(5.0)
    empty.merge(other)
    assert empty.quantile(0.5) == pytest.approx(5.0, rel=0.01)
