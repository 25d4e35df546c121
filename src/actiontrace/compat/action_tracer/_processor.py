"""The SDK span processor that turns ended spans into ``TraceEntry`` objects.

An ``ActionTracer.trace()`` block registers its span here; every span started under a
registered span is registered too (in ``on_start``, from its parent), so instrumented
calls inside the block — OpenAI requests, decorated tools — become entries as well.
``on_end`` converts a registered span and hands it to the tracers watching it. Spans
of nobody's ``trace()`` block cost one dict lookup.

One processor for the process, added once to the global SDK ``TracerProvider``
(providers cannot remove processors, so one per tracer would pile up).
"""

from __future__ import annotations

import json
import threading
import weakref
from typing import Any, Dict, Optional

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.trace import StatusCode

from ... import _vocabulary as A
from ..._safety import log_once, tracing_failed
from .._timestamps import ns_to_datetime
from ._entry import TraceEntry
from ...redaction import RedactingSpanProcessor, default_redactor

# Spans still open under trace() blocks; past this, new ones are not followed (a leak guard).
MAX_OPEN = 100_000

# The entry's "action" category for spans that are not trace() blocks themselves.
_ACTION_BY_SPAN_TYPE = {"llm": "llm_call", "tool": "tool_call", "agent": "agent_run", "workflow": "workflow_run"}
_METADATA_FROM = (
    ("model", (A.GEN_AI_RESPONSE_MODEL, A.GEN_AI_REQUEST_MODEL)),
    ("input_tokens", (A.GEN_AI_USAGE_INPUT_TOKENS,)),
    ("output_tokens", (A.GEN_AI_USAGE_OUTPUT_TOKENS,)),
    ("cost_usd", (A.COST_USD,)),
    ("tool_name", (A.GEN_AI_TOOL_NAME,)),
    ("session_path", (A.SESSION_PATH,)),
)


class Watch:
    """The tracers following one open span, and the entry a trace() block yielded for it."""

    __slots__ = ("tracers", "entry", "recorded")

    def __init__(self, tracers: tuple, entry: Optional[TraceEntry]) -> None:
        self.tracers = tracers
        self.entry = entry
        self.recorded = False


def _first(attrs, keys) -> Any:
    for key in keys:
        value = attrs.get(key)
        if value not in (None, ""):
            return value
    return None


