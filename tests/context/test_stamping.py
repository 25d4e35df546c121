"""Our own spans are stamped (session values, decision path) by the span starter, before the
SDK sees their attributes: samplers see them too, and without a SessionSpanProcessor nothing is
stamped. Each case runs in a fresh interpreter, since the global tracer provider is set once."""

from __future__ import annotations

from support.paths import SRC
import json
import os
import subprocess
import sys
import textwrap



def _run(body: str) -> dict:
    script = textwrap.dedent('''
        import json
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        from opentelemetry.sdk.trace.sampling import ALWAYS_ON, Sampler
        import actiontrace
        from actiontrace import SessionSpanProcessor

        class Seen(Sampler):
            """Keeps the attributes each span had when the sampler was asked."""
            def __init__(self):
                self.seen = {}
            def should_sample(self, parent_context, trace_id, name, kind=None, attributes=None, links=None):
                self.seen[name] = dict(attributes or {})
                return ALWAYS_ON.should_sample(parent_context, trace_id, name, kind, attributes, links)
            def get_description(self):
                return "Seen"

        sampler = Seen()
        exporter = InMemorySpanExporter()
        provider = TracerProvider(sampler=sampler)
    ''') + textwrap.dedent(body) + textwrap.dedent('''
        trace.set_tracer_provider(provider)

        @actiontrace.tool
        def lookup(q):
            return q

        @actiontrace.agent(name="planner")
        def planner():
            lookup("x")
            with trace.get_tracer("other").start_as_current_span("foreign"):
                pass

        with actiontrace.session(session_id="s-7", properties={"tier": "pro"}):
            planner()
        ended = {s.name: dict(s.attributes) for s in exporter.get_finished_spans()}
        print(json.dumps({"seen": sampler.seen, "ended": ended}))
    ''')
    env = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_samplers_see_session_values_and_path_of_our_spans():
    result = _run('''
        provider.add_span_processor(SessionSpanProcessor())
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    ''')
    tool = result["seen"]["execute_tool lookup"]
    assert tool["session.id"] == "s-7"
    assert tool["actiontrace.property.tier"] == "pro"
    assert tool["actiontrace.path"] == "/planner/lookup"
    assert result["seen"]["invoke_agent planner"]["actiontrace.path"] == "/planner"
    # A foreign span is stamped by the processor at start, after sampling, under the same path.
    assert "actiontrace.path" not in result["seen"]["foreign"]
    assert result["ended"]["foreign"]["actiontrace.path"] == "/planner/foreign"
    assert result["ended"]["foreign"]["session.id"] == "s-7"
    assert result["ended"]["execute_tool lookup"]["session.id"] == "s-7"


def test_without_a_session_processor_nothing_is_stamped():
    result = _run('''
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    ''')
    for attrs in list(result["seen"].values()) + list(result["ended"].values()):
        assert "actiontrace.path" not in attrs
        assert "session.id" not in attrs
    assert result["ended"]["execute_tool lookup"]["gen_ai.tool.name"] == "lookup"
