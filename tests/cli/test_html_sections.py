"""The page's data without a browser: each detail-section builder on spans as the reader gives them,
the source labels, and the traces' order and summary."""

from __future__ import annotations

import json

from actiontrace import _vocabulary as A
from actiontrace.cli import _html_detail as D
from actiontrace.cli._html_model import page_data, source_labels
from actiontrace.cli._tree import Trace
from actiontrace.reading._logs import LogRecord
from actiontrace.reading._reader import Span

T0 = 1_700_000_000_000_000_000
MS = 1_000_000


def span(name="chat gpt-4o", *, attributes=None, status=0, message="", events=None, parent="", start=0,
         span_id="b" * 16, trace_id="a" * 32, dur=100):
    return Span(trace_id, span_id, parent, name, 3, T0 + start * MS, T0 + (start + dur) * MS, dict(attributes or {}),
                status_code=status, status_message=message, events=events)


LLM = {
    A.SPAN_TYPE: "llm", A.GEN_AI_REQUEST_MODEL: "gpt-4o", A.GEN_AI_USAGE_INPUT_TOKENS: 40, A.COST_USD: 0.00002,
    A.GEN_AI_SYSTEM_INSTRUCTIONS: json.dumps([{"type": "text", "content": "Be brief."}]),
    A.GEN_AI_INPUT_MESSAGES: json.dumps([
        {"role": "user", "parts": [{"type": "text", "content": "Weather in Paris?"}]},
        {"role": "assistant", "parts": [{"type": "tool_call", "id": "c1", "name": "fetch_weather",
                                         "arguments": {"city": "Paris"}}]},
        {"role": "tool", "parts": [{"type": "tool_call_response", "id": "c1", "response": '{"temp": 18}'}]}]),
    A.GEN_AI_OUTPUT_MESSAGES: json.dumps([{"role": "assistant", "finish_reason": "stop",
                                           "parts": [{"type": "text", "content": "Sunny, 18."}]}]),
    A.GEN_AI_RESPONSE_FINISH_REASONS: ("stop",),
    A.GEN_AI_TOOL_DEFINITIONS: json.dumps([{"type": "function", "name": "fetch_weather"}]),
}


def test_conversation_in_order_with_tool_calls_results_and_numbers():
    s = D.conversation_section(span(attributes=LLM))
    assert [(m["role"], [p["type"] for p in m["parts"]]) for m in s["messages"]] == [
        ("system", ["text"]), ("user", ["text"]), ("assistant", ["tool_call"]), ("tool", ["tool_result"]),
        ("assistant", ["text"])]
    call, result = s["messages"][2]["parts"][0], s["messages"][3]["parts"][0]
    assert (call["name"], call["id"], json.loads(call["text"])) == ("fetch_weather", "c1", {"city": "Paris"})
    assert (result["id"], json.loads(result["text"])) == ("c1", {"temp": 18})
    assert s["messages"][-1] == {"role": "assistant", "parts": [{"type": "text", "text": "Sunny, 18."}],
                                 "output": True, "finish": "stop"}
    assert (s["model"], s["finish"], s["tokens"], s["cost"]) == ("gpt-4o", "stop", "40→-", "$0.000020")
    assert s["tools"] == ["fetch_weather"]


def test_conversation_of_an_unpriced_call_without_content():
    s = D.conversation_section(span(attributes={A.SPAN_TYPE: "llm", A.GEN_AI_REQUEST_MODEL: "local"}))
    assert s["messages"] == [] and s["cost"] == "-" and s["tokens"] == "-→-"
    assert D.conversation_section(span("work", attributes={A.SPAN_TYPE: "action"})) is None


def test_long_text_is_cut_with_the_count_of_the_rest():
    text = "x" * (D.TEXT_LIMIT + 5)
    attrs = {A.GEN_AI_INPUT_MESSAGES: json.dumps([{"role": "user", "parts": [{"type": "text", "content": text}]}])}
    part = D.conversation_section(span(attributes=attrs))["messages"][0]["parts"][0]
    assert part["text"] == "x" * D.TEXT_LIMIT + "… (5 more characters)"


