"""Cases 5 and 6: what the export pipeline costs the application.

    .venv/bin/python bench/cases_pipeline.py [--case 5|6]

Case 5 runs the same span-producing code (a tool span with captured arguments, inside a
session) against two providers in one process: the one ``actiontrace.configure()`` builds
(session stamping on start, redaction, batch processor, JSONL files) and a plain SDK
provider with a ``BatchSpanProcessor`` and an exporter that discards. The clock is
``time.thread_time_ns``: CPU time of the application thread only, so the exporter's
background thread (JSON encoding, file writes) is left out, as the target asks; the batch
queues are flushed, untimed, between rounds so neither side ever drops spans.

Case 6 times ``RedactingSpanProcessor.redact_span`` on ended spans with 15 attributes
(three ~1 KB strings, no secret) against creating and ending the same spans on a bare
SDK provider. Every span has its own strings, so no cache in the redactor can help.
"""

from __future__ import annotations

import json
import random
import tempfile
import time

import _harness as H
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from actiontrace import _vocabulary as A

TOOL_ATTRS = {
    A.SPAN_TYPE: "tool",
    A.GEN_AI_OPERATION_NAME: "execute_tool",
    A.GEN_AI_TOOL_NAME: "search_database",
    A.GEN_AI_TOOL_TYPE: "function",
}


def case5() -> None:
    import actiontrace

    tmp = tempfile.mkdtemp(prefix="actiontrace-bench-")
    ours = actiontrace.configure(service_name="bench", jsonl_path=tmp, instrument=[], metrics=False)
    reference = TracerProvider()
    discard = H.DiscardExporter()
    reference.add_span_processor(BatchSpanProcessor(discard))

    def producer(tracer):
        def op():
            with tracer.start_as_current_span("execute_tool search_database", attributes=TOOL_ATTRS) as span:
                args = json.dumps({"query": "weather in Paris", "limit": 3})
                span.set_attributes({A.INPUT: args, A.GEN_AI_TOOL_CALL_ARGUMENTS: args})

        return op

    def flush():
        ours.force_flush()
        reference.force_flush()

    with actiontrace.session("bench-session", name="bench", path="/bench", user_id="u-1"):
        r = H.pair_result(
            "5", "configure() pipeline per span (app thread CPU)", producer(ours.get_tracer("bench")),
            producer(reference.get_tracer("bench")), limit=1.3, inner=500, rounds=31, clock=time.thread_time_ns,
            between=flush, reference_text="SDK + BatchSpanProcessor + discarding exporter",
            note="session stamping on start; batch -> redaction on the export thread -> JSONL; clock: thread CPU time")
    flush()
    files = sum(1 for _ in __import__("pathlib").Path(tmp).rglob("*.jsonl"))
    if not files or not discard.count:
        r.passed, r.note = False, r.note + f"; spans did not arrive (jsonl files {files}, discarded {discard.count})"
    r.emit()
    actiontrace.shutdown()

    reference.shutdown()


def _words(rng: random.Random, n: int) -> str:
    words = ("the agent called the search tool with the order number and got three results; shipping is "
             "delayed by two days, returns are allowed within thirty days, support is open 9:00-17:00 CET").split()
    out, size = [], 0
    while size < n:
        w = rng.choice(words)
        out.append(w)
        size += len(w) + 1
    return " ".join(out)


def span_attributes(i: int, rng: random.Random) -> dict:
    """15 attributes like an LLM/tool span: three ~1 KB strings, short strings, numbers."""
    payload = json.dumps({"query": _words(rng, 200), "results": [_words(rng, 150) for _ in range(4)],
                          "limit": 20})[:1000]
    return {
        A.INPUT: payload, A.GEN_AI_OUTPUT_MESSAGES: _words(rng, 1000), A.OUTPUT: "## Summary\n\n" + _words(rng, 1000),
        A.GEN_AI_REQUEST_MODEL: "gpt-4o-mini", A.GEN_AI_OPERATION_NAME: "chat",
        "gen_ai.response.id": f"chatcmpl-{i:010d}abcdef", A.GEN_AI_TOOL_CALL_ID: f"call_{i:08x}",
        "session.id": "3f0c8a9e-1b2d-4c5e-8f7a-9b0c1d2e3f4a", A.PATH: "/support-agent/search_database",
        A.SPAN_TYPE: "llm", "gen_ai.usage.input_tokens": 1200 + i % 7, "gen_ai.usage.output_tokens": 310,
        "actiontrace.cost.usd": 0.00123, "gen_ai.request.temperature": 0.2, "server.address": "api.openai.com",
    }


def case6() -> None:
    try:
        from actiontrace.redaction import RedactingSpanProcessor, Redactor
    except ImportError as exc:
        H.Result("6", "redaction of a 15-attribute span", note=f"skipped: {exc}", target="<= 0.25x").emit()
        return

    rng = random.Random(7)
    pool = [span_attributes(i, rng) for i in range(1000)]
    ended: list = []

    class Keep:
        def on_start(self, span, parent_context=None): ...
        def _on_ending(self, span): ...
        def on_end(self, span): ended.append(span)
        def shutdown(self): ...
        def force_flush(self, timeout_millis=0): return True

    made = TracerProvider()
    made.add_span_processor(Keep())
    tracer = made.get_tracer("bench")
    for attrs in pool:
        tracer.start_span("chat gpt-4o-mini", attributes=attrs).end()
    processor = RedactingSpanProcessor(Keep(), Redactor())
    untouched = sum(processor.redact_span(s) is s for s in ended)
    bare = TracerProvider().get_tracer("bench")  # no processors: the SDK's own create+end
    spans = iter(())
    attrs = iter(())

    def redact():
        nonlocal spans
        try:
            processor.redact_span(next(spans))
        except StopIteration:
            spans = iter(ended)
            processor.redact_span(next(spans))

    def create_end():
        nonlocal attrs
        try:
            a = next(attrs)
        except StopIteration:
            attrs = iter(pool)
            a = next(attrs)
        bare.start_span("chat gpt-4o-mini", attributes=a).end()

    r = H.pair_result("6", "redaction of a 15-attribute span (3x1 KB, no secret)", redact, create_end, limit=0.25,
                      inner=200, rounds=15, reference_text="the same span's create+end on the bare SDK",
                      note=f"{len(ended)} distinct spans; {untouched} passed through unchanged")
    r.passed = r.passed and untouched == len(ended)
    r.emit()


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", choices=("5", "6"), help="run only this case")
    args = ap.parse_args()
    if args.case != "5":
        case6()
    if args.case != "6":
        case5()


if __name__ == "__main__":
    main()
