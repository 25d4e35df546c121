"""Log records (GenAI events) are redacted with the spans' redactor: structured attribute values at
any depth, sensitive keys, the body, the resource; the emitted record itself is never changed."""

from __future__ import annotations

import random

from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from support.secret_corpus import URLSAFE, rnd

from actiontrace.redaction._logs import RedactingLogExporter, cut_strings, redact_log_record

KEY = "sk-proj-" + rnd(random.Random(7), 120, URLSAFE)


def _emit(attributes, body=None, resource=None):
    raw = InMemoryLogRecordExporter()
    redacted = InMemoryLogRecordExporter()
    provider = LoggerProvider(resource=resource or Resource.create({}), shutdown_on_exit=False)
    provider.add_log_record_processor(SimpleLogRecordProcessor(raw))
    provider.add_log_record_processor(SimpleLogRecordProcessor(RedactingLogExporter(redacted)))
    provider.get_logger("t").emit(event_name="e", attributes=attributes, body=body)
    return raw.get_finished_logs()[0], redacted.get_finished_logs()[0]


def test_secrets_leave_structured_values_keys_and_the_body():
    messages = [{"role": "user", "parts": [{"type": "text", "content": f"use {KEY} please"},
                                           {"type": "tool_call", "name": "f", "arguments": {"api_key": "hunter2hunter2"}}]}]
    raw, out = _emit({"gen_ai.input.messages": messages, "note": f"key={KEY}", "gen_ai.request.model": "m"},
                     body={"text": KEY})
    a = out.log_record.attributes
    text = repr(dict(a)) + repr(out.log_record.body)
    assert KEY not in text and "hunter2hunter2" not in text
    parts = a["gen_ai.input.messages"][0]["parts"]
    assert parts[0]["content"] == "use [REDACTED:openai-key] please"
    assert parts[1]["arguments"]["api_key"].startswith("[REDACTED:")
    assert a["gen_ai.request.model"] == "m" and "[REDACTED:" in a["note"]
    audit = a["actiontrace.redacted"]
    assert "attributes.gen_ai.input.messages[0].parts[0].content:openai-key" in audit
    assert any(entry.startswith("body.text:") for entry in audit)
    assert KEY in repr(dict(raw.log_record.attributes))  # the shared record is left alone
    assert out.log_record.event_name == "e" and out.log_record.trace_id == raw.log_record.trace_id


def test_nothing_to_redact_hands_on_the_record_itself_and_resources_are_redacted():
    raw, out = _emit({"gen_ai.operation.name": "chat", "gen_ai.input.messages": [{"role": "user", "parts": []}]})
    assert redact_log_record(raw) is raw
    _, out = _emit({"gen_ai.operation.name": "chat"}, resource=Resource.create({"deploy.token": KEY}))
    assert KEY not in repr(dict(out.resource.attributes))


def test_cut_after_redaction_at_any_depth():
    raw, _ = _emit({"gen_ai.output.messages": [{"parts": [{"content": "x" * 50 + KEY}]}], "flat": "y" * 50})
    out = redact_log_record(raw, max_value_len=20)
    assert out.log_record.attributes["gen_ai.output.messages"][0]["parts"][0]["content"] == "x" * 20
    assert out.log_record.attributes["flat"] == "y" * 20
    assert cut_strings({"a": ["abcdef", 3]}, 2) == {"a": ["ab", 3]}
