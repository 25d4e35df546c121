"""A call's captured arguments go in with its span's start attributes when the SDK sampler
records every span (its default), else just after the start: either way the exported span
carries the same attributes in the same order. Fresh interpreters: one provider each."""

from __future__ import annotations

import json
import subprocess
import sys

from support.processes import clean_env, write_app

APP = """
import json, sys
import actiontrace
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_ON, Sampler

seen = []

class Watching(Sampler):
    # Samples everything too, but is not one the starter knows: arguments come after the start.
    def should_sample(self, parent_context, trace_id, name, kind=None, attributes=None, links=None, trace_state=None):
        seen.append(sorted(attributes or {}))
        return ALWAYS_ON.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)
    def get_description(self):
        return "Watching"

exporter = InMemorySpanExporter()
provider = TracerProvider(sampler=Watching()) if sys.argv[1] == "watching" else TracerProvider()
provider.add_span_processor(actiontrace.SessionSpanProcessor())  # session values and path at start
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)

@actiontrace.tool(description="Looks things up.")
def lookup(query, limit=3, **extra):
    return {"rows": limit}

@actiontrace.action(capture="input")
def plain(x):
    return x

with actiontrace.session("s-1", user_id="u-1"):
    lookup("weather in Paris", 3, note="é")
plain([1, 2.5, None])
spans = exporter.get_finished_spans()
print(json.dumps({"spans": [[s.name, list(s.attributes.items())] for s in spans],
                  "sampler_saw_arguments": any("actiontrace.input" in keys for keys in seen)}))
"""


def _run(tmp_path, sampler: str) -> dict:
    script = write_app(tmp_path, APP, name=f"app_{sampler}.py")
    proc = subprocess.run([sys.executable, str(script), sampler], cwd=tmp_path, env=clean_env(), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_captured_arguments_come_out_the_same_whichever_the_sampler(tmp_path):
    default, watching = _run(tmp_path, "default"), _run(tmp_path, "watching")
    assert watching["sampler_saw_arguments"] is False  # captured after the start there
    assert default["spans"] == watching["spans"]
    (tool, tool_attrs), (plain, plain_attrs) = default["spans"]
    arguments = '{"query":"weather in Paris","limit":3,"note":"é"}'
    assert [k for k, _ in tool_attrs] == [
        "actiontrace.span.type", "gen_ai.operation.name", "gen_ai.tool.name", "gen_ai.tool.type",
        "gen_ai.tool.description", "session.id", "gen_ai.conversation.id", "user.id", "actiontrace.path",
        "actiontrace.input", "gen_ai.tool.call.arguments", "actiontrace.output", "gen_ai.tool.call.result"]
    assert dict(tool_attrs)["actiontrace.input"] == dict(tool_attrs)["gen_ai.tool.call.arguments"] == arguments
    assert [k for k, _ in plain_attrs] == ["actiontrace.span.type", "actiontrace.path", "actiontrace.input"]

