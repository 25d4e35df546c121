"""orjson's encoder (the ``fast`` extra) writes the very bytes the standard encoder writes."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import pytest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, SpanLimits, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import Link, NonRecordingSpan, SpanContext, SpanKind, Status, StatusCode, TraceFlags
from opentelemetry.trace import TraceState, set_span_in_context

from actiontrace.exporters import JsonlSpanExporter, SpanLineEncoder, read_lines
from support.otlp_json_validator import assert_valid_line

orjson_encoding = pytest.importorskip("actiontrace.exporters._otlp_json_orjson")
OrjsonSpanLineEncoder = orjson_encoding.OrjsonSpanLineEncoder
_q = json.encoder.encode_basestring


def test_every_code_point_gets_the_json_modules_literal():
    # Runs of 64 consecutive code points, each run long enough for the long-string escaper.
    points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for k in range(0, len(points), 64):
        text = "".join(map(chr, points[k:k + 64])) * 3
        assert orjson_encoding._orjson_long_string(text) == _q(text), hex(points[k])


def test_a_lone_surrogate_falls_back_to_the_json_modules_literal():
    text = "x" * 200 + "\ud800" + "y" * 10
    assert orjson_encoding._orjson_long_string(text) == _q(text)


def _texts(rng: random.Random) -> dict[str, str]:
    alphabets = {
        "ascii": "abc XYZ.,:;{}[]",
        "escapes": 'a"\\/\n\r\t\b\f',
        "controls": "".join(map(chr, range(32))) + "\x7f",
        "unicode": "é日本✓🙂\u00a0\ufeff\U0010fffd",
        "separators": "a\u2028b\u2029c\x85",
        "surrogates": "ok\ud800\udfff\udbff",
    }
    out = {}
    for name, alphabet in alphabets.items():
        for size in (1, 40, 127, 128, 129, 300, 2000):
            out[f"{name}.{size}"] = "".join(rng.choice(alphabet) for _ in range(size))
    return out


def _corpus() -> list[ReadableSpan]:
    rng = random.Random(21)
    texts = _texts(rng)
    memory = InMemorySpanExporter()
    provider = TracerProvider(
        resource=Resource.create({"service.name": "orjson-test", "host.name": "h\u2028é"}, "https://schema/1"),
        span_limits=SpanLimits(max_attributes=200, max_events=3, max_links=2, max_event_attributes=4))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("scope é", "1.0", schema_url="https://scope", attributes={"s": "\x00"})
    numbers = {
        "nan": float("nan"), "inf": float("inf"), "-inf": float("-inf"), "tiny": 1e-05, "big": 1e16,
        "neg0": -0.0, "pi": 3.141592653589793, "int64max": 2**63 - 1, "int64min": -(2**63),
        "huge": 2**64, "-huge": -(2**70), "zero": 0, "true": True, "false": False,
        "floats": [0.1, float("nan"), 1e300], "ints": [1, 2**63, -1], "bools": (True, False), "empty": (),
        "strs": list(texts.values())[:12],
    }
    remote = SpanContext(0x0AF7651916CD43DD8448EB211C80319C, 0x00F067AA0BA902B7, is_remote=True,
                         trace_flags=TraceFlags(1), trace_state=TraceState([("v", "a\u00e9".encode().hex())]))
    links = [Link(SpanContext(0x1, 0x2, is_remote=False, trace_flags=TraceFlags(0)), {"l": texts["unicode.300"]}),
             Link(remote, {"n": float("inf")}), Link(remote)]
    with tracer.start_as_current_span("root " + texts["separators.129"], kind=SpanKind.SERVER, links=links,
                                      context=set_span_in_context(NonRecordingSpan(remote)),
                                      attributes={**texts, **numbers}) as root:
        for i in range(5):  # past max_events: a dropped count
            root.add_event(texts["unicode.40"], {"i": i, "c": texts["controls.300"], "f": 0.5, "g": 1, "h": 2})
        root.set_status(Status(StatusCode.ERROR, texts["escapes.2000"]))
        with tracer.start_as_current_span("child", kind=SpanKind.CLIENT) as child:
            child.set_attribute("surrogate", texts["surrogates.300"])
            child.set_status(Status(StatusCode.OK))
        for kind in SpanKind:
            tracer.start_span(texts["ascii.128"], kind=kind, attributes={"k": kind.value}).end()
    provider.shutdown()
    spans = list(memory.get_finished_spans())
    # What the SDK will not hold, a hand-made span can: bytes, mappings, odd objects, non-str keys.
    spans.append(ReadableSpan(
        name="hand-made", context=SpanContext(0x3, 0x4, is_remote=False), parent=None,
        resource=Resource({"r": texts["unicode.129"]}), instrumentation_scope=InstrumentationScope("hand", None),
        attributes={"bytes": b"\x00\xff", "map": {"a": [1, {"b": texts["escapes.300"]}]}, "obj": object.__name__,
                    "none": None, 7: "int key", "nested": [[1, [2.5, "x" * 200]], []]},
        events=[Event("e", {"big": 2**65}, timestamp=5)], links=(), status=Status(StatusCode.UNSET),
        start_time=1, end_time=2))
    return spans


@pytest.mark.parametrize("max_value_chars", [None, 65536, 100])
def test_a_varied_corpus_encodes_to_identical_bytes(max_value_chars):
    spans = _corpus()
    kwargs = {} if max_value_chars is None else {"max_value_chars": max_value_chars}
    plain, fast = SpanLineEncoder(**kwargs), OrjsonSpanLineEncoder(**kwargs)
    assert len(spans) >= 8
    for span in spans:
        expected = plain.encode(span)
        assert fast.encode(span) == expected, span.name[:40]
        assert_valid_line(expected)
        assert len(expected.decode("utf-8").splitlines()) == 1


def test_the_exporter_chooses_orjson_when_it_imports_and_the_setting_overrides(tmp_path):
    assert type(JsonlSpanExporter(tmp_path / "a").encoder) is OrjsonSpanLineEncoder
    assert type(JsonlSpanExporter(tmp_path / "b", encoder="orjson").encoder) is OrjsonSpanLineEncoder
    assert type(JsonlSpanExporter(tmp_path / "c", encoder="json").encoder) is SpanLineEncoder
    with pytest.raises(ValueError, match="encoder must be one of"):
        JsonlSpanExporter(tmp_path / "d", encoder="ujson")
    assert not (tmp_path / "d").exists()


def test_files_written_through_either_encoder_are_identical(tmp_path):
    spans = _corpus()
    for name in ("json", "orjson"):
        exporter = JsonlSpanExporter(tmp_path / name, encoder=name, rotate_daily=False)
        exporter.export(spans)
        exporter.shutdown()
    (a,), (b,) = os.listdir(tmp_path / "json"), os.listdir(tmp_path / "orjson")
    assert (tmp_path / "json" / a).read_bytes() == (tmp_path / "orjson" / b).read_bytes()
    assert len(list(read_lines(str(tmp_path / "json" / a)))) == len(spans)


_WITHOUT_ORJSON = """
import sys
sys.modules["orjson"] = None  # what the import system does for a module that is not installed
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from actiontrace.exporters import JsonlSpanExporter
exporter = JsonlSpanExporter(sys.argv[1])
print(type(exporter.encoder).__name__)
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
provider.get_tracer("t").start_span("no orjson " + "\u00e9" * 200, attributes={"x": "\\n" * 300}).end()
provider.shutdown()
try:
    JsonlSpanExporter(sys.argv[1], encoder="orjson")