def test_tool_arguments_and_result_pretty_printed():
    tool = span("execute_tool search", attributes={A.SPAN_TYPE: "tool", A.GEN_AI_TOOL_NAME: "search",
                                                   A.GEN_AI_TOOL_CALL_ARGUMENTS: '{"q":"shoes"}',
                                                   A.OUTPUT: '{"rows":[1]}'})
    assert D.io_section(tool) == {"kind": "tool", "name": "search", "rows": [
        ["arguments", '{\n  "q": "shoes"\n}'], ["result", '{\n  "rows": [\n    1\n  ]\n}']]}
    agent = D.io_section(span("invoke_agent a", attributes={A.SPAN_TYPE: "agent", A.INPUT: '"hi"'}))
    assert agent == {"kind": "io", "name": "", "rows": [["input", "hi"]]}
    assert D.io_section(span(attributes={A.SPAN_TYPE: "llm"})) is None


def test_error_from_the_exception_event_else_the_status():
    event = {"name": "exception", "attributes": {"exception.type": "TimeoutError", "exception.message": "slow",
                                                 "exception.stacktrace": "Traceback ...\nTimeoutError: slow\n"}}
    s = D.error_section(span(status=2, message="TimeoutError: slow", events=[event]))
    assert s == {"kind": "error", "type": "TimeoutError", "message": "slow", "stack": "Traceback ...\nTimeoutError: slow\n"}
    bare = D.error_section(span(status=2, message="ValueError: bad", attributes={A.ERROR_TYPE: "ValueError"}))
    assert (bare["type"], bare["message"], bare["stack"]) == ("ValueError", "bad", "")
    assert D.error_section(span()) is None


def test_events_and_attributes():
    s = span(attributes=LLM, events=[{"name": "retry", "attributes": {"attempt": 2}}])
    s.log_records = [LogRecord(event_name=A.GEN_AI_INFERENCE_DETAILS_EVENT, attributes={})]
    assert D.events_section(s)["items"] == [
        {"name": A.GEN_AI_INFERENCE_DETAILS_EVENT, "line": A.GEN_AI_INFERENCE_DETAILS_EVENT},
        {"name": "retry", "line": "attempt=2"}]
    keys = [k for k, _ in D.attributes_section(s)["rows"]]
    assert A.GEN_AI_REQUEST_MODEL in keys and A.GEN_AI_INPUT_MESSAGES not in keys  # content is shown above
    assert [x["kind"] for x in D.detail_sections(s)] == ["conversation", "events", "attributes"]


def test_source_labels(tmp_path):
    assert source_labels(["traces/"]) == ["traces"]
    assert source_labels([str(tmp_path / "eu" / "traces"), str(tmp_path / "us" / "traces")]) == [
        "eu/traces", "us/traces"]
    assert source_labels(["-", "a.jsonl"]) == ["stdin", "a.jsonl"]


def _trace(i: int, *, error: bool = False, cost: float | None = None) -> Trace:
    tid = f"{i:032x}"
    attrs = {A.SPAN_TYPE: "llm", A.GEN_AI_USAGE_INPUT_TOKENS: 10}
    if cost is not None:
        attrs[A.COST_USD] = cost
    root = span(f"invoke_agent a{i}", trace_id=tid, span_id=f"{i:016x}", start=i * 1000,
                attributes={A.SPAN_TYPE: "agent", A.SESSION_ID: f"s{i}"}, status=2 if error else 0)
    child = span("chat", trace_id=tid, span_id=f"{i + 1000:016x}", parent=root.span_id, start=i * 1000 + 1,
                 dur=10, attributes=attrs)
    return Trace(tid, [root, child])


def test_traces_newest_first_capped_and_summarised():
    traces = [_trace(i, error=(i in (3, 60)), cost=0.001 if i % 2 else None) for i in range(70)]
    data = page_data(traces, {"totals": {}, "groups": [], "sessions": []}, ["t.jsonl"], title="t", max_traces=50)
    assert data["traces_total"] == 70 and len(data["traces"]) == 50
    assert [t["name"] for t in data["traces"][:2]] == ["invoke_agent a69", "invoke_agent a68"]
    assert data["traces"][-1]["name"] == "invoke_agent a20"
    odd, even = data["traces"][0], data["traces"][1]
    assert (odd["dur"], odd["tokens"], odd["cost"], odd["session"]) == (100.0, "10→-", "$0.0010", "s69")
    assert even["cost"] is None  # no span priced: unknown, not $0.00
    errors = {t["name"]: t["errors"] for t in data["traces"] if t["errors"]}
    assert errors == {"invoke_agent a60": 1}  # a3 is older than the cap
    assert data["stats"]["totals"]["cost_text"] == "-"