def summary_text(value: Any) -> str:
    """Captured values are JSON; a JSON string reads back as its text."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith('"'):
        try:
            decoded = json.loads(text)
        except ValueError:
            return text
        if isinstance(decoded, str):
            return decoded
    return text


def _metadata_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def fill_entry(entry: TraceEntry, span: ReadableSpan, *, own: bool) -> TraceEntry:
    """Timing, outcome and ids from the span; for a span that is not a trace() block
    itself (``own=False``) also everything else, read from its attributes."""
    attrs = span.attributes or {}
    ctx = span.get_span_context()
    start, end = span.start_time or 0, span.end_time or span.start_time or 0
    entry.started_at = ns_to_datetime(start)
    entry.ended_at = ns_to_datetime(end)
    entry.duration_ms = max(0, end - start) / 1e6
    entry.trace_id = format(ctx.trace_id, "032x")
    entry.span_id = format(ctx.span_id, "016x")
    entry.parent_span_id = format(span.parent.span_id, "016x") if span.parent else ""
    failed = span.status.status_code is StatusCode.ERROR
    entry.status = "error" if failed else "ok"
    entry.error = (span.status.description or str(attrs.get(A.ERROR_TYPE) or "error")) if failed else None
    if not own:
        span_type = str(attrs.get(A.SPAN_TYPE) or "")
        entry.action = str(attrs.get(A.ACTION_TYPE) or _ACTION_BY_SPAN_TYPE.get(span_type) or span_type or "span")
        entry.operation = str(attrs.get(A.OPERATION) or span.name)
        entry.connector = str(_first(attrs, (A.CONNECTOR, A.GEN_AI_PROVIDER_NAME)) or "")
        entry.asset_id = str(attrs.get(A.ASSET_ID) or "")
        entry.conversation_id = str(_first(attrs, (A.GEN_AI_CONVERSATION_ID, A.SESSION_ID)) or "")
        entry.input_summary = summary_text(_first(attrs, (A.INPUT, A.GEN_AI_TOOL_CALL_ARGUMENTS, A.GEN_AI_INPUT_MESSAGES)))
        entry.output_summary = summary_text(_first(attrs, (A.OUTPUT, A.GEN_AI_TOOL_CALL_RESULT, A.GEN_AI_OUTPUT_MESSAGES)))
        prefix = A.METADATA_PREFIX
        entry.metadata = {k[len(prefix):]: _metadata_value(v) for k, v in attrs.items() if k.startswith(prefix)}
    for key, sources in _METADATA_FROM:
        value = _first(attrs, sources)
        if value is not None:
            entry.metadata.setdefault(key, _metadata_value(value))
    return entry


def redact_entry(entry: TraceEntry) -> TraceEntry:
    """The ring holds redacted entries, like every other copy that leaves the span: what a
    trace() block set itself (summaries, metadata) is redacted here, the rest came from
    the already redacted span."""
    redactor = default_redactor()
    for field in ("input_summary", "output_summary", "error"):
        value = getattr(entry, field)
        if isinstance(value, str) and value:
            setattr(entry, field, redactor.redact_text(value)[0])
    if entry.metadata:
        entry.metadata = redactor.redact_value(entry.metadata)[0]
    return entry


class EntryProcessor(SpanProcessor):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: Dict[tuple, Watch] = {}

    def watch(self, span, tracer, entry: TraceEntry) -> Optional[Watch]:
        """Follow ``span`` (a trace() block of ``tracer``) and its descendants."""
        ctx = span.get_span_context()
        key = (ctx.trace_id, ctx.span_id)
        with self._lock:
            existing = self._open.get(key)  # set by on_start when inside an outer trace() block
            if existing is None and len(self._open) >= MAX_OPEN:
                log_once("ActionTracer.open", "actiontrace: more than %d spans open under ActionTracer.trace(); "
                         "new ones get no entry", MAX_OPEN, exc_info=False)
                return None
            tracers = existing.tracers if existing else ()
            if tracer not in tracers:
                tracers = tracers + (tracer,)
            watch = self._open[key] = Watch(tracers, entry)
            return watch

    def on_start(self, span, parent_context=None) -> None:
        if not self._open:
            return
        try:
            parent = span.parent
            if parent is None:
                return
            with self._lock:
                owner = self._open.get((parent.trace_id, parent.span_id))
                if owner is not None and len(self._open) < MAX_OPEN:
                    ctx = span.get_span_context()
                    self._open[(ctx.trace_id, ctx.span_id)] = Watch(owner.tracers, None)
        except Exception:
            tracing_failed("EntryProcessor.on_start")

    def on_end(self, span: ReadableSpan) -> None:
        if not self._open:
            return
        try:
            ctx = span.get_span_context()
            with self._lock:
                watch = self._open.pop((ctx.trace_id, ctx.span_id), None)
            if watch is None:
                return
            own = watch.entry is not None
            entry = redact_entry(fill_entry(watch.entry if own else TraceEntry(), span, own=own))
            watch.recorded = True
            for tracer in watch.tracers:
                tracer.record(entry)
        except Exception:
            tracing_failed("EntryProcessor.on_end")

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


processor = EntryProcessor()
_registered: "weakref.WeakSet[TracerProvider]" = weakref.WeakSet()
_register_lock = threading.Lock()


def ensure_registered() -> bool:
    """Add the processor to the global SDK provider (once); False when there is none,
    so the caller records entries from its own timing instead."""
    provider = trace.get_tracer_provider()
    if provider in _registered:
        return True
    if not isinstance(provider, TracerProvider):
        return False
    with _register_lock:
        if provider not in _registered:
            # Entries are a local copy like any exporter's: they see only redacted spans.
            provider.add_span_processor(RedactingSpanProcessor(processor))
            _registered.add(provider)
    return True
