"""JsonlLogExporter on real files: OTLP/JSON log lines beside the span files, through the span
writer (names, rotation, permissions, torn lines), read back by the readers."""

from __future__ import annotations

import base64
import calendar
import json
import os
import stat

from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest

from actiontrace.exporters._jsonl_logs import JsonlLogExporter
from actiontrace.reading._logs import decode_log_line, read_log_records
from actiontrace.reading._reader import read_spans

NOV23 = calendar.timegm((2026, 11, 23, 0, 0, 0))


def _provider(exporter):
    provider = LoggerProvider(resource=Resource.create({"service.name": "svc"}), shutdown_on_exit=False)
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    return provider


def test_a_record_is_one_otlp_json_line_read_back_whole(tmp_path):
    exporter = JsonlLogExporter(tmp_path, clock=lambda: NOV23 + 5)
    tracer = TracerProvider().get_tracer("t")
    with tracer.start_as_current_span("s") as span:
        _provider(exporter).get_logger("scope.a", "1.2").emit(
            event_name="gen_ai.client.inference.operation.details", body={"b": [1, 2.5, True, None]},
            attributes={"gen_ai.input.messages": [{"role": "user", "parts": [{"type": "text", "content": "hi\u2028"}]}],
                        "n": 3, "big": 2**70})
        ctx = span.get_span_context()
    path = tmp_path / "logs-2026-11-23.jsonl"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    (line,) = path.read_text().splitlines()
    doc = json.loads(line)
    raw = doc["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]
    assert raw["traceId"] == format(ctx.trace_id, "032x") and raw["spanId"] == format(ctx.span_id, "016x")
    assert isinstance(raw["timeUnixNano"], str) and raw["eventName"] == "gen_ai.client.inference.operation.details"
    # The OTLP/JSON form is the protobuf JSON mapping but for the ids (hex, not base64): it parses.
    proto_doc = json.loads(line)
    for key in ("traceId", "spanId"):
        raw_id = proto_doc["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0][key]
        proto_doc["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0][key] = \
            base64.b64encode(bytes.fromhex(raw_id)).decode()
    parsed = json_format.ParseDict(proto_doc, ExportLogsServiceRequest())
    assert parsed.resource_logs[0].scope_logs[0].log_records[0].event_name == raw["eventName"]
    (record,) = decode_log_line(line)
    assert record.attributes["gen_ai.input.messages"][0]["parts"][0]["content"] == "hi\u2028"
    assert record.attributes["n"] == 3 and record.attributes["big"] == str(2**70)
    assert record.body == {"b": [1, 2.5, True, None]}
    assert record.resource["service.name"] == "svc" and (record.scope_name, record.scope_version) == ("scope.a", "1.2")
    assert list(read_spans(str(tmp_path), warn=lambda m: (_ for _ in ()).throw(AssertionError(m)))) == []


def test_rotation_long_values_and_a_torn_line(tmp_path):
    exporter = JsonlLogExporter(tmp_path, clock=lambda: NOV23, max_bytes=600, max_value_chars=100)
    logger = _provider(exporter).get_logger("s")
    for i in range(6):
        logger.emit(event_name="e", attributes={"i": i, "text": "x" * 300})
    names = sorted(os.listdir(tmp_path))
    assert names[0] == "logs-2026-11-23.1.jsonl" and len(names) >= 3
    records = list(read_log_records(str(tmp_path)))
    assert sorted(r.attributes["i"] for r in records) == list(range(6))
    assert all(r.attributes["text"] == "x" * 100 + "…[truncated: 300 chars]" for r in records)
    with open(tmp_path / names[-1], "ab") as fh:
        fh.write(b'{"resourceLogs":[{"scope')  # a crash mid-write
    warnings = []
    assert len(list(read_log_records(str(tmp_path), warn=warnings.append))) == 6 and len(warnings) == 1
    logger.emit(event_name="e", attributes={"i": 6})
    assert sorted(r.attributes["i"] for r in read_log_records(str(tmp_path), warn=lambda m: None)) == list(range(7))
