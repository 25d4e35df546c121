"""What the OpenAI bench (``openai_overhead.py``) calls and measures against: the request, the
hand-written SDK span (the floor), the fake server in a subprocess on its own CPU, the
in-memory client replaying its bytes, and the span processors the sections switch between."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Callable

import openai
from opentelemetry import trace
from opentelemetry.sdk.trace import SpanProcessor

try:  # openai 3.x is built on httpx2, earlier releases on httpx
    import httpx2 as httpx_module
except ImportError:  # pragma: no cover
    import httpx as httpx_module

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MESSAGES = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Say hello to the bench"}]



class Switch(SpanProcessor):
    """The provider's one processor: forwards to ``targets``, which the bench swaps between
    the realistic pipeline and nothing (the global tracer provider can be set only once)."""

    def __init__(self) -> None:
        self.targets: tuple[SpanProcessor, ...] = ()

    def on_start(self, span, parent_context=None):
        for p in self.targets:
            p.on_start(span, parent_context=parent_context)

    def on_end(self, span):
        for p in self.targets:
            p.on_end(span)

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return all(p.force_flush(timeout_millis) for p in self.targets)

    def shutdown(self) -> None:
        for p in self.targets:
            p.shutdown()


def call_once(client: openai.OpenAI, stream: bool, create: Callable | None = None) -> None:
    create = create or client.chat.completions.create
    if stream:
        for _ in create(model="gpt-4o-mini", messages=MESSAGES, stream=True):
            pass
    else:
        create(model="gpt-4o-mini", messages=MESSAGES, temperature=0.2)


def hand_written(create: Callable, base_url: str) -> Callable:
    """The least a hand-written instrumentation does, around the client's own ``create``: a
    current CLIENT span with the same ~15 attributes as ours (set at start and from the
    response), through the same pipeline. Non-streamed calls only."""
    tracer = trace.get_tracer("bench-hand-written")
    server = httpx_module.URL(base_url)
    start = {"actiontrace.span.type": "llm", "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
             "gen_ai.request.model": "gpt-4o-mini", "server.address": server.host, "server.port": server.port,
             "gen_ai.request.temperature": 0.2}

    def traced(**kwargs):
        with tracer.start_as_current_span("chat gpt-4o-mini", kind=trace.SpanKind.CLIENT, attributes=start) as span:
            response = create(**kwargs)
            usage = response.usage
            span.set_attributes({
                "gen_ai.response.id": response.id, "gen_ai.response.model": response.model,
                "openai.response.system_fingerprint": response.system_fingerprint or "",
                "gen_ai.response.finish_reasons": [c.finish_reason for c in response.choices],
                "gen_ai.usage.input_tokens": usage.prompt_tokens, "gen_ai.usage.output_tokens": usage.completion_tokens,
                "actiontrace.cost.usd": (usage.prompt_tokens * 0.15 + usage.completion_tokens * 0.6) / 1e6,
            })
        return response

    return traced


class Keep(SpanProcessor):
    def __init__(self) -> None:
        self.spans: list = []

    def on_end(self, span) -> None:
        self.spans.append(span)


# --- the server in a subprocess ------------------------------------------------------------

SERVER_CPUS: set[int] | None = None  # set by pin_cpus(): the server's CPU, apart from ours


def pin_cpus() -> str:
    """With two CPUs or more, the server subprocess gets the last one and this process (all its
    threads: it runs before any is started) the others, so the two never queue for one CPU."""
    global SERVER_CPUS
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) < 2:
        return "not pinned (one CPU)"
    SERVER_CPUS = {cpus[-1]}
    os.sched_setaffinity(0, set(cpus[:-1]))
    return f"client on CPU {','.join(map(str, cpus[:-1]))}, server on CPU {cpus[-1]}"


class ServerProcess:
    def __enter__(self) -> str:
        script = os.path.join(ROOT, "examples", "fake_openai_server.py")
        cpus = SERVER_CPUS
        pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None  # in the child, before exec
        self.proc = subprocess.Popen([sys.executable, script], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, preexec_fn=pin)
        self.base_url = self.proc.stdout.readline().strip()
        if not self.base_url.startswith("http://127.0.0.1:"):
            self.proc.kill()
            raise RuntimeError(f"fake server did not start: {self.base_url!r}")
        return self.base_url

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def recorded_bodies(base_url: str) -> dict[bool, tuple[bytes, str]]:
    """The server's raw response (body, content type) for the bench request, plain and streamed."""
    bodies = {}
    with httpx_module.Client() as http:
        for stream in (False, True):
            body = {"model": "gpt-4o-mini", "messages": MESSAGES}
            body.update({"stream": True} if stream else {"temperature": 0.2})
            response = http.post(f"{base_url}/chat/completions", json=body)
            bodies[stream] = (response.content, response.headers["content-type"])
    return bodies


def memory_client(bodies: dict[bool, tuple[bytes, str]]) -> openai.OpenAI:
    def handler(request):
        stream = json.loads(request.content).get("stream") is True
        content, content_type = bodies[stream]
        return httpx_module.Response(200, content=content, headers={"content-type": content_type})

    http = httpx_module.Client(transport=httpx_module.MockTransport(handler))
    return openai.OpenAI(base_url="http://127.0.0.1:9/v1", api_key="bench", max_retries=0, http_client=http)


def timed_batch(op: Callable[[], object], calls: int, out: list) -> None:
    # Wall time is the figure; the calling thread's CPU time is kept too, since it is barely
    # touched by other processes on a shared machine (and the instrumentation's cost is CPU).
    clock, cpu = time.perf_counter, time.thread_time
    for _ in range(calls):
        start, start_cpu = clock(), cpu()
        op()
        out.append((clock() - start, cpu() - start_cpu))


def flush() -> None:
    """Untimed, after each traced batch: the export thread catches up, so no span is dropped
    and the next batch starts from an empty queue."""
    trace.get_tracer_provider().force_flush()
