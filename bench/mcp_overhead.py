"""Case 12: time per MCP ``call_tool`` with the MCP instrumentation, against the same call made
with a hand-written SDK span pair, over the SDK's in-memory transport (client and FastMCP server
in one event loop, so no socket or process noise).

- ``instrumented``: ``MCPInstrumentor`` on; the client span, ``params._meta`` injection, the server
  span with extraction, captured arguments and result, the duration metrics path.
- ``hand-written``: instrumentation off; the caller opens a CLIENT span with the same attributes
  and injects the context through ``call_tool(meta=...)``, the tool opens a SERVER span from the
  extracted context with the same attributes (``json.dumps`` of arguments and result).
- ``plain``: neither, for information (what the pair costs at all).

The pipeline is the one ``configure()`` builds: ``SessionSpanProcessor`` then a batch processor
redacting on its worker thread in front of an exporter that discards. Batches of calls
alternate between the sides (instrument()/uninstrument() untimed in between, the batch queue
flushed untimed after each); each batch is timed in the calling thread's CPU time (the
in-memory client, server and transport all run on it), and the figure is the median of the
per-round ratios.

    .venv/bin/python bench/mcp_overhead.py [--calls 200] [--rounds 15]

Target: instrumented <= 1.15x the hand-written pair.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import _harness as H  # noqa: E402
import anyio  # noqa: E402
from mcp.server.fastmcp import Context, FastMCP  # noqa: E402
from mcp.shared.memory import create_connected_server_and_client_session  # noqa: E402
from opentelemetry import propagate, trace  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: E402
from opentelemetry.trace import SpanKind  # noqa: E402

from actiontrace.instrumentation.mcp import MCPInstrumentor  # noqa: E402
from actiontrace.processors._session import SessionSpanProcessor  # noqa: E402
from actiontrace.redaction import RedactingSpanExporter  # noqa: E402

ARGS = {"city": "Oslo", "days": 3}



def attributes(request_id: str) -> dict:
    return {"actiontrace.span.type": "tool", "mcp.method.name": "tools/call", "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": "forecast", "jsonrpc.request.id": request_id, "mcp.protocol.version": "2025-11-25",
            "gen_ai.tool.call.arguments": json.dumps(ARGS)}


def server(tracer) -> FastMCP:
    app = FastMCP("bench", log_level="WARNING")

    @app.tool()
    def forecast(city: str, days: int) -> dict:
        return {"city": city, "days": days, "sky": "clear"}

    @app.tool()
    def forecast_by_hand(city: str, days: int, ctx: Context) -> dict:
        meta = ctx.request_context.meta
        carrier = {k: v for k, v in (meta.model_extra or {}).items() if isinstance(v, str)} if meta else {}
        attrs = attributes(str(ctx.request_id))
        with tracer.start_as_current_span("tools/call forecast", kind=SpanKind.SERVER, attributes=attrs,
                                          context=propagate.extract(carrier)) as span:
            result = {"city": city, "days": days, "sky": "clear"}
            span.set_attribute("gen_ai.tool.call.result", json.dumps(result))
            return result

    return app


async def by_hand(client, tracer, request_id: int):
    with tracer.start_as_current_span("tools/call forecast", kind=SpanKind.CLIENT,
                                      attributes=attributes(str(request_id))) as span:
        carrier: dict = {}
        propagate.inject(carrier)
        result = await client.call_tool("forecast_by_hand", ARGS, meta=carrier)
        span.set_attribute("gen_ai.tool.call.result", json.dumps(result.structuredContent))
        return result


async def timed(op, calls: int) -> float:
    # Client, server and transport share this thread's event loop, so its CPU time is the whole
    # call, and other tenants of a shared machine barely move it (the export thread is excluded).
    start = time.thread_time()
    for _ in range(calls):
        await op()
    return (time.thread_time() - start) / calls


async def run(calls: int, rounds: int) -> dict:
    provider = TracerProvider()
    exporter = H.DiscardExporter()
    provider.add_span_processor(SessionSpanProcessor())
    provider.add_span_processor(BatchSpanProcessor(RedactingSpanExporter(exporter), max_queue_size=65536))
    trace.set_tracer_provider(provider)
    tracer = provider.get_tracer("bench-hand-written")
    instrumentor = MCPInstrumentor()
    instrumentor.instrument(tracer_provider=provider)  # sessions made while instrumented are covered anyway
    times: dict[str, list[float]] = {"instrumented": [], "hand": [], "plain": []}
    async with create_connected_server_and_client_session(server(tracer)._mcp_server) as client:
        instrumentor.uninstrument()
        sides = {
            "instrumented": lambda: client.call_tool("forecast", ARGS),
            "hand": lambda: by_hand(client, tracer, client._request_id),
            "plain": lambda: client.call_tool("forecast", ARGS),
        }
        for r in range(rounds + 2):
            order = list(sides) if r % 2 == 0 else list(reversed(sides))
            for side in order:
                if side == "instrumented":
                    instrumentor.instrument(tracer_provider=provider)
                took = await timed(sides[side], calls if r >= 2 else 20)
                if side == "instrumented":
                    instrumentor.uninstrument()
                provider.force_flush()
                if r >= 2:
                    times[side].append(took)
    provider.shutdown()
    return {"times": times, "exported": exporter.count}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=60 if H.QUICK else 200)
    ap.add_argument("--rounds", type=int, default=5 if H.QUICK else 15)
    args = ap.parse_args()
    got = anyio.run(run, args.calls, args.rounds)
    t = got["times"]
    ratio = statistics.median(i / h for i, h in zip(t["instrumented"], t["hand"]))
    inst, hand, plain = (statistics.median(t[k]) for k in ("instrumented", "hand", "plain"))
    print(f"plain         {plain * 1e6:8.1f} us/call")
    print(f"hand-written  {hand * 1e6:8.1f} us/call  (+{(hand - plain) * 1e6:.1f})")
    print(f"instrumented  {inst * 1e6:8.1f} us/call  (+{(inst - plain) * 1e6:.1f})")
    print(f"ratio instrumented / hand-written (median of rounds): {ratio:.3f}; spans exported {got['exported']}")
    H.Result("12", "MCP call_tool, instrumented (in-memory transport)", subject_ns=inst * 1e9,
             reference_ns=hand * 1e9, ratio=ratio, target="<= 1.15x", passed=ratio <= 1.15,
             reference="the same call with a hand-written SDK span pair",
             note=f"plain call {plain * 1e6:.0f} µs; added: ours {(inst - plain) * 1e6:+.0f} µs, "
                  f"by hand {(hand - plain) * 1e6:+.0f} µs").emit()


if __name__ == "__main__":
    main()
