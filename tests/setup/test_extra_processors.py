"""configure(span_processors=[...]): an SDK BatchSpanProcessor gets its exporter wrapped in
RedactingSpanExporter (redaction on its worker thread), any other processor is wrapped in
RedactingSpanProcessor; either way the application's exporter only ever sees redacted spans.
Fresh interpreters: configure() installs the global provider once per process."""

from __future__ import annotations

import json
import subprocess
import sys

from support.processes import clean_env, write_app
from support.secret_corpus import secrets

HEADER = """
import json, sys
import actiontrace
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

SECRET_TEXT = sys.argv[1]

class Subclassed(BatchSpanProcessor):
    pass

def attrs(exporter):
    return [dict(s.attributes) for s in exporter.get_finished_spans()]
"""


def run(tmp_path, body: str, *args: str) -> dict:
    script = write_app(tmp_path, HEADER + body)
    proc = subprocess.run([sys.executable, str(script), *args], cwd=tmp_path, env=clean_env(), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_secret_in_a_tool_argument_reaches_no_exporter_whichever_the_processor(tmp_path):
    rule, secret, text = secrets()[0]
    out = run(tmp_path, """
batch, simple, sub = InMemorySpanExporter(), InMemorySpanExporter(), InMemorySpanExporter()
batch_processor = BatchSpanProcessor(batch, schedule_delay_millis=60_000)
provider = actiontrace.configure(jsonl_path=None, instrument=[], metrics=False,
                                 span_processors=[batch_processor, SimpleSpanProcessor(simple), Subclassed(sub)])

@actiontrace.tool
def lookup(query, limit):
    return {"found": query}

lookup(SECRET_TEXT, 3)
lookup("weather in Paris", 3)
actiontrace.flush()
kinds = [type(p).__name__ for p in provider._active_span_processor._span_processors]
print(json.dumps({"batch": attrs(batch), "simple": attrs(simple), "sub": attrs(sub), "kinds": kinds,
                  "batch_exporter": type(batch_processor.span_exporter).__name__,
                  "inner_is_given": batch_processor.span_exporter.inner is batch}))
""", text)
    # The exact SDK batch processor is itself on the provider, its exporter wrapped; the
    # synchronous processor and the subclass are wrapped as processors.
    assert out["kinds"] == ["SessionSpanProcessor", "BatchSpanProcessor", "RedactingSpanProcessor",
                            "RedactingSpanProcessor"]
    assert out["batch_exporter"] == "RedactingSpanExporter" and out["inner_is_given"]
    for name in ("batch", "simple", "sub"):
        dirty, clean = out[name]
        assert secret not in json.dumps(out[name]), name
        marker = f"[REDACTED:{rule}]"
        assert marker in dirty["actiontrace.input"] and marker in dirty["gen_ai.tool.call.arguments"], name
        assert marker in dirty["actiontrace.output"] and marker in dirty["gen_ai.tool.call.result"], name
        assert clean["gen_ai.tool.call.arguments"] == '{"query":"weather in Paris","limit":3}', name
    # Redacting at export gives the exporter what redacting at on_end gives it.
    assert out["batch"] == out["simple"] == out["sub"]


def test_spans_still_queued_go_out_at_exit_and_the_exporter_gets_its_shutdown_timeout(tmp_path):
    out_file = tmp_path / "exported.json"
    run(tmp_path, """
class Recording:
    def __init__(self):
        self.names, self.secret_seen, self.timeout = [], False, None
    def export(self, spans):
        self.names += [s.name for s in spans]
        self.secret_seen |= any(SECRET_TEXT in json.dumps(dict(s.attributes)) for s in spans)
        return SpanExportResult.SUCCESS
    def shutdown(self, timeout_millis=30_000):
        self.timeout = timeout_millis
        json.dump({"count": len(self.names), "secret_seen": self.secret_seen, "timeout": self.timeout},
                  open(sys.argv[2], "w"))
    def force_flush(self, timeout_millis=30_000):
        return True

# A long delay and a queue deeper than a batch: without the exit hook, nothing would be sent.
actiontrace.configure(jsonl_path=None, instrument=[], metrics=False,
                      span_processors=[BatchSpanProcessor(Recording(), schedule_delay_millis=600_000,
                                                          max_queue_size=5000, max_export_batch_size=4096)])

@actiontrace.tool
def step(text, i):
    return i

for i in range(3000):
    step(SECRET_TEXT, i)
print("{}")
""", secrets()[1][2], str(out_file))
    exported = json.loads(out_file.read_text())
    assert exported["count"] == 3000
    assert exported["secret_seen"] is False
    assert isinstance(exported["timeout"], (int, float)) and exported["timeout"] > 0


def test_the_applications_own_flush_and_shutdown_of_its_processor_still_export(tmp_path):
    rule, secret, text = secrets()[2]
    out = run(tmp_path, """
exporter = InMemorySpanExporter()
processor = BatchSpanProcessor(exporter, schedule_delay_millis=600_000)
actiontrace.configure(jsonl_path=None, instrument=[], metrics=False, span_processors=[processor])

@actiontrace.tool
def step(text):
    return text

for _ in range(10):
    step(SECRET_TEXT)
processor.force_flush()
flushed = len(exporter.get_finished_spans())
step(SECRET_TEXT)
processor.shutdown()
print(json.dumps({"flushed": flushed, "all": attrs(exporter)}))
""", text)
    assert out["flushed"] == 10 and len(out["all"]) == 11
    assert secret not in json.dumps(out["all"])


def test_a_span_whose_redaction_fails_is_dropped_by_either_wrapping_never_exported(tmp_path):
    rule, secret, text = secrets()[3]
    out = run(tmp_path, """
from actiontrace.redaction import Redactor

class Broken(Redactor):
    # Fails on the span carrying the secret only (not on the resource, nor the clean span).
    def redact_attributes(self, attributes, *args, **kwargs):
        if any(SECRET_TEXT in str(v) for v in attributes.values()):
            raise RuntimeError("redactor bug")
        return super().redact_attributes(attributes, *args, **kwargs)

batch, simple = InMemorySpanExporter(), InMemorySpanExporter()
batch_processor = BatchSpanProcessor(batch)
provider = actiontrace.configure(jsonl_path=None, instrument=[], metrics=False, redactor=Broken(),
                                 span_processors=[batch_processor, SimpleSpanProcessor(simple)])

@actiontrace.tool
def lookup(query):
    return "ok"

lookup(SECRET_TEXT)
lookup("weather in Paris")
actiontrace.flush()
wrapped = provider._active_span_processor._span_processors[2]
print(json.dumps({"batch": attrs(batch), "simple": attrs(simple),
                  "drops": [batch_processor.span_exporter.dropped_spans, wrapped.dropped_spans]}))
""", text)
    assert out["drops"] == [1, 1]
    for name in ("batch", "simple"):
        assert secret not in json.dumps(out[name]), name
        # Only the span with something to redact is lost; the clean one goes out.
        assert [a["gen_ai.tool.call.arguments"] for a in out[name]] == ['{"query":"weather in Paris"}'], name
