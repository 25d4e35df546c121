"""Added time per OpenAI chat call from the instrumentation (issue 7, case 8), measured against
the same calls uninstrumented, in the same run.

Two sections, each for streamed and plain calls with message capture on and off:

- ``http``: the real client calls ``examples/fake_openai_server.py`` running in a SUBPROCESS on
  127.0.0.1 (so the server does not compete with the client for the GIL). This is the case-8
  figure: added time as a share of the uninstrumented call.
- ``memory``: the same client over an in-memory transport (``httpx2``/``httpx``
  ``MockTransport``) replaying the bytes the server sent, so no socket or scheduling noise: the
  difference is the instrumentation plus the openai client's own work, without any I/O.
- ``direct``: only our wrapper function around a method that returns the response the client
  would have built (a parsed ``ChatCompletion``, or a ``Stream`` replaying the recorded chunks),
  against consuming that same response unwrapped: the instrumentation's own cost, least noisy.
  Each is followed by an ``SDK span`` row: the SDK alone making a span with the same name, kind
  and attributes through the same pipeline (the part of the cost that is not ours).

The ``memory`` and ``direct`` sections run with the realistic pipeline and with a provider that
has no processors (span creation only, nothing exported: the instrumentation-only cost).

The SDK pipeline is the one ``configure()`` builds: ``SessionSpanProcessor`` then a
``BatchSpanProcessor`` redacting on its worker thread (``RedactingSpanExporter``) in front
of an exporter that discards. Batches alternate (plain,
instrumented, plain, ...) with instrument()/uninstrument() between them, so drift hits both
sides; every call is timed and each side reports its median and p90 per call (wall clock), and
the median added CPU time of the calling thread, which other processes on a shared machine
barely disturb. The batch processor is flushed (untimed) after each instrumented batch.

    .venv/bin/python bench/openai_overhead.py [--calls 20] [--rounds 40] [--only http|memory|direct]
    .venv/bin/python bench/openai_overhead.py --instructions 200 [--stream] [--capture]

``--instructions`` counts instructions per call under valgrind (callgrind) instead of timing:
plain and instrumented memory-transport calls, realistic pipeline. A shared machine's load
moves the times above by tens of percent; it does not move these counts.

Target (case 8): in the http section the instrumented call's median costs at most 5% more.
The lines ``plain ... us/call`` / ``instrumented ... us/call`` at the end repeat the headline
row (http, not streamed, capture off) for ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import statistics
import sys
from dataclasses import dataclass, field
from typing import Callable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _harness as H  # noqa: E402
import openai  # noqa: E402
from opentelemetry import trace  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: E402

from actiontrace.processors._session import SessionSpanProcessor  # noqa: E402
from actiontrace.instrumentation.openai import OpenAIInstrumentor  # noqa: E402
from actiontrace.redaction import RedactingSpanExporter  # noqa: E402

from _openai_fixture import (  # noqa: E402
    MESSAGES, Keep, ServerProcess, Switch, call_once, flush, hand_written, httpx_module, memory_client,
    pin_cpus, recorded_bodies, timed_batch,
)

CAPTURE_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
COMBOS = [(stream, capture) for stream in (False, True) for capture in (False, True)]
HTTP = "http (server subprocess)"
MEMORY, MEMORY_BARE = "memory, realistic pipe", "memory, no processors"
DIRECT, DIRECT_BARE = "wrapper, realistic pipe", "wrapper, no processors"


@dataclass
class Row:
    section: str
    stream: bool
    capture: bool
    plain: list[tuple[float, float]]  # (wall, thread CPU) seconds per call
    traced: list[tuple[float, float]]
    rounds: list[tuple[float, float]] = field(default_factory=list)  # (plain, traced) wall per pair or round

    def figures(self) -> dict:
        def p90(xs: list[float]) -> float:
            return statistics.quantiles(xs, n=10)[-1]

        wall_plain, cpu_plain = zip(*self.plain)
        wall_traced, cpu_traced = zip(*self.traced)
        base, inst = statistics.median(wall_plain), statistics.median(wall_traced)
        cpu_added = statistics.median(cpu_traced) - statistics.median(cpu_plain)
        # The share is the median of the per-pair (or per-round) shares: the two sides of a pair
        # ran back to back, so a slow spell of a shared machine moves both and cancels out.
        share = statistics.median(t / p - 1 for p, t in self.rounds) if self.rounds else (inst - base) / base
        return {"plain_med": base * 1e6, "plain_p90": p90(wall_plain) * 1e6, "inst_med": inst * 1e6,
                "inst_p90": p90(wall_traced) * 1e6, "added_us": share * base * 1e6,
                "added_pct": share * 100, "added_p90_us": (p90(wall_traced) - p90(wall_plain)) * 1e6,
                "cpu_added_us": cpu_added * 1e6, "cpu_added_pct": cpu_added / base * 100,
                "mean_added_us": (statistics.fmean(wall_traced) - statistics.fmean(wall_plain)) * 1e6}


def measure(plain: Callable[[], object], traced: Callable[[], object], *, on: Callable[[], object],
            off: Callable[[], object], stream: bool, capture: bool, calls: int, rounds: int, section: str) -> Row:
    """Alternating timed batches of ``plain`` and ``traced``; ``on``/``off`` run untimed around
    each traced batch (instrument / uninstrument)."""
    os.environ[CAPTURE_ENV] = "true" if capture else "false"
    row = Row(section, stream, capture, [], [])
    sides = [(plain, row.plain, False), (traced, row.traced, True)]
    for i in range(rounds + 2):  # two warm-up rounds: connections, imports, caches
        medians = {}
        for op, out, instrumented in sides if i % 2 == 0 else reversed(sides):  # alternate which goes first
            if instrumented:
                on()
            batch: list = []
            timed_batch(op, calls if i >= 2 else 30, batch)
            if instrumented:
                off()
            if i >= 2:
                out.extend(batch)
                medians[instrumented] = statistics.median(wall for wall, _ in batch)
        if i == 1:
            gc.collect()
        if medians:
            row.rounds.append((medians[False], medians[True]))
    return row


def client_rows(client: openai.OpenAI, instrumentor: OpenAIInstrumentor, section: str, args) -> list[Row]:
    """The same client call, uninstrumented and instrumented, alternating call by call.

    With the instrumentation on, ``client.chat.completions.create`` is our wrapper and its
    ``__wrapped__`` the client's own method, so the plain side runs no instrumentation code at
    all and nothing is patched between calls. Interleaving single calls cancels the drift of a
    shared machine; the order within each round alternates. The export thread runs as it would
    in an application (a batch every 512 spans or 5 s), so its share of the GIL lands on
    whichever calls it overlaps: in the p90 and mean columns more than in the medians.
    Non-streamed rows are followed by a ``by hand`` row: ``hand_written`` in the same rounds,
    the SDK's own share of the cost."""
    rows = []
    instrumentor.instrument()
    resource = client.chat.completions
    traced_create = resource.create
    plain_create = traced_create.__wrapped__
    hand_create = hand_written(plain_create, str(client.base_url))
    for stream, capture in COMBOS:
        os.environ[CAPTURE_ENV] = "true" if capture else "false"
        row = Row(section, stream, capture, [], [])
        hand = Row(f"{section.split(' ')[0]}, SDK span by hand", stream, capture, row.plain, [])
        sides = [(functools.partial(call_once, client, stream, plain_create), row.plain),
                 (functools.partial(call_once, client, stream, traced_create), row.traced)]
        if not stream and not capture:
            sides.append((functools.partial(call_once, client, stream, hand_create), hand.traced))
        for op, _ in sides:  # warm-up: connections, imports, caches
            timed_batch(op, 30, [])
        gc.collect()
        for i in range(args.calls * args.rounds):
            for op, out in sides if i % 2 == 0 else sides[::-1]:
                timed_batch(op, 1, out)
            row.rounds.append((row.plain[-1][0], row.traced[-1][0]))
            if hand.traced:
                hand.rounds.append((row.plain[-1][0], hand.traced[-1][0]))
        flush()
        print_row(row)
        rows.append(row)
        if hand.traced:
            print_row(hand)
    instrumentor.uninstrument()
    return rows


