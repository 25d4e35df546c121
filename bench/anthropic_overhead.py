"""Anthropic instrumentation overhead: what our span adds to a ``messages.create`` call, against
what a hand-written SDK span with the same attributes adds, measured in the same rounds.

The client talks to an in-memory transport that answers every request with the same recorded
Message (no socket: the call's own time is the client's work, so the span's share shows).
Three sides run in interleaved rounds, each a batch of calls, their order rotating per round:

- ``plain``: the client with our wrapper passing through (``_wrappers.provider.active = False``);
- ``ours``: the instrumented call;
- ``hand``: the plain call inside ``tracer.start_as_current_span`` with the same name, kind and
  ~15 attributes ours records (request ones at start, response, usage and cost at the end).

The client's own spans (anthropic 1.x and later) are off for all three (``open_telemetry=False``).
The pipeline is ``configure()``'s: ``SessionSpanProcessor``, then ``BatchSpanProcessor`` with
redaction in front of a discarding exporter, flushed untimed after each batch. Reported: the
median per call of each side, and the median over rounds of (ours - plain) / (hand - plain),
the target being <= 1.15.

    .venv/bin/python bench/anthropic_overhead.py [--rounds 15] [--calls 200] [--stream]
    .venv/bin/python bench/anthropic_overhead.py --instructions 200 [--stream]

``--instructions`` counts instructions per call under callgrind instead of timing
(``_harness.callgrind_per_call``: plain, ours, by hand; calling thread and all threads), which
a shared machine's load does not move; the ratio printed is (ours - plain) / (hand - plain).
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import os
import statistics
import sys
import time

import _harness as H  # (also puts src/ on the path)
import anthropic
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind

from actiontrace.instrumentation.anthropic import AnthropicInstrumentor, _wrappers
from actiontrace.processors._session import SessionSpanProcessor
from actiontrace.redaction import RedactingSpanExporter

MODEL = "claude-haiku-4-5-20251001"
MESSAGE = {"id": "msg_bench", "type": "message", "role": "assistant", "model": MODEL,
           "content": [{"type": "text", "text": "Hello! How can I help you today?"}], "stop_reason": "end_turn",
           "stop_sequence": None, "usage": {"input_tokens": 12, "cache_read_input_tokens": 0,
                                            "cache_creation_input_tokens": 0, "output_tokens": 10}}
ASK = {"model": MODEL, "max_tokens": 256, "messages": [{"role": "user", "content": "Hello"}]}



def _events() -> bytes:
    events = [{"type": "message_start", "message": {**MESSAGE, "content": [], "stop_reason": None}},
              {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}]
    events += [{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": w}}
               for w in ("Hello!", " How", " can", " I", " help?")]
    events += [{"type": "content_block_stop", "index": 0},
               {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 10}},
               {"type": "message_stop"}]
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode()


def make_client(stream: bool) -> anthropic.Anthropic:
    """A client whose transport answers in memory (httpx2 for 1.x and later, httpx for 0.x)."""
    from anthropic import _base_client

    httpx = getattr(_base_client, "httpx2", None) or _base_client.httpx
    body = _events() if stream else json.dumps(MESSAGE).encode()
    kind = "text/event-stream" if stream else "application/json"

    def handler(request):
        return httpx.Response(200, headers={"content-type": kind}, content=body)

    kwargs = {"base_url": "http://bench.invalid", "api_key": "t", "max_retries": 0,
              "http_client": httpx.Client(transport=httpx.MockTransport(handler))}
    if "open_telemetry" in inspect.signature(anthropic.Anthropic.__init__).parameters:
        kwargs["open_telemetry"] = False  # the client's own spans stay out of all three sides
    return anthropic.Anthropic(**kwargs)


def hand_written(call, tracer):
    """The plain call in a hand-written span with the attributes ours records."""
    def run():
        attrs = {"actiontrace.span.type": "llm", "gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic",
                 "gen_ai.request.model": MODEL, "server.address": "bench.invalid", "server.port": 80,
                 "gen_ai.request.max_tokens": 256}
        with tracer.start_as_current_span(f"chat {MODEL}", kind=SpanKind.CLIENT, attributes=attrs) as span:
            message = call()
            usage = message.usage
            read = usage.cache_read_input_tokens or 0
            written = usage.cache_creation_input_tokens or 0
            span.set_attributes({
                "gen_ai.response.id": message.id, "gen_ai.response.model": message.model,
                "gen_ai.response.finish_reasons": ["stop"],
                "gen_ai.usage.input_tokens": usage.input_tokens + read + written,
                "gen_ai.usage.output_tokens": usage.output_tokens,
                "gen_ai.usage.cache_read.input_tokens": read, "gen_ai.usage.cache_creation.input_tokens": written,
                "actiontrace.cost.usd": (usage.input_tokens * 1 + usage.output_tokens * 5) / 1e6})
        return message
    return run


def pipeline() -> tuple[TracerProvider, BatchSpanProcessor]:
    """configure()'s span pipeline, exporting nowhere."""
    provider = TracerProvider()
    provider.add_span_processor(SessionSpanProcessor())
    batch = BatchSpanProcessor(RedactingSpanExporter(H.DiscardExporter()), max_queue_size=65536)
    provider.add_span_processor(batch)
    trace.set_tracer_provider(provider)
    return provider, batch


