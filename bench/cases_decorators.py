"""Cases 1–4: the decorator hot path against the same work written by hand on the SDK.

    .venv/bin/python bench/cases_decorators.py --mode sdk        # cases 1, 2, 4
    .venv/bin/python bench/cases_decorators.py --mode nosdk      # case 3, no SDK installed
    .venv/bin/python bench/cases_decorators.py --mode sampled-out  # case 3, SDK with ALWAYS_OFF

The OpenTelemetry API allows one global tracer provider per process, so each mode runs in its
own interpreter (run.py starts them). In ``sdk`` mode the pipeline is a real SDK
``TracerProvider`` with a ``SimpleSpanProcessor`` and an exporter that discards: the exporter's
own work stays out of the comparison, the SDK's span building stays in.
"""

from __future__ import annotations

import argparse
import asyncio
import json

import _harness as H
from opentelemetry import trace

from actiontrace import _vocabulary as A
from actiontrace.spans import _capture

TOOL = "search_database"
DESCRIPTION = "Look rows up in the database."
# What tool_spec gives a tool span at start (the reference sets the same by hand).
TOOL_ATTRS = {
    A.SPAN_TYPE: "tool",
    A.GEN_AI_OPERATION_NAME: "execute_tool",
    A.GEN_AI_TOOL_NAME: TOOL,
    A.GEN_AI_TOOL_TYPE: "function",
    A.GEN_AI_TOOL_DESCRIPTION: DESCRIPTION,
}
SPAN_NAME = f"execute_tool {TOOL}"


def body(query, limit):
    return {"rows": limit, "query": query}


def make_subjects():
    import actiontrace

    @actiontrace.tool(name=TOOL)
    def search_database(query: str, limit: int):
        """Look rows up in the database."""
        return body(query, limit)

    @actiontrace.tool(name=TOOL)
    async def search_async(query: str, limit: int):
        """Look rows up in the database."""
        return body(query, limit)

    @actiontrace.tool(name=TOOL)
    def search_gen(query: str, limit: int):
        """Look rows up in the database."""
        yield query
        yield limit
        yield body(query, limit)

    @actiontrace.tool(name=TOOL)
    async def search_agen(query: str, limit: int):
        """Look rows up in the database."""
        yield query
        yield limit
        yield body(query, limit)

    return search_database, search_async, search_gen, search_agen


def make_references(tracer, capture: bool):
    """The hand-written equivalents: start_as_current_span, same attributes, json.dumps of the same values."""

    def search_database(query, limit):
        with tracer.start_as_current_span(SPAN_NAME, attributes=TOOL_ATTRS) as span:
            if capture:
                args = json.dumps({"query": query, "limit": limit})
                span.set_attributes({A.INPUT: args, A.GEN_AI_TOOL_CALL_ARGUMENTS: args})
            result = body(query, limit)
            if capture:
                out = json.dumps(result)
                span.set_attributes({A.OUTPUT: out, A.GEN_AI_TOOL_CALL_RESULT: out})
            return result

    async def search_async(query, limit):
        with tracer.start_as_current_span(SPAN_NAME, attributes=TOOL_ATTRS) as span:
            if capture:
                args = json.dumps({"query": query, "limit": limit})
                span.set_attributes({A.INPUT: args, A.GEN_AI_TOOL_CALL_ARGUMENTS: args})
            result = body(query, limit)
            if capture:
                out = json.dumps(result)
                span.set_attributes({A.OUTPUT: out, A.GEN_AI_TOOL_CALL_RESULT: out})
            return result

    def search_gen(query, limit):
        with tracer.start_as_current_span(SPAN_NAME, attributes=TOOL_ATTRS) as span:
            if capture:
                args = json.dumps({"query": query, "limit": limit})
                span.set_attributes({A.INPUT: args, A.GEN_AI_TOOL_CALL_ARGUMENTS: args})
            yield query
            yield limit
            yield body(query, limit)
            span.set_attributes({A.ITEMS_YIELDED: 3, A.STREAM_COMPLETED: True})

    async def search_agen(query, limit):
        with tracer.start_as_current_span(SPAN_NAME, attributes=TOOL_ATTRS) as span:
            if capture:
                args = json.dumps({"query": query, "limit": limit})
                span.set_attributes({A.INPUT: args, A.GEN_AI_TOOL_CALL_ARGUMENTS: args})
            yield query
            yield limit
            yield body(query, limit)
            span.set_attributes({A.ITEMS_YIELDED: 3, A.STREAM_COMPLETED: True})

    return search_database, search_async, search_gen, search_agen


class LastSpan(H.DiscardExporter):
    """Discards, but keeps the last span so the bench can check both sides record the same."""

    last = None

    def export(self, spans):
        self.last = spans[-1]
        return super().export(spans)


def _async_batch(loop):
    def run(op, inner, clock):
        async def many():
            start = clock()
            for _ in range(inner):
                await op()
            return (clock() - start) / inner

        return loop.run_until_complete(many())

    return run


def _drain(gen_fn):
    def op():
        for _ in gen_fn("weather in Paris", 3):
            pass

    return op