def direct_rows(client: openai.OpenAI, instrumentor: OpenAIInstrumentor, bodies: dict, section: str,
                switch: Switch, args) -> list[Row]:
    """The instrumentation's own work alone: our wrapper around a method that returns the
    response the client would have built (a parsed ``ChatCompletion``, or a ``Stream`` replaying
    the recorded chunks), against consuming the same response with no wrapper."""
    from openai.types.chat import ChatCompletion, ChatCompletionChunk

    from actiontrace.genai._wrappers import sync_wrapper
    from actiontrace.instrumentation.openai import _chat, _provider

    wrapper = sync_wrapper(_provider.provider, _chat)
    tracer = trace.get_tracer("bench-reference")
    resource = client.chat.completions
    completion = ChatCompletion.model_validate(json.loads(bodies[False][0]))
    sse, sse_type = bodies[True]

    def new_stream() -> openai.Stream:
        raw = httpx_module.Response(200, content=sse, headers={"content-type": sse_type})
        return openai.Stream(cast_to=ChatCompletionChunk, response=raw, client=client)

    chunks = list(new_stream())

    def response(stream: bool) -> object:
        if not stream:
            return completion
        # The SDK decodes SSE at ~150 µs a chunk, noise that would swamp the difference: the
        # stream replays chunks decoded once (Stream.__next__ reads its private _iterator).
        replay = new_stream()
        replay._iterator = iter(chunks)
        return replay

    def consume(result: object, stream: bool) -> None:
        if stream:
            for _ in result:
                pass

    rows = []
    instrumentor.instrument()  # sets the wrappers active; the client itself is not called here
    for stream, capture in COMBOS:
        kwargs = {"model": "gpt-4o-mini", "messages": MESSAGES}
        kwargs.update({"stream": True} if stream else {"temperature": 0.2})

        def plain(stream=stream) -> None:
            consume(response(stream), stream)

        def traced(stream=stream, kwargs=kwargs) -> None:
            consume(wrapper(lambda *a, **k: response(stream), resource, (), kwargs), stream)

        row = measure(plain, traced, on=lambda: None, off=flush, stream=stream, capture=capture,
                      calls=args.calls * 5, rounds=args.rounds, section=section)
        print_row(row)
        rows.append(row)

        # Reference: the SDK alone making a span with the same name, kind and attributes (all
        # given at start) through the same pipeline, so the table shows what part is ours.
        keep = Keep()
        targets, switch.targets = switch.targets, switch.targets + (keep,)
        traced()
        switch.targets = targets
        made = keep.spans[-1]
        name, kind, attributes = made.name, made.kind, dict(made.attributes)

        def sdk_span() -> None:
            tracer.start_span(name, kind=kind, attributes=attributes).end()

        row = measure(lambda: None, sdk_span, on=lambda: None, off=flush, stream=stream, capture=capture,
                      calls=args.calls * 5, rounds=args.rounds, section=section.replace("wrapper", "SDK span"))
        print_row(row)
        rows.append(row)
    instrumentor.uninstrument()
    return rows


