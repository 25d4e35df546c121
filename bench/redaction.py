"""Cost of redacting one span, as a ratio of the SDK's own cost to create and end it.

The span: 15 attributes like an LLM/tool span — three ~1 KB strings without secrets
(chat prose, a JSON tool payload, a markdown answer), short strings (model, ids that
change per span, paths), ints and floats. Redaction is measured the way exporters see
it: ``RedactingSpanProcessor.redact_span`` on the ended ``ReadableSpan`` (the span has
nothing to redact, so it is passed on as-is). Both figures are the best of several
repeats, taken in the same run.

    .venv/bin/python bench/redaction.py
"""

from __future__ import annotations

import json
import random
import time
import uuid

from opentelemetry.sdk.trace import TracerProvider

from actiontrace.redaction import RedactingSpanProcessor, Redactor

WORDS = (
    "the agent called the search tool with the customer's order number and received three results; "
    "it then summarised them: shipping is delayed by two days, the refund policy allows returns within "
    "thirty days, and the support team (open 9:00-17:00 CET) can be reached by chat. I think the answer "
    "should mention the delay first. Next step - draft a reply, check the tone, and send it."
).split()


def prose(n: int, rng: random.Random) -> str:
    out: list[str] = []
    while sum(len(w) + 1 for w in out) < n:
        out.append(rng.choice(WORDS))
    return " ".join(out)


def payload(rng: random.Random) -> str:
    doc = {
        "query": prose(200, rng),
        "filters": {"region": "eu-west-1", "status": ["open", "pending"], "limit": 20, "include_archived": False},
        "results": [{"id": str(uuid.UUID(int=rng.getrandbits(128))), "title": prose(60, rng), "score": 0.87}
                    for _ in range(4)],
        "model": "gpt-4o-mini", "temperature": 0.2, "max_tokens": 512,
    }
    return json.dumps(doc)[:1000]


def markdown(rng: random.Random) -> str:
    return ("## Summary\n\n- " + prose(300, rng) + "\n- " + prose(300, rng) + "\n\n```python\nresult = search(query, limit=5)\n```\n"
            + prose(280, rng))


def best(fn, n: int, repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(n)
        times.append((time.perf_counter() - t0) / n)
    return min(times)


def main() -> None:
    rng = random.Random(7)
    big = [prose(1000, rng), payload(rng), markdown(rng)]
    print("string lengths:", [len(s) for s in big])
    provider = TracerProvider()
    tracer = provider.get_tracer("bench")

    def attrs(i: int) -> dict:
        return {
            "actiontrace.input": big[1], "gen_ai.output.messages": big[0], "actiontrace.output": big[2],
            "gen_ai.request.model": "gpt-4o-mini", "gen_ai.operation.name": "chat",
            "gen_ai.response.id": f"chatcmpl-{i:010d}abcdef", "gen_ai.tool.call.id": f"call_{i:08x}",
            "session.id": "3f0c8a9e-1b2d-4c5e-8f7a-9b0c1d2e3f4a", "actiontrace.path": "/support-agent/search_database",
            "actiontrace.span.type": "llm", "gen_ai.usage.input_tokens": 1200 + i % 7,
            "gen_ai.usage.output_tokens": 310, "actiontrace.cost.usd": 0.00123, "gen_ai.request.temperature": 0.2,
            "server.address": "api.openai.com",
        }

    prepared = [attrs(i) for i in range(2000)]
    ended = []

    def create_end(n: int) -> None:
        for i in range(n):
            s = tracer.start_span("chat gpt-4o-mini", attributes=prepared[i % 2000])
            s.end()

    class Keep:
        def on_start(self, span, parent_context=None): ...
        def on_end(self, span): ended.append(span)
        def shutdown(self): ...
        def force_flush(self, timeout_millis=0): return True
        def _on_ending(self, span): ...

    keep = Keep()
    provider.add_span_processor(keep)
    create_end(2000)
    provider._active_span_processor._span_processors = ()  # measure the bare SDK below
    spans = list(ended)
    processor = RedactingSpanProcessor(keep, Redactor())

    def redact(n: int) -> None:
        rs = processor.redact_span
        for i in range(n):
            rs(spans[i % 2000])

    assert all(processor.redact_span(s) is s for s in spans), "bench span unexpectedly had something to redact"
    redact(2000)  # warm caches the way a running process has them
    sdk = best(create_end, 2000)
    red = best(redact, 2000)
    print(f"SDK create+end: {sdk * 1e6:.2f} us/span")
    print(f"redaction:      {red * 1e6:.2f} us/span")
    print(f"ratio:          {red / sdk:.3f}x (target <= 0.25x)")


if __name__ == "__main__":
    main()
