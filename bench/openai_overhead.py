"""Added time per OpenAI chat call from the instrumentation, measured against the same calls
uninstrumented, in the same run, served by a local OpenAI-compatible server on 127.0.0.1.

Small batches alternate (plain, instrumented, plain, ...) so drift hits both sides; every
call is timed and each side's figure is the median per-call time (robust to the scheduling
spikes of a shared machine), with the mean shown too. Spans go through a real SDK
TracerProvider and BatchSpanProcessor to an exporter that discards them.

    .venv/bin/python bench/openai_overhead.py [--calls 300] [--rounds 7] [--capture] [--stream]

Target: the instrumented call costs at most 5% more than the plain one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))
sys.path.insert(0, os.path.join(ROOT, "examples"))

import openai  # noqa: E402
from opentelemetry import trace  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult  # noqa: E402

from actiontrace.instrumentation.openai import OpenAIInstrumentor  # noqa: E402
from fake_openai_server import FakeOpenAIServer  # noqa: E402


class Discard(SpanExporter):
    def __init__(self) -> None:
        self.count = 0

    def export(self, spans):
        self.count += len(spans)
        return SpanExportResult.SUCCESS


def run_batch(client: openai.OpenAI, calls: int, stream: bool, out: list) -> None:
    messages = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Say hello to the bench"}]
    clock = time.perf_counter
    for _ in range(calls):
        start = clock()
        if stream:
            for _ in client.chat.completions.create(model="gpt-4o-mini", messages=messages, stream=True):
                pass
        else:
            client.chat.completions.create(model="gpt-4o-mini", messages=messages, temperature=0.2)
        out.append(clock() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=20, help="calls per batch")
    parser.add_argument("--rounds", type=int, default=60, help="batches per side")
    parser.add_argument("--capture", action="store_true", help="record message content too")
    parser.add_argument("--stream", action="store_true", help="streamed calls instead of plain ones")
    args = parser.parse_args()
    os.environ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "true" if args.capture else "false"

    exporter = Discard()
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    instrumentor = OpenAIInstrumentor()

    plain, traced = [], []
    with FakeOpenAIServer() as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="bench", max_retries=0)
        instrumentor.instrument()
        run_batch(client, 50, args.stream, [])  # warm up connections, imports and caches
        instrumentor.uninstrument()
        run_batch(client, 50, args.stream, [])
        for _ in range(args.rounds):
            run_batch(client, args.calls, args.stream, plain)
            instrumentor.instrument()
            run_batch(client, args.calls, args.stream, traced)
            instrumentor.uninstrument()
        client.close()
    provider.force_flush()
    base, inst = statistics.median(plain), statistics.median(traced)
    added = inst - base
    print(f"calls/side={len(plain)} (batches of {args.calls}) stream={args.stream} capture={args.capture} "
          f"spans exported={exporter.count}")
    print(f"plain        {base * 1e6:9.1f} us/call median ({statistics.fmean(plain) * 1e6:.1f} mean)")
    print(f"instrumented {inst * 1e6:9.1f} us/call median ({statistics.fmean(traced) * 1e6:.1f} mean)")
    print(f"added        {added * 1e6:9.1f} us/call ({added / base * 100:+.2f}%), target <= 5%")
    provider.shutdown()
    return 0 if added / base <= 0.05 else 1


if __name__ == "__main__":
    sys.exit(main())
