"""OTLP/JSON lines from real SDK spans: valid, round-trip, same as the official encoder."""

from __future__ import annotations

import json
import os
import random
import string

import pytest
from google.protobuf.json_format import MessageToDict
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanLimits, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, NonRecordingSpan, SpanContext, SpanKind, Status, StatusCode, TraceFlags
from opentelemetry.trace import TraceState, set_span_in_context
from opentelemetry.sdk.trace.export import SpanExportResult

from actiontrace.exporters import iter_spans_from_line, read_lines
from actiontrace._vocabulary import truncation_marker
from support.jsonl_encoders import encoder, exporter  # noqa: F401 (encoder: autouse fixture)
from support.otlp_json_validator import assert_valid_line, compare_with_sdk_span, spans_from_line, to_proto, validate_line


def _pipeline(tmp_path, **kw):
    """Provider -> (in-memory exporter, JSONL exporter); never the global provider."""
    memory = InMemorySpanExporter()
    jsonl = exporter(tmp_path / "traces", **kw)
    provider = TracerProvider(resource=Resource.create({"service.name": "enc-test"}, schema_url="https://opentelemetry.io/schemas/1.26.0"))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    provider.add_span_processor(SimpleSpanProcessor(jsonl))
    return provider, memory, jsonl


def _all_lines(directory) -> list[bytes]:
    lines = []
    for name in sorted(os.listdir(directory)):
        lines.extend(read_lines(os.path.join(directory, name)))
    return lines


def _make_rich_spans(provider):
    tracer = provider.get_tracer("enc.scope", "2.1", schema_url="https://example.test/schema", attributes={"scope.attr": "s"})
    remote_parent = SpanContext(
        trace_id=0x0AF7651916CD43DD8448EB211C80319C, span_id=0x00F067AA0BA902B7, is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED), trace_state=TraceState([("vendor", "abc"), ("other", "x1")]),
    )
    link_ctx = SpanContext(trace_id=0x1234, span_id=0x5678, is_remote=True, trace_flags=TraceFlags(0))
    attrs = {
        "str": "hello", "unicode": "héllo ✓ 日本", "bool": True, "int": -42, "big": 2**62, "float": 3.25,
        "nan": float("nan"), "inf": float("inf"), "strs": ["a", "b"], "ints": [1, 2, 3],
        "floats": [0.5, 1.5], "bools": [True, False], "empty": [],
    }
    with tracer.start_as_current_span(
        "root", context=set_span_in_context(NonRecordingSpan(remote_parent)), kind=SpanKind.SERVER,
        attributes=attrs, links=[Link(link_ctx, {"link.attr": 7})],
    ) as root:
        root.add_event("checkpoint", {"step": 1, "names": ("x", "y")}, timestamp=1_700_000_000_123_456_789)
        with tracer.start_as_current_span("child", kind=SpanKind.CLIENT) as child:
            child.set_status(Status(StatusCode.ERROR, "boom: it failed"))
            try:
                raise ValueError("bad value")
            except ValueError as exc:
                child.record_exception(exc)
        with tracer.start_as_current_span("ok-child", kind=SpanKind.PRODUCER) as ok:
            ok.set_status(Status(StatusCode.OK))
        for kind in (SpanKind.CONSUMER, SpanKind.INTERNAL):
            tracer.start_span(f"k{kind.value}", kind=kind).end()


def _comparable(value):
    """NaN != NaN: compare attribute dicts through their JSON text."""
    return json.dumps(value, sort_keys=True, default=repr)


