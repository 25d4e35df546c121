"""``ActionTracer``: an in-memory ring of ``TraceEntry`` objects with subscribers.

``trace()`` starts a real span through the core span starter, so the action is in the
same trace as everything else (JSONL files, Jaeger). Entries are made from ended spans
by an SDK span processor (``_entry_processor``), which is why calls made inside a
``trace()`` block by instrumented libraries show up as entries too. Without an SDK
``TracerProvider`` (spans are no-ops) the block's own timing makes the entry.
"""

from __future__ import annotations

import collections
import threading
import time
from types import TracebackType
from typing import Any, Callable, Deque, Dict, List, Literal, Optional

from opentelemetry import trace as trace_api

from ... import _vocabulary as A
from ..._naming import entry_span_name
from ...spans import _capture
from ..._safety import log_once, tracing_failed
from ...context._session import current_session_attributes
from ...spans._starter import error_type, traced
from . import _processor as _ep
from .._flatten import flatten
from .._timestamps import ns_to_datetime
from ._entry import TraceEntry

__all__ = ["ActionTracer", "TraceEntry"]


class ActionTracer:
    """Records and stores agent action traces (the most recent ``max_entries``)."""

    def __init__(self, *, max_entries: int = 1000) -> None:
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise ValueError(f"max_entries must be an int >= 1, got {max_entries!r}")
        self.max_entries = max_entries
        self._entries: Deque[TraceEntry] = collections.deque(maxlen=max_entries)
        self._subscribers: List[Callable[[TraceEntry], Any]] = []
        self._lock = threading.Lock()

    @property
    def entries(self) -> List[TraceEntry]:
        """All recorded trace entries, most recent last (a copy)."""
        with self._lock:
            return list(self._entries)

    def subscribe(self, callback: Callable[[TraceEntry], Any]) -> None:
        """Register a callback invoked on every new entry. One that raises is logged once
        and does not stop recording or the other subscribers."""
        if not callable(callback):
            raise TypeError("subscribe() takes a callable(entry)")
        with self._lock:
            self._subscribers = self._subscribers + [callback]

    def record(self, entry: TraceEntry) -> None:
        """Add a trace entry and notify subscribers."""
        if not isinstance(entry, TraceEntry):
            raise TypeError(f"record() takes a TraceEntry, got {type(entry).__name__}")
        with self._lock:
            self._entries.append(entry)
            subscribers = self._subscribers
        for callback in subscribers:
            try:
                callback(entry)
            except Exception:
                log_once(f"ActionTracer.subscriber:{id(self)}:{id(callback)}",
                         "actiontrace: ActionTracer subscriber %r raised; it is skipped for this entry", callback)

    def trace(
        self,
        action: str,
        *,
        connector: str = "",
        asset_id: str = "",
        operation: str = "",
        conversation_id: str = "",
        **metadata: Any,
    ) -> "_TraceContext":
        """Context manager (``with`` or ``async with``) yielding a :class:`TraceEntry`
        that is finalised (timing, status, error) and recorded on exit. Set
        ``entry.output_summary``/``input_summary``/``metadata`` inside the block and
        they are recorded on the span and the entry."""
        return _TraceContext(self, action, connector, asset_id, operation, conversation_id, metadata)

    def clear(self) -> None:
        """Remove all recorded entries."""
        with self._lock:
            self._entries.clear()

    def summary(self) -> List[Dict[str, Any]]:
        """A serialisable summary of all entries (JSON-safe dicts)."""
        return [entry.model_dump(mode="json") for entry in self.entries]


class _TraceContext:
    __slots__ = ("_tracer", "_entry", "_cm", "_span", "_watch", "_start_ns")

    def __init__(self, tracer: ActionTracer, action: str, connector: str, asset_id: str, operation: str,
                 conversation_id: str, metadata: Dict[str, Any]) -> None:
        self._tracer = tracer
        self._entry = TraceEntry(
            action=str(action),
            operation=str(operation or ""),
            connector=str(connector or ""),
            asset_id=str(asset_id or ""),
            conversation_id=str(conversation_id or ""),
            metadata=dict(metadata),
        )
        self._cm: Optional[traced] = None
        self._span: trace_api.Span = trace_api.INVALID_SPAN
        self._watch: Optional[_ep.Watch] = None
        self._start_ns = 0

    def __enter__(self) -> TraceEntry:
        entry = self._entry
        try:
            via_spans = _ep.ensure_registered()
        except Exception:
            tracing_failed("ActionTracer.trace register")
            via_spans = False
        if not entry.conversation_id:
            entry.conversation_id = str(current_session_attributes().get(A.GEN_AI_CONVERSATION_ID) or "")
        self._cm = traced(entry_span_name(entry.action, entry.operation), span_type="action", attributes=_attributes(entry))
        span = self._span = self._cm.__enter__()
        try:
            if span.is_recording():
                if entry.conversation_id:  # after start: an explicit id wins over the session's
                    span.set_attribute(A.GEN_AI_CONVERSATION_ID, entry.conversation_id)
                if via_spans:
                    self._watch = _ep.processor.watch(span, self._tracer, entry)
            ctx = span.get_span_context()
            if ctx.is_valid:
                entry.trace_id = format(ctx.trace_id, "032x")
                entry.span_id = format(ctx.span_id, "016x")
        except Exception:
            tracing_failed("ActionTracer.trace enter")
        self._start_ns = time.time_ns()
        entry.started_at = ns_to_datetime(self._start_ns)
        return entry

    def __exit__(
        self, exc_type: Optional[type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]
    ) -> Literal[False]:
        entry, span = self._entry, self._span
        try:
            if span.is_recording():
                # What the block set on the entry goes on the span before it ends.
                span.set_attributes(_attributes(entry, summaries=True))
        except Exception:
            tracing_failed("ActionTracer.trace exit")
        if self._cm is not None:
            self._cm.__exit__(exc_type, exc, tb)  # records the error, ends the span -> on_end
        if self._watch is None or not self._watch.recorded:
            try:
                # No SDK provider (or the span was not recorded): time the block ourselves.
                end_ns = time.time_ns()
                entry.ended_at = ns_to_datetime(end_ns)
                entry.duration_ms = max(0, end_ns - self._start_ns) / 1e6
                if exc is not None:
                    entry.status = "error"
                    entry.error = f"{error_type(exc)}: {exc}"
                self._tracer.record(entry)
            except Exception:
                tracing_failed("ActionTracer.trace record")
        return False

    async def __aenter__(self) -> TraceEntry:
        return self.__enter__()

    async def __aexit__(
        self, exc_type: Optional[type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]
    ) -> Literal[False]:
        return self.__exit__(exc_type, exc, tb)


def _attributes(entry: TraceEntry, *, summaries: bool = False) -> Dict[str, Any]:
    attrs: Dict[str, Any] = {A.ACTION_TYPE: entry.action}
    for key, value in ((A.OPERATION, entry.operation), (A.CONNECTOR, entry.connector), (A.ASSET_ID, entry.asset_id)):
        if value:
            attrs[key] = str(value)
    if entry.metadata:
        attrs.update(flatten(A.METADATA_PREFIX, entry.metadata))
    if summaries and _capture.capture_enabled():
        if entry.input_summary:
            attrs[A.INPUT] = _capture.to_json(entry.input_summary)
        if entry.output_summary:
            attrs[A.OUTPUT] = _capture.to_json(entry.output_summary)
    return attrs