# --- report ----------------------------------------------------------------------------------

HEADER = (f"{'section':<24} {'stream':<6} {'capture':<7} {'plain med':>9} {'p90':>7} {'instr med':>9} {'p90':>7} "
          f"{'added µs':>8} {'added %':>8} {'p90 Δµs':>8} {'mean Δµs':>8} {'CPU Δµs':>8} {'CPU Δ %':>8}")


def print_row(row: Row) -> None:
    f = row.figures()
    share = row.section.startswith("http") or row.section.startswith("memory")  # not for the wrapper rows
    pct = f"{f['added_pct']:+7.2f}%" if share else f"{'':>8}"
    cpu_pct = f"{f['cpu_added_pct']:+7.2f}%" if share else f"{'':>8}"
    print(f"{row.section:<24} {'yes' if row.stream else 'no':<6} {'on' if row.capture else 'off':<7} "
          f"{f['plain_med']:9.1f} {f['plain_p90']:7.1f} {f['inst_med']:9.1f} {f['inst_p90']:7.1f} "
          f"{f['added_us']:+8.1f} {pct} {f['added_p90_us']:+8.1f} {f['mean_added_us']:+8.1f} {f['cpu_added_us']:+8.1f} "
          f"{cpu_pct}", flush=True)


# --- instruction counts (valgrind) -------------------------------------------------------------

def loop(args) -> None:
    """Child of --instructions: ``--loop-calls`` calls (memory transport, or HTTP to the server
    subprocess, which valgrind does not see), instrumented or not, realistic pipeline (the
    export thread's instructions count too)."""
    os.environ[CAPTURE_ENV] = "true" if args.capture else "false"
    provider = TracerProvider()
    provider.add_span_processor(SessionSpanProcessor())
    provider.add_span_processor(BatchSpanProcessor(RedactingSpanExporter(H.DiscardExporter())))
    trace.set_tracer_provider(provider)
    with ServerProcess() as base_url:
        if args.transport == "http":
            client = openai.OpenAI(base_url=base_url, api_key="bench", max_retries=0)
        else:
            client = memory_client(recorded_bodies(base_url))
        create = None
        if args.loop != "plain":
            OpenAIInstrumentor().instrument()
        if args.loop in ("hand", "keys"):  # the client's own method inside a hand-written span
            create = hand_written(client.chat.completions.create.__wrapped__, base_url)
        if args.loop == "keys":  # not counted: both sides must make spans with the same attribute keys
            keep = Keep()
            provider.add_span_processor(keep)
            call_once(client, False)
            call_once(client, False, create)
            ours, hand = (sorted(span.attributes) for span in keep.spans)
            print("attribute keys: same" if ours == hand else f"attribute keys differ: ours {ours}, by hand {hand}")
            sys.exit(0 if ours == hand else 1)
        for _ in range(args.loop_calls):
            call_once(client, args.stream, create)
    provider.shutdown()