def test_every_line_is_valid_otlp_json_and_round_trips(tmp_path):
    provider, memory, jsonl = _pipeline(tmp_path)
    _make_rich_spans(provider)
    provider.shutdown()
    lines = _all_lines(jsonl.directory)
    sdk_spans = {format(s.context.span_id, "016x"): s for s in memory.get_finished_spans()}
    assert len(lines) == len(sdk_spans) == 5
    for line in lines:
        assert_valid_line(line)
        doc = json.loads(line)
        assert len(doc["resourceSpans"]) == 1
        assert len(doc["resourceSpans"][0]["scopeSpans"]) == 1
        assert len(doc["resourceSpans"][0]["scopeSpans"][0]["spans"]) == 1
        via_proto = spans_from_line(line)
        ours = list(iter_spans_from_line(line))
        assert len(via_proto) == len(ours) == 1
        span = sdk_spans[ours[0]["span_id"]]
        for decoded in (via_proto[0], ours[0]):
            nan_free = dict(decoded, attributes={k: v for k, v in decoded["attributes"].items() if k != "nan"})
            diffs = compare_with_sdk_span(nan_free, _WithoutNan(span))
            assert not diffs, diffs
        assert _comparable(ours[0]) == _comparable(via_proto[0])


class _WithoutNan:
    """The SDK span seen without its NaN attribute (NaN never compares equal)."""

    def __init__(self, span):
        self._span = span
        self.attributes = {k: v for k, v in (span.attributes or {}).items() if k != "nan"}

    def __getattr__(self, name):
        return getattr(self._span, name)


def test_field_shapes_match_the_otlp_json_rules(tmp_path):
    provider, memory, jsonl = _pipeline(tmp_path)
    _make_rich_spans(provider)
    provider.shutdown()
    by_name = {}
    for line in _all_lines(jsonl.directory):
        doc = json.loads(line)
        rs = doc["resourceSpans"][0]
        by_name[rs["scopeSpans"][0]["spans"][0]["name"]] = (rs, rs["scopeSpans"][0]["spans"][0])
    rs, root = by_name["root"]
    assert rs["schemaUrl"] == "https://opentelemetry.io/schemas/1.26.0"
    assert rs["scopeSpans"][0]["scope"] == {
        "name": "enc.scope", "version": "2.1", "attributes": [{"key": "scope.attr", "value": {"stringValue": "s"}}],
    }
    assert rs["scopeSpans"][0]["schemaUrl"] == "https://example.test/schema"
    assert root["traceId"] == "0af7651916cd43dd8448eb211c80319c"
    assert root["parentSpanId"] == "00f067aa0ba902b7"
    assert root["traceState"] == "vendor=abc,other=x1"
    assert root["kind"] == 2  # SERVER
    assert root["flags"] == 0x01 | 0x100 | 0x200  # sampled, has-is-remote, is-remote
    assert isinstance(root["startTimeUnixNano"], str) and root["startTimeUnixNano"].isdigit()
    values = {kv["key"]: kv["value"] for kv in root["attributes"]}
    assert values["int"] == {"intValue": "-42"}
    assert values["big"] == {"intValue": str(2**62)}
    assert values["float"] == {"doubleValue": 3.25}
    assert values["nan"] == {"doubleValue": "NaN"} and values["inf"] == {"doubleValue": "Infinity"}
    assert values["bool"] == {"boolValue": True}
    assert values["ints"] == {"arrayValue": {"values": [{"intValue": "1"}, {"intValue": "2"}, {"intValue": "3"}]}}
    assert values["empty"] == {"arrayValue": {"values": []}}
    assert root["events"][0] == {
        "timeUnixNano": "1700000000123456789", "name": "checkpoint",
        "attributes": [{"key": "step", "value": {"intValue": "1"}},
                       {"key": "names", "value": {"arrayValue": {"values": [{"stringValue": "x"}, {"stringValue": "y"}]}}}],
    }
    link = root["links"][0]
    assert link["traceId"] == "00000000000000000000000000001234" and link["spanId"] == "0000000000005678"
    assert link["flags"] == 0x300
    _, child = by_name["child"]
    assert child["kind"] == 3 and child["status"] == {"code": 2, "message": "boom: it failed"}
    assert child["parentSpanId"] == root["spanId"]
    assert child["flags"] == 0x101  # local parent: has-is-remote set, is-remote clear
    assert child["events"][0]["name"] == "exception"
    assert by_name["ok-child"][1]["status"] == {"code": 1} and by_name["ok-child"][1]["kind"] == 4
    assert by_name["k4"][1]["kind"] == 5 and by_name["k0"][1]["kind"] == 1


