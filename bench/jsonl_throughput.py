"""Spans per second written to a file: JsonlSpanExporter vs the SDK's ConsoleSpanExporter.

Also measures the alternative encoding route (official OTLP protobuf encoder +
protobuf JSON + hex/enum fix-up) and, when orjson (the ``fast`` extra) is installed, the
exporter without it (``encoder="json"``), so the choice of encoder stays a measured one.
Same spans, same run, same disk.

    .venv/bin/python bench/jsonl_throughput.py [--spans 2000] [--batch 512] [--rounds 7]
        [--encoder auto|orjson|json]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import tempfile
import time

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))
from actiontrace.exporters import JsonlSpanExporter  # noqa: E402
from actiontrace.exporters._jsonl import ENCODERS  # noqa: E402

try:
    from actiontrace.exporters import _otlp_json_orjson  # the fast extra's encoder
except ImportError:
    _otlp_json_orjson = None


def realistic_spans(n: int):
    """LLM/tool-like spans: 15 attributes, one event, some 1 KB strings."""
    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "bench-agent", "deployment.environment": "dev"}))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("actiontrace", "0.1.0")
    kb = "The quick brown fox jumps over the lazy dog. " * 23  # ~1 KB
    for i in range(n):
        with tracer.start_as_current_span(f"chat gpt-4o-{i % 7}", kind=SpanKind.CLIENT) as span:
            span.set_attributes({
                "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
                "gen_ai.request.model": "gpt-4o", "gen_ai.response.model": "gpt-4o-2024-08-06",
                "gen_ai.response.id": f"chatcmpl-{i:012d}", "gen_ai.usage.input_tokens": 1200 + i,
                "gen_ai.usage.output_tokens": 310, "gen_ai.request.temperature": 0.2,
                "gen_ai.response.finish_reasons": ("stop",), "actiontrace.span.type": "llm",
                "actiontrace.path": "/support-agent/answer", "session.id": "sess-42",
                "actiontrace.input": kb, "actiontrace.output": kb, "actiontrace.cost_usd": 0.0123,
            })
            span.add_event("gen_ai.choice", {"index": 0, "finish_reason": "stop", "content": kb[:200]})
    return memory.get_finished_spans()


class ProtoRouteExporter:
    """The alternative: official protobuf encoder, protobuf's JSON, then fix ids/enums for OTLP."""

    def __init__(self, path: str) -> None:
        from google.protobuf.json_format import MessageToDict
        from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans

        self._to_dict, self._encode = MessageToDict, encode_spans
        self._f = open(path, "ab")

    @staticmethod
    def _fix(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("traceId", "spanId", "parentSpanId"):
                    node[k] = base64.b64decode(v).hex()
                elif k == "kind" or (k == "code" and isinstance(v, str)):
                    pass
                else:
                    ProtoRouteExporter._fix(v)
        elif isinstance(node, list):
            for x in node:
                ProtoRouteExporter._fix(x)
        return node

    def export(self, spans):
        lines = []
        for span in spans:
            d = self._to_dict(self._encode([span]), use_integers_for_enums=True)
            lines.append(json.dumps(self._fix(d), separators=(",", ":")).encode())
        self._f.write(b"\n".join(lines) + b"\n")
        self._f.flush()

    def shutdown(self):
        self._f.close()


def run_once(make_exporter, spans, batch, d):
    os.mkdir(d)
    exporter = make_exporter(d)
    t0 = time.process_time()  # CPU time (user+sys): steadier than wall time on a shared machine
    for k in range(0, len(spans), batch):
        exporter.export(spans[k:k + batch])
    elapsed = time.process_time() - t0
    exporter.shutdown()
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    return elapsed, size


def run_all(contenders, spans, batch, rounds, tmp):
    """Rounds interleave the contenders so machine noise hits them alike. Per contender:
    spans/s of its best round, bytes, and its per-round times (for ratios within a round)."""
    times = {name: [] for name, _ in contenders}
    sizes = {}
    for r in range(rounds):
        for i, (name, make) in enumerate(contenders):
            elapsed, sizes[name] = run_once(make, spans, batch, os.path.join(tmp, f"{i}-{r}"))
            times[name].append(elapsed)
    return [(name, len(spans) / min(times[name]), sizes[name], times[name]) for name, _ in contenders]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--spans", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--encoder", choices=ENCODERS, default="auto", help="JsonlSpanExporter(encoder=...)")
    args = ap.parse_args()
    spans = realistic_spans(args.spans)
    with tempfile.TemporaryDirectory() as tmp:
        def console(d):
            return ConsoleSpanExporter(out=open(os.path.join(d, "console.json"), "w"))

        contenders = [
            ("ConsoleSpanExporter (SDK, to file)", console),
            ("JsonlSpanExporter", lambda d: JsonlSpanExporter(d, encoder=args.encoder)),
            ("proto encoder + MessageToDict + fix-up", lambda d: ProtoRouteExporter(os.path.join(d, "p.jsonl"))),
        ]
        if args.encoder != "json" and _otlp_json_orjson is not None:  # what the fast extra's orjson buys
            contenders.insert(2, ("JsonlSpanExporter (encoder=json)", lambda d: JsonlSpanExporter(d, encoder="json")))
        rows = run_all(contenders, spans, args.batch, args.rounds, tmp)
        chosen = type(JsonlSpanExporter(os.path.join(tmp, "probe"), encoder=args.encoder).encoder).__name__
    console_times = rows[0][3]
    print(f"{args.spans} spans, batch {args.batch}, best of {args.rounds}; 15 attributes, 1 event, 2x1KB strings")
    print(f"JsonlSpanExporter(encoder={args.encoder!r}) uses {chosen}")
    print("x console: the median over rounds of the console's time / this exporter's time in the same round")
    print(f"{'exporter':42} {'spans/s':>10} {'x console':>10} {'bytes/span':>11}")
    for name, rate, size, elapsed in rows:
        if len(elapsed) == len(console_times):  # a ratio within each round: slow spells cancel
            ratio = statistics.median(c / e for c, e in zip(console_times, elapsed))
        else:
            ratio = rate / rows[0][1]
        print(f"{name:42} {rate:10.0f} {ratio:10.2f} {size / args.spans:11.0f}")


if __name__ == "__main__":
    main()
