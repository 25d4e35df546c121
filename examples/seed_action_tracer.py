"""`ActionTracer` entries and the redacting `JSONLExporter`.

Runs offline. Every `tracer.trace(...)` block is a real span (in ./traces, or
$ACTIONTRACE_JSONL_PATH, with the other spans) and an entry in the tracer's ring; the
`@actiontrace.llm` call inside the block is an entry too. Entries are written, redacted,
to <trace dir>/actions/actions-YYYY-MM-DD.jsonl.
"""

from __future__ import annotations

import asyncio
import json
import os

import actiontrace
from actiontrace.seeds import ActionTracer, JSONLExporter


class LocalLLM:
    @actiontrace.llm(model="local-model")
    async def complete(self, messages: list) -> str:
        await asyncio.sleep(0.01)
        actiontrace.record_usage(input_tokens=12, output_tokens=9)
        return "Paris is the capital of France. " * 8


async def main() -> None:
    trace_dir = os.environ.get("ACTIONTRACE_JSONL_PATH", "traces")
    actiontrace.configure(service_name="seed-action-tracer")
    # Entries go to their own directory so `actiontrace view <trace dir>` does not list
    # each action twice (as a span and as an entry).
    exporter = JSONLExporter(os.path.join(trace_dir, "actions"), max_summary_chars=100)
    tracer = ActionTracer(max_entries=100)
    exporter.attach(tracer)
    tracer.subscribe(lambda entry: print(f"{entry.action:<16} {entry.operation:<20} {entry.duration_ms:8.2f} ms  {entry.status}"))

    llm = LocalLLM()
    messages = [{"role": "user", "content": "What is the capital of France?"}]
    with tracer.trace("llm_call", operation="complete", conversation_id="conv-1") as span:
        result = await llm.complete(messages)
        span.output_summary = result[:100]

    # api_key is a sensitive metadata key: it is redacted in the file, not in memory.
    async with tracer.trace("connector_query", connector="postgres", asset_id="orders",
                            api_key="sk-example-not-a-real-key-0123456789") as span:
        span.output_summary = "3 rows"

    try:
        with tracer.trace("tool_call", operation="divide"):
            1 / 0
    except ZeroDivisionError:
        pass

    print(json.dumps(tracer.summary()[-1], indent=2))
    actiontrace.shutdown()
    exporter.close()
    print("entries written to", exporter.current_path)


if __name__ == "__main__":
    asyncio.run(main())