def test_same_protobuf_as_the_official_otlp_encoder(tmp_path):
    provider, memory, jsonl = _pipeline(tmp_path)
    _make_rich_spans(provider)
    provider.shutdown()
    sdk_spans = {s.context.span_id: s for s in memory.get_finished_spans()}
    for line in _all_lines(jsonl.directory):
        ours = to_proto(line)
        span_id = int.from_bytes(ours.resource_spans[0].scope_spans[0].spans[0].span_id, "big")
        official = encode_spans([sdk_spans[span_id]])
        # The official encoder leaves out the W3C trace-flag bits (0-7); we carry them.
        for req in (ours, official):
            for rs in req.resource_spans:
                for ss in rs.scope_spans:
                    for s in ss.spans:
                        s.flags &= ~0xFF
                        for link in s.links:
                            link.flags &= ~0xFF
        assert MessageToDict(ours) == MessageToDict(official)


def test_long_values_are_truncated_before_encoding_with_marker(tmp_path):
    provider, memory, jsonl = _pipeline(tmp_path, max_value_chars=100)
    tracer = provider.get_tracer("t")
    long = "é" * 5000
    with tracer.start_as_current_span("long", attributes={"v": long, "vs": [long, "short"]}) as span:
        span.add_event("e", {"v": long})
        span.set_status(Status(StatusCode.ERROR, long))
    provider.shutdown()
    (line,) = _all_lines(jsonl.directory)
    assert_valid_line(line)
    (span,) = iter_spans_from_line(line)
    marked = "é" * 100 + truncation_marker(5000)
    assert span["attributes"]["v"] == marked
    assert span["attributes"]["vs"] == [marked, "short"]
    assert span["events"][0]["attributes"]["v"] == marked
    assert span["status_message"] == marked
    assert "5000" in marked


def test_long_ascii_values_with_escapes_are_cut_with_the_marker(tmp_path):
    provider, memory, jsonl = _pipeline(tmp_path, max_value_chars=300)
    long = ('say "hi" \\ then\n' * 100)  # quotes, backslashes, newlines: all escaped
    provider.get_tracer("t").start_span("s", attributes={"v": long, "short": long[:200] + "\u0001" * 200}).end()
    provider.shutdown()
    (line,) = _all_lines(jsonl.directory)
    assert_valid_line(line)
    (span,) = iter_spans_from_line(line)
    assert span["attributes"]["v"] == long[:300] + truncation_marker(len(long))
    assert span["attributes"]["short"] == (long[:200] + "\u0001" * 100) + truncation_marker(400)


