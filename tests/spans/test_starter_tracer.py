"""The span starter's tracer: a proxy until the application sets the global provider, then
that provider's tracer, with the same scope. Fresh interpreter: the provider is set once."""

from __future__ import annotations

import json
import subprocess
import sys

from support.processes import clean_env, write_app


def test_spans_before_the_provider_are_not_recorded_and_after_it_carry_our_scope(tmp_path):
    script = write_app(tmp_path, """
import json
import actiontrace
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

@actiontrace.tool
def step(i):
    return i

step(0)  # no provider yet: nothing records it
exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)
with trace.get_tracer("app").start_as_current_span("outer"):
    step(1)
step(2)
spans = exporter.get_finished_spans()
print(json.dumps({"spans": [[s.name, s.instrumentation_scope.name, s.instrumentation_scope.version,
                             s.parent.span_id if s.parent else None, s.context.span_id,
                             s.attributes.get("gen_ai.tool.call.arguments")] for s in spans],
                  "version": actiontrace.__version__}))
""")
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=clean_env(), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    inner, outer, alone = out["spans"]
    assert [inner[0], outer[0], alone[0]] == ["execute_tool step", "outer", "execute_tool step"]
    assert inner[1:3] == alone[1:3] == ["actiontrace", out["version"]]
    assert inner[3] == outer[4] and alone[3] is None  # the current span is the parent, as before
    assert [inner[5], alone[5]] == ['{"i":1}', '{"i":2}']