def _adrain(agen_fn):
    async def op():
        async for _ in agen_fn("weather in Paris", 3):
            pass

    return op


def _same_keys(exporter: LastSpan, subject, reference) -> str:
    """Run each side once and compare the attribute keys of the spans they produced."""
    subject()
    got = set(exporter.last.attributes)
    reference()
    want = set(exporter.last.attributes)
    if got != want:
        return f"attribute keys differ: ours-only {sorted(got - want)}, reference-only {sorted(want - got)}"
    return ""


def run_sdk() -> None:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    exporter = LastSpan()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    tracer = trace.get_tracer("bench-reference")
    ours = make_subjects()
    q, n = "weather in Paris", 3

    # Case 1: capture on.
    _capture.settings.enabled = True
    ref = make_references(tracer, capture=True)
    mismatch = _same_keys(exporter, lambda: ours[0](q, n), lambda: ref[0](q, n))
    r = H.pair_result("1", "@tool sync, capture on, 2 small args", lambda: ours[0](q, n), lambda: ref[0](q, n),
                      limit=1.25, reference_text="start_as_current_span + json.dumps, same attributes",
                      note=mismatch)
    r.passed = r.passed and not mismatch
    r.emit()

    # Case 4: async, generator, async generator variants of case 1.
    loop = asyncio.new_event_loop()
    abatch = _async_batch(loop)
    for label, subject, reference, batch in (
        ("async function", lambda: ours[1](q, n), lambda: ref[1](q, n), abatch),
        ("generator, 3 items", _drain(ours[2]), _drain(ref[2]), None),
        ("async generator, 3 items", _adrain(ours[3]), _adrain(ref[3]), abatch),
    ):
        kw = {"batch": batch} if batch else {}
        if batch is None:
            mismatch = _same_keys(exporter, subject, reference)
        else:
            mismatch = _same_keys(exporter, lambda s=subject: loop.run_until_complete(s()),
                                  lambda r_=reference: loop.run_until_complete(r_()))
        note = "ours switches context around every step; the hand-written one leaks it between yields" \
            if "generator" in label else ""
        r = H.pair_result("4", f"@tool {label}, capture on", subject, reference, limit=1.3,
                          reference_text="hand-written start_as_current_span equivalent",
                          note="; ".join(x for x in (note, mismatch) if x), **kw)
        r.passed = r.passed and not mismatch
        r.emit()
    loop.close()

    # Case 2: capture off (the global switch, as configure(capture_content=False) sets it).
    _capture.settings.enabled = False
    ref = make_references(tracer, capture=False)
    mismatch = _same_keys(exporter, lambda: ours[0](q, n), lambda: ref[0](q, n))
    r = H.pair_result("2", "@tool sync, capture off", lambda: ours[0](q, n), lambda: ref[0](q, n), limit=1.15,
                      reference_text="bare start_as_current_span, same GenAI attributes", note=mismatch)
    r.passed = r.passed and not mismatch
    r.emit()
    _capture.settings.enabled = True
    provider.shutdown()


def run_not_recording(mode: str) -> None:
    if mode == "sampled-out":
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

        trace.set_tracer_provider(TracerProvider(sampler=ALWAYS_OFF))
        what = "@tool sync, capture on, span sampled out (SDK, ALWAYS_OFF)"
    else:
        what = "@tool sync, capture on, no SDK installed"
    _capture.settings.enabled = True
    tracer = trace.get_tracer("bench-reference")
    ours = make_subjects()[0]
    q, n = "weather in Paris", 3

    def reference():
        with tracer.start_as_current_span(SPAN_NAME, attributes=TOOL_ATTRS):
            return body(q, n)

    r = H.pair_result("3", what, lambda: ours(q, n), reference, limit=1.5,
                      reference_text="the API's own non-recording start_as_current_span")
    # Capture must be skipped entirely: count serialisation and argument binding.
    from actiontrace.spans import _calls

    counts = {"to_json": 0, "bind": 0}
    real_to_json, real_bind = _capture.to_json, _calls.Binder.bind

    def counting_to_json(*a, **k):
        counts["to_json"] += 1
        return real_to_json(*a, **k)

    def counting_bind(*a, **k):
        counts["bind"] += 1
        return real_bind(*a, **k)

    _capture.to_json, _calls.Binder.bind = counting_to_json, counting_bind
    try:
        for _ in range(1000):
            ours(q, n)
    finally:
        _capture.to_json, _calls.Binder.bind = real_to_json, real_bind
    skipped = counts["to_json"] == 0 and counts["bind"] == 0
    r.note = (f"capture skipped: {'yes' if skipped else 'NO'} "
              f"({counts['to_json']} to_json, {counts['bind']} bind calls in 1000 calls)")
    r.passed = r.passed and skipped
    r.emit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=("sdk", "nosdk", "sampled-out"), default="sdk")
    args = ap.parse_args()
    if args.mode == "sdk":
        run_sdk()
    else:
        run_not_recording(args.mode)


if __name__ == "__main__":
    main()