def instructions(args) -> None:
    """Instructions per call (callgrind), plain, instrumented and by hand (``_harness.callgrind_per_call``):
    counted for the calling thread (the call's own path) and for all threads (the export
    thread's redaction and batching too). Slow: six runs under valgrind, about a minute each."""
    def command(mode: str, calls: int) -> list[str]:
        return ([sys.executable, os.path.abspath(__file__), "--loop", mode, "--loop-calls", str(calls),
                 "--transport", args.transport] + ["--stream"] * args.stream + ["--capture"] * args.capture)

    H.report_instructions(command, args.instructions, with_hand=not args.stream,
                          title=f"{args.transport} transport, realistic pipeline, stream={args.stream}, "
                                f"capture={args.capture}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=20, help="calls per batch")
    parser.add_argument("--rounds", type=int, default=40, help="batches per side")
    parser.add_argument("--only", choices=("http", "memory", "direct"), help="run one section")
    parser.add_argument("--instructions", type=int, metavar="CALLS", default=0,
                        help="instead: instruction counts under valgrind over CALLS extra calls (e.g. 200)")
    parser.add_argument("--stream", action="store_true", help="with --instructions: streamed calls")
    parser.add_argument("--capture", action="store_true", help="with --instructions: capture on")
    parser.add_argument("--transport", choices=("memory", "http"), default="memory",
                        help="with --instructions: the client's transport (default memory)")
    parser.add_argument("--loop", choices=("plain", "traced", "hand", "keys"), help=argparse.SUPPRESS)
    parser.add_argument("--loop-calls", type=int, default=100, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.loop:
        loop(args)
        return 0
    if args.instructions:
        instructions(args)
        return 0

    pinned = pin_cpus()
    switch = Switch()
    exporter = H.DiscardExporter()
    realistic = (SessionSpanProcessor(), BatchSpanProcessor(RedactingSpanExporter(exporter)))
    provider = TracerProvider()
    provider.add_span_processor(switch)
    trace.set_tracer_provider(provider)
    instrumentor = OpenAIInstrumentor()
    headline: Row | None = None
    failed = False

    print(f"python {sys.version.split()[0]}, openai {openai.__version__}, {os.cpu_count()} CPUs; "
          f"{args.rounds} batches of {args.calls} calls per side ({args.calls * 5} for the wrapper rows); "
          f"times in µs per call; {pinned}")
    print(HEADER)
    with ServerProcess() as base_url:
        bodies = recorded_bodies(base_url)
        if args.only in (None, "http"):
            switch.targets = realistic
            client = openai.OpenAI(base_url=base_url, api_key="bench", max_retries=0)
            for row in client_rows(client, instrumentor, HTTP, args):
                failed |= row.figures()["added_pct"] > 5
                if not row.stream and not row.capture:
                    headline = row
            client.close()
    client = memory_client(bodies)
    if args.only in (None, "memory"):
        for section, targets in ((MEMORY, realistic), (MEMORY_BARE, ())):
            switch.targets = targets
            client_rows(client, instrumentor, section, args)
    if args.only in (None, "direct"):
        for section, targets in ((DIRECT, realistic), (DIRECT_BARE, ())):
            switch.targets = targets
            direct_rows(client, instrumentor, bodies, section, switch, args)
    client.close()
    switch.targets = realistic
    provider.force_flush()
    print(f"spans exported: {exporter.count}")
    if headline is not None:
        f = headline.figures()
        print(f"plain        {f['plain_med']:9.1f} us/call median")
        print(f"instrumented {f['inst_med']:9.1f} us/call median")
        print(f"added        {f['added_us']:9.1f} us/call ({f['added_pct']:+.2f}%), target <= 5% (http rows)")
    provider.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