except ImportError:
    print("orjson refused")
"""


def test_without_orjson_the_exporter_uses_the_standard_encoder(tmp_path):
    out = subprocess.run([sys.executable, "-c", _WITHOUT_ORJSON, str(tmp_path / "t")], capture_output=True,
                         text=True, timeout=60, check=True).stdout.split("\n")
    assert out[:2] == ["SpanLineEncoder", "orjson refused"]
    (name,) = os.listdir(tmp_path / "t")
    (line,) = list(read_lines(str(tmp_path / "t" / name)))
    assert_valid_line(line)
    assert json.loads(line)["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["name"] == "no orjson " + "é" * 200


class _Shouting(str):
    def __str__(self):
        return self.upper()


def test_cached_attribute_texts_are_shared_only_by_exact_strings():
    # The encoder reuses the text of a repeated short string (or tuple of them) attribute;
    # a str subclass equal to a cached value must still be written as its own str().
    def span(value):
        return ReadableSpan(name="s", context=SpanContext(0x5, 0x6, is_remote=False), attributes={"k": value},
                            resource=Resource({}), start_time=1, end_time=2)

    for encoder in (SpanLineEncoder(), OrjsonSpanLineEncoder()):
        plain = [encoder.encode(span(v)) for v in ("stop", ("stop", "x"), "stop", ("stop", "x"))]
        assert plain[0] == plain[2] and plain[1] == plain[3]
        assert b'"STOP"' in encoder.encode(span(_Shouting("stop")))
        assert b'"STOP"' in encoder.encode(span((_Shouting("stop"), "x")))