def test_env_attribute_length_limit_is_the_default(tmp_path, monkeypatch):
    provider = TracerProvider()  # built before the variable: the SDK itself does not cut
    monkeypatch.setenv("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "10")
    jsonl = exporter(tmp_path / "traces")
    provider.add_span_processor(SimpleSpanProcessor(jsonl))
    provider.get_tracer("t").start_span("s", attributes={"v": "x" * 50}).end()
    provider.shutdown()
    (line,) = _all_lines(jsonl.directory)
    (span,) = iter_spans_from_line(line)
    assert span["attributes"]["v"] == "x" * 10 + truncation_marker(50)


def test_awkward_strings_stay_one_valid_line(tmp_path):
    provider, memory, jsonl = _pipeline(tmp_path)
    tracer = provider.get_tracer("t")
    awkward = {
        "newlines": "a\nb\r\nc", "separators": "x\u2028y\u2029z\x85w", "surrogate": "bad \ud800 half",
        "quote": 'he said "hi" \\ ok', "nul": "a\x00b", "emoji": "🙂" * 3,
    }
    tracer.start_span("awkward\nname", attributes=awkward).end()
    provider.shutdown()
    lines = _all_lines(jsonl.directory)
    assert len(lines) == 1
    (line,) = lines
    assert_valid_line(line)
    assert len(line.decode("utf-8").splitlines()) == 1  # even str.splitlines() sees one line
    (span,) = iter_spans_from_line(line)
    assert span["name"] == "awkward\nname"
    for key in ("newlines", "separators", "quote", "nul", "emoji"):
        assert span["attributes"][key] == awkward[key]
    assert span["attributes"]["surrogate"].startswith("bad ")


def test_long_strings_of_every_kind_round_trip_exactly(tmp_path):
    # Long values take a different escaping route than short ones (C scans instead of the
    # json escaper) whenever they are ASCII: both routes must give the same text.
    rng = random.Random(7)
    plain = string.ascii_letters + ' .,{}:[]"\\\n/'
    ascii_controls = plain + "\t\r\x00\x1f\x7f"
    awkward = ascii_controls + "\x85é✓🙂\u2028"
    values = {}
    for i in range(60):
        alphabet = (plain, ascii_controls, awkward)[i % 3]
        values[f"v{i}"] = "".join(rng.choice(alphabet) for _ in range(rng.randint(120, 1500)))
    values["json"] = json.dumps({"query": 'say "hi" \\ there', "rows": list(range(40))}, indent=1)
    values["backslash_end"] = "x" * 200 + "\\"
    for code in (*range(32), 0x7F):  # each control character alone in long ASCII text
        values[f"control_{code}"] = "a" * 150 + chr(code) + 'b"\\' * 3
    provider, memory, jsonl = _pipeline(tmp_path)
    with provider.get_tracer("t").start_as_current_span("long " * 40, attributes=values) as span:
        span.add_event("e", {"content": values["json"]})
        span.set_status(Status(StatusCode.ERROR, values["v1"]))
    provider.shutdown()
    (line,) = _all_lines(jsonl.directory)
    assert_valid_line(line)
    assert len(line.decode("utf-8").splitlines()) == 1
    (decoded,) = iter_spans_from_line(line)
    assert decoded["attributes"] == values
    assert decoded["events"][0]["attributes"] == {"content": values["json"]}
    assert decoded["status_message"] == values["v1"] and decoded["name"] == "long " * 40
    (sdk_span,) = memory.get_finished_spans()
    assert MessageToDict(to_proto(line))["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"] == \
        MessageToDict(encode_spans([sdk_span]))["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"]


def test_spans_over_the_sdk_limits_keep_their_dropped_counts(tmp_path):
    memory = InMemorySpanExporter()
    jsonl = exporter(tmp_path / "traces")
    limits = SpanLimits(max_span_attributes=2, max_events=1, max_links=1, max_event_attributes=1,
                        max_link_attributes=1)
    provider = TracerProvider(span_limits=limits)
    provider.add_span_processor(SimpleSpanProcessor(memory))
    provider.add_span_processor(SimpleSpanProcessor(jsonl))
    links = [Link(SpanContext(0x1234, 0x5678 + i, False), {"a": 1, "b": 2}) for i in range(3)]
    with provider.get_tracer("t").start_as_current_span("limited", links=links, attributes={"a": 1}) as span:
        span.set_attributes({"b": 2, "c": 3, "d": 4})
        for i in range(4):
            span.add_event(f"e{i}", {"x": i, "y": i})
    provider.shutdown()
    (line,) = _all_lines(jsonl.directory)
    (doc,) = json.loads(line)["resourceSpans"][0]["scopeSpans"][0]["spans"]
    assert doc["droppedAttributesCount"] == 2 and doc["droppedEventsCount"] == 3 and doc["droppedLinksCount"] == 2
    assert [e["name"] for e in doc["events"]] == ["e3"] and doc["events"][0]["droppedAttributesCount"] == 1
    assert len(doc["links"]) == 1 and doc["links"][0]["droppedAttributesCount"] == 1
    (sdk_span,) = memory.get_finished_spans()
    ours, official = to_proto(line), encode_spans([sdk_span])
    for req in (ours, official):
        for s in req.resource_spans[0].scope_spans[0].spans:
            s.flags &= ~0xFF
            for link in s.links:
                link.flags &= ~0xFF
    assert MessageToDict(ours) == MessageToDict(official)


def test_decoder_is_lenient_where_receivers_must_be_and_strict_elsewhere():
    lenient = {
        "resource_spans": [{"resource": {}, "scope_spans": [{"scope": {"name": "s"}, "spans": [{
            "trace_id": "0AF7651916CD43DD8448EB211C80319C", "span_id": "00F067AA0BA902B7", "name": "n",
            "kind": 2, "start_time_unix_nano": 5, "end_time_unix_nano": "7",
            "attributes": [{"key": "i", "value": {"intValue": 3}}, {"key": "d", "value": {"doubleValue": "Infinity"}}],
        }]}]}],
    }
    (span,) = iter_spans_from_line(json.dumps(lenient))
    assert span["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    assert (span["start_ns"], span["end_ns"], span["kind"]) == (5, 7, 2)
    assert span["attributes"] == {"i": 3, "d": float("inf")}
    assert span["parent_span_id"] is None and span["status_code"] == 0
    for bad in ("not json", "[1]", '{"resourceSpans": 3}',
                '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz","spanId":"00f067aa0ba902b7"}]}]}]}',
                '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c",'
                '"spanId":"00f067aa0ba902b7","attributes":[{"key":"k","value":{"stringValue":"a","intValue":"1"}}]}]}]}]}'):
        with pytest.raises(ValueError):
            list(iter_spans_from_line(bad))


def test_validator_rejects_the_generic_protobuf_json_mapping(tmp_path):
    """The validator is not a rubber stamp: protobuf's own JSON (base64 ids, enum names) fails it."""
    from google.protobuf.json_format import MessageToJson

    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    provider.get_tracer("t").start_span("s", attributes={"n": 1}).end()
    generic = MessageToJson(encode_spans(memory.get_finished_spans()), indent=None)
    problems = validate_line(generic)
    assert any("traceId" in p and "hex" in p for p in problems)
    assert any("kind" in p for p in problems)


def test_batch_processor_many_spans_all_lines_valid(tmp_path):
    jsonl = exporter(tmp_path / "traces")
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(jsonl, max_export_batch_size=64))
    tracer = provider.get_tracer("bsp")
    for i in range(1000):
        with tracer.start_as_current_span(f"s{i}", attributes={"i": i}):
            pass
    assert provider.force_flush()
    provider.shutdown()
    lines = _all_lines(jsonl.directory)
    assert len(lines) == 1000
    seen = set()
    for line in lines:
        assert not validate_line(line)
        (span,) = iter_spans_from_line(line)
        seen.add(span["attributes"]["i"])
    assert seen == set(range(1000))
    assert jsonl.export([]) == SpanExportResult.FAILURE  # after shutdown
    jsonl.shutdown()  # idempotent


class _FilteringSpan(ReadableSpan):
    """A span type whose public attributes differ from its private storage."""

    @property
    def attributes(self):
        return {k: v for k, v in self._attributes.items() if k != "hidden"}


def test_subclass_attributes_property_is_respected(tmp_path):
    jsonl = exporter(tmp_path / "traces")
    span = _FilteringSpan(name="s", context=SpanContext(1, 2, False), attributes={"hidden": "secret", "shown": 1},
                          start_time=1, end_time=2)
    assert jsonl.export([span]) == SpanExportResult.SUCCESS
    (line,) = _all_lines(jsonl.directory)
    assert b"secret" not in line
    (decoded,) = iter_spans_from_line(line)
    assert decoded["attributes"] == {"shown": 1}


def test_behind_the_redacting_processor_no_secret_reaches_the_file(tmp_path):
    from actiontrace.redaction import RedactingSpanProcessor

    secret = "sk-proj-" + "".join(chr(97 + (i * 7) % 26) for i in range(40))  # built at test time
    jsonl = exporter(tmp_path / "traces")
    provider = TracerProvider()
    provider.add_span_processor(RedactingSpanProcessor(SimpleSpanProcessor(jsonl)))
    provider.get_tracer("t").start_span("s", attributes={"api_key": secret, "note": f"key={secret}"}).end()
    provider.shutdown()
    (line,) = _all_lines(jsonl.directory)
    assert_valid_line(line)
    assert secret.encode() not in line and secret[8:16].encode() not in line
