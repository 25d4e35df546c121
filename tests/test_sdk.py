"""Canaries for the SDK-internal fast paths in ``actiontrace._sdk``.

Each test asserts that, with the pinned OpenTelemetry packages, the fast path is taken (not its
fallback), so an upgrade that makes one fall back fails here by name instead of slowing down or
losing a count unnoticed; and that the fallback gives the same answer where the public API can.
Everything runs on real SDK objects.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import warnings
from collections import deque

from opentelemetry import context as context_api
from opentelemetry.attributes import BoundedAttributes
from opentelemetry.sdk.trace import Event, ReadableSpan, SpanLimits, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link

from actiontrace import _sdk


def _ended_span(**limits) -> ReadableSpan:
    memory = InMemorySpanExporter()
    provider = TracerProvider(span_limits=SpanLimits(**limits))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("canary")
    with tracer.start_as_current_span("linked") as other:
        pass
    span = tracer.start_span("canary", attributes={"a": 1, "b": "two"}, links=[Link(other.get_span_context(), {"l": 1})])
    span.add_event("e", {"k": "v"})
    span.end()
    provider.shutdown()
    return memory.get_finished_spans()[-1]


# --- an ended span's contents ------------------------------------------------------------------

def test_span_contents_reads_the_sdk_containers_directly():
    span = _ended_span()
    assert _sdk.span_contents_are_direct(span)
    attrs, events, links = _sdk.span_contents(span)
    assert type(attrs) is dict and type(events) is deque and type(links) is deque  # no copies made
    public = _sdk.public_span_contents(span)
    assert (attrs, list(events), list(links)) == (dict(public[0]), list(public[1]), list(public[2]))


def test_span_contents_of_a_subclass_with_its_own_property_takes_the_public_path():
    class Filtered(ReadableSpan):
        @property
        def attributes(self):
            return {"only": "this"}

    span = _ended_span()
    copy = Filtered(name=span.name, context=span.context, attributes=span.attributes, events=span.events)
    assert not _sdk.span_contents_are_direct(copy)
    assert _sdk.span_contents(copy) == _sdk.public_span_contents(copy)


def test_span_fields_read_the_sdk_fields_directly_and_match_the_properties():
    span = _ended_span(max_attributes=1, max_events=1, max_links=1)
    assert _sdk.span_fields_are_direct(span)
    assert _sdk.span_fields(span) == _sdk.public_span_fields(span)
    assert _sdk.span_fields(span)[-3:] == (span.dropped_attributes, span.dropped_events, span.dropped_links)


def test_span_fields_of_a_subclass_with_its_own_property_take_the_public_path():
    class Renamed(ReadableSpan):
        @property
        def name(self):
            return "renamed"

    span = _ended_span()
    copy = Renamed(name=span.name, context=span.context, attributes=span.attributes)
    assert not _sdk.span_fields_are_direct(copy)
    assert _sdk.span_fields(copy)[2] == "renamed"


def test_plain_attributes_is_the_dict_behind_bounded_attributes():
    attrs = _ended_span().attributes
    store = BoundedAttributes(maxlen=None, attributes=dict(attrs), immutable=True)
    inner = _sdk.plain_attributes(store)
    assert type(inner) is dict and inner is not store
    assert inner == dict(store.items())  # the fallback: the mapping itself


# --- a starting span's attributes --------------------------------------------------------------

class _Stamp(SpanProcessor):
    def __init__(self, stamps):
        self.stamps = stamps
        self.direct: list[bool] = []

    def on_start(self, span, parent_context=None):
        self.direct.append(_sdk.add_to_starting_span(span, dict(self.stamps)))


class _SetAttributes(_Stamp):
    def on_start(self, span, parent_context=None):
        span.set_attributes(dict(self.stamps))


def _stamped(processor_cls, **limits) -> tuple[ReadableSpan, _Stamp]:
    memory = InMemorySpanExporter()
    provider = TracerProvider(span_limits=SpanLimits(**limits))
    stamp = processor_cls({"session.id": "s-1", "actiontrace.path": "/foreign"})
    provider.add_span_processor(stamp)
    provider.add_span_processor(SimpleSpanProcessor(memory))
    provider.get_tracer("canary").start_span("foreign", attributes={"own": "value"}).end()
    provider.shutdown()
    return memory.get_finished_spans()[0], stamp


def test_stamps_go_straight_into_the_sdk_attribute_store():
    fast, stamp = _stamped(_Stamp)
    assert stamp.direct == [True]
    public, _ = _stamped(_SetAttributes)
    assert dict(fast.attributes) == dict(public.attributes)
    assert fast.dropped_attributes == public.dropped_attributes == 0


def test_stamps_past_an_sdk_limit_go_through_set_attributes():
    fast, stamp = _stamped(_Stamp, max_span_attributes=2)
    assert stamp.direct == [False]
    public, _ = _stamped(_SetAttributes, max_span_attributes=2)
    assert dict(fast.attributes) == dict(public.attributes) and fast.dropped_attributes == 1


# --- copies of ended spans -----------------------------------------------------------------------

def test_copies_carry_the_dropped_counts_the_sdk_reports():
    span = _ended_span(max_span_attributes=1, max_events=1, max_links=1)
    copy = ReadableSpan(
        name=span.name, context=span.context,
        attributes=_sdk.attributes_with_dropped(dict(span.attributes), span.dropped_attributes),
        events=_sdk.list_with_dropped([Event("x", _sdk.attributes_with_dropped({"k": 1}, 2))], span.dropped_events),
        links=_sdk.list_with_dropped(list(span.links), span.dropped_links),
    )
    assert span.dropped_attributes == 1
    assert (copy.dropped_attributes, copy.dropped_events, copy.dropped_links) == (
        span.dropped_attributes, span.dropped_events, span.dropped_links)
    assert copy.events[0].dropped_attributes == 2
    assert dict(copy.attributes) == dict(span.attributes)


def test_instrumentation_info_is_read_without_the_deprecation_warning():
    span = _ended_span()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fast = _sdk.instrumentation_info(span)
    assert fast is not None and fast.name == "canary"  # the fast path, not the None fallback
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert fast is span.instrumentation_info


# --- span processors -----------------------------------------------------------------------------

def test_the_sdk_calls_the_on_ending_hook_a_wrapper_passes_on():
    seen: list[str] = []

    class Inner(SpanProcessor):
        def _on_ending(self, span):
            seen.append(span.name)

    from actiontrace.redaction import RedactingSpanProcessor

    inner = Inner()
    assert _sdk.on_ending_hook(inner) is not None
    assert _sdk.on_ending_hook(SpanProcessor()) is not None  # the SDK's base class has the hook
    provider = TracerProvider()
    provider.add_span_processor(RedactingSpanProcessor(inner))
    provider.get_tracer("canary").start_span("ending").end()
    provider.shutdown()
    assert seen == ["ending"]


class _Blocked(SpanExporter):
    def __init__(self):
        self.release = threading.Event()

    def export(self, spans):
        self.release.wait(10)
        return SpanExportResult.SUCCESS


def test_batch_queue_is_the_sdk_processors_queue():
    exporter = _Blocked()
    processor = BatchSpanProcessor(exporter, max_queue_size=7, schedule_delay_millis=60_000, max_export_batch_size=7)
    try:
        queue, capacity = _sdk.batch_queue(processor)
        assert queue is not None and capacity == 7
        provider = TracerProvider()
        provider.add_span_processor(processor)
        for i in range(3):
            provider.get_tracer("canary").start_span(f"s{i}").end()
        assert len(queue) == 3  # what the worker has not taken yet; the public API has no view of it
    finally:
        exporter.release.set()
        processor.shutdown()
    assert _sdk.batch_queue(SimpleSpanProcessor(InMemorySpanExporter())) == (None, None)


def test_batch_queue_reads_the_log_record_processors_queue_too():
    # DropCountingLogProcessor (the GenAI events' OTLP branch) counts drops through the same reader.
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor, LogRecordExporter, LogRecordExportResult

    release = threading.Event()

    class Blocked(LogRecordExporter):
        def export(self, batch):
            release.wait(10)
            return LogRecordExportResult.SUCCESS

        def shutdown(self):
            pass

        def force_flush(self, timeout_millis=30000):
            return True

    processor = BatchLogRecordProcessor(Blocked(), max_queue_size=5, schedule_delay_millis=60_000,
                                        max_export_batch_size=5)
    try:
        queue, capacity = _sdk.batch_queue(processor)
        assert queue is not None and capacity == 5
        provider = LoggerProvider(shutdown_on_exit=False)
        provider.add_log_record_processor(processor)
        for i in range(2):
            provider.get_logger("canary").emit(event_name=f"e{i}")
        assert len(queue) == 2
    finally:
        release.set()
        processor.shutdown()


# --- exporters -----------------------------------------------------------------------------------

def test_exporter_timeout_is_read_from_the_otlp_exporters():
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as Grpc
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as Http

    http, grpc = Http(endpoint="http://127.0.0.1:9/v1/traces", timeout=3), Grpc(endpoint="127.0.0.1:9", timeout=4)
    try:
        assert _sdk._exporter_timeout_field(http) == 3.0 and _sdk.exporter_timeout_s(http) == 3.0
        assert _sdk._exporter_timeout_field(grpc) == 4.0 and _sdk.exporter_timeout_s(grpc) == 4.0
    finally:
        http.shutdown()
        grpc.shutdown()


def test_exporter_timeout_default_matches_the_fallback(monkeypatch):
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as Http

    for name in ("OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    http = Http(endpoint="http://127.0.0.1:9/v1/traces")
    try:
        assert _sdk._exporter_timeout_field(http) == _sdk.DEFAULT_EXPORT_TIMEOUT_S
    finally:
        http.shutdown()
    assert _sdk.exporter_timeout_s(InMemorySpanExporter()) == _sdk.DEFAULT_EXPORT_TIMEOUT_S


# --- context keys of opentelemetry-instrumentation -------------------------------------------------

def test_suppression_keys_are_the_ones_suppress_instrumentation_sets():
    from opentelemetry.instrumentation.utils import is_instrumentation_enabled, suppress_instrumentation

    key, plain = _sdk.suppression_keys()
    assert key != "suppress_instrumentation"  # the real key, not the fallback's plain name
    with suppress_instrumentation():
        ctx = context_api.get_current()
        assert not is_instrumentation_enabled()
        assert ctx.get(key) and ctx.get(plain)
        assert ctx.get("suppress_instrumentation")  # what the fallback would check: same answer
    ctx = context_api.get_current()
    assert is_instrumentation_enabled() and not ctx.get(key) and not ctx.get(plain)


def test_suppress_http_key_turns_http_instrumentation_off():
    from opentelemetry.instrumentation.utils import is_http_instrumentation_enabled, suppress_http_instrumentation

    key = _sdk.suppress_http_key()
    assert key is not None
    token = context_api.attach(context_api.set_value(key, True))
    try:
        assert not is_http_instrumentation_enabled()
    finally:
        context_api.detach(token)
    assert is_http_instrumentation_enabled()
    with suppress_http_instrumentation():  # the public way sets the same key
        assert context_api.get_current().get(key) is True


# --- the metrics API's placeholder providers -------------------------------------------------------

def test_the_unset_global_meter_provider_is_recognised_as_a_placeholder():
    # A fresh interpreter: this process may have set a global MeterProvider already.
    code = ("from opentelemetry import metrics\n"
            "from opentelemetry.metrics import NoOpMeterProvider\n"
            "from actiontrace import _sdk\n"
            "types = _sdk.placeholder_meter_provider_types()\n"
            "assert len(types) == 2 and NoOpMeterProvider in types, types\n"
            "assert isinstance(metrics.get_meter_provider(), types)\n"
            "assert isinstance(NoOpMeterProvider(), types)\n"
            "from opentelemetry.sdk.metrics import MeterProvider\n"
            "assert not isinstance(MeterProvider(), types)\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