def measure(sides: dict, rounds: int, calls: int, batch: BatchSpanProcessor) -> tuple[dict, list]:
    """ns per call of each side per round (order rotating), and the per-round added-time ratios."""
    times: dict[str, list[float]] = {name: [] for name in sides}
    ratios: list[float] = []
    names = list(sides)
    for name in names * 2:  # warm-up
        for _ in range(calls // 4):
            sides[name]()
    batch.force_flush()
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            gc.collect()
            gc.disable()
            start = time.perf_counter_ns()
            for _ in range(calls):
                sides[name]()
            times[name].append((time.perf_counter_ns() - start) / calls)
            gc.enable()
            batch.force_flush()  # the export thread's work stays out of the next batch
        if "hand" in times and times["hand"][-1] > times["plain"][-1]:
            ratios.append((times["ours"][-1] - times["plain"][-1]) / (times["hand"][-1] - times["plain"][-1]))
    return times, ratios


def instructions(args) -> None:
    """Instructions per call of the three sides under callgrind (each in its own child)."""
    def command(mode: str, calls: int) -> list[str]:
        return [sys.executable, os.path.abspath(__file__), "--loop", mode, "--loop-calls", str(calls)] \
            + ["--stream"] * args.stream

    kind = "streamed" if args.stream else "not streamed"
    H.report_instructions(command, args.instructions, with_hand=not args.stream,
                          title=f"anthropic {anthropic.__version__}, in-memory transport, {kind}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5 if H.QUICK else 15)
    ap.add_argument("--calls", type=int, default=100 if H.QUICK else 200)
    ap.add_argument("--stream", action="store_true", help="create(stream=True), read to the end")
    ap.add_argument("--instructions", type=int, metavar="CALLS", default=0,
                    help="instead: instructions per call under callgrind over CALLS extra calls (e.g. 200)")
    ap.add_argument("--loop", choices=("plain", "traced", "hand", "keys"), help=argparse.SUPPRESS)
    ap.add_argument("--loop-calls", type=int, default=100, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.instructions:
        instructions(args)
        return 0

    provider, batch = pipeline()
    AnthropicInstrumentor().instrument()
    client = make_client(args.stream)
    hand_call = hand_written(lambda: client.messages.create(**ASK), provider.get_tracer("bench.hand"))

    def call():
        if args.stream:
            for _ in client.messages.create(**ASK, stream=True):
                pass
        else:
            client.messages.create(**ASK)

    def plain():
        _wrappers.provider.active = False
        call()

    def ours():
        _wrappers.provider.active = True
        call()

    def hand():
        _wrappers.provider.active = False
        hand_call()

    if args.loop == "keys":  # not counted: both sides must make spans with the same attribute keys
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        kept = InMemorySpanExporter()
        provider.add_span_processor(SimpleSpanProcessor(kept))
        ours()
        hand()
        mine, theirs = (sorted(span.attributes) for span in kept.get_finished_spans())
        print("attribute keys: same" if mine == theirs else f"attribute keys differ: ours {mine}, by hand {theirs}")
        return 0 if mine == theirs else 1
    if args.loop:  # a child of --instructions: one side, --loop-calls calls
        side = {"plain": plain, "traced": ours, "hand": hand}[args.loop]
        for _ in range(args.loop_calls):
            side()
        provider.shutdown()
        return 0
    sides = {"plain": plain, "ours": ours} if args.stream else {"plain": plain, "ours": ours, "hand": hand}
    times, ratios = measure(sides, args.rounds, args.calls, batch)
    _wrappers.provider.active = True
    med = {name: statistics.median(values) for name, values in times.items()}
    kind = "streamed" if args.stream else "not streamed"
    print(f"anthropic {anthropic.__version__}, {kind}, {args.rounds} rounds x {args.calls} calls, us/call (median):")
    for name, value in med.items():
        print(f"{name:<6} {value / 1e3:8.1f} us/call  added {(value - med['plain']) / 1e3:+7.1f} us")
    if ratios:
        ratio = statistics.median(ratios)
        print(f"ratio  ours added / hand-written added: {ratio:.2f} (median of rounds; target <= 1.15)")
        H.Result("8a", "Anthropic call, our span vs a hand-written SDK span (added time)",
                 subject_ns=med["ours"] - med["plain"], reference_ns=med["hand"] - med["plain"], ratio=ratio,
                 target="<= 1.15x", passed=ratio <= 1.15, reference="hand-written span, same attributes",
                 note=f"in-memory transport, plain call {med['plain'] / 1e3:.0f} µs").emit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
