"""``RedactingSpanProcessor``: hands exporters a redacted copy of every ended span.

The ended ``ReadableSpan`` is shared by every processor on the provider, so it is
never touched: when something must go, a new ``ReadableSpan`` is built with the
same identity, times, resource and scope, and with the dropped attribute / event /
link counts the SDK computed (they live on ``BoundedAttributes.dropped`` and
``BoundedList.dropped``, so the copy carries containers with those numbers set).
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Optional

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import Event, ReadableSpan, SpanProcessor
from opentelemetry.trace import Status

from .._vocabulary import REDACTED
from .._sdk import (attributes_with_dropped, instrumentation_info, list_with_dropped, on_ending_hook,
                   plain_attributes, span_contents)
from ._redactor import Redactor, default_redactor

logger = logging.getLogger("actiontrace")


class Drops:
    """Spans dropped because their redaction failed: counted, the first one logged with its
    traceback (call ``add`` inside the ``except``). Never the unredacted span instead."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self.count += 1
            first = self.count == 1
        if first:
            logger.warning("actiontrace: redaction failed; the span was dropped, not exported", exc_info=True)


class RedactingSpanProcessor(SpanProcessor):
    """Wraps an exporting processor (``BatchSpanProcessor(exporter)``, …) so it only
    ever sees spans with secrets replaced by ``[REDACTED:<rule-id>]``.

    ``redactor=None`` uses ``default_redactor()`` at the time each span ends.
    A failure inside redaction drops that span (counted in ``dropped_spans``, logged
    once) rather than letting the unredacted span through.
    """

    def __init__(self, inner: SpanProcessor, redactor: Optional[Redactor] = None) -> None:
        self._inner = inner
        self._redactor = redactor
        self._drops = Drops()

    @property
    def dropped_spans(self) -> int:
        return self._drops.count

    @property
    def inner(self) -> SpanProcessor:
        return self._inner

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        self._inner.on_start(span, parent_context=parent_context)

    def _on_ending(self, span: Any) -> None:
        on_ending = on_ending_hook(self._inner)
        if on_ending is not None:
            on_ending(span)

    def on_end(self, span: ReadableSpan) -> None:
        try:
            out = self.redact_span(span)
        except Exception:
            self._drops.add()
            return
        self._inner.on_end(out)

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._inner.force_flush(timeout_millis)

    def redact_span(self, span: ReadableSpan) -> ReadableSpan:
        """The span itself when nothing needs redacting, else a redacted copy."""
        return redact_span(span, self._redactor)


def redact_span(span: ReadableSpan, redactor: Optional[Redactor] = None) -> ReadableSpan:
    """``span`` itself when nothing needs redacting, else a redacted copy (the ended span
    is shared with other processors, so it is never changed)."""
    r = redactor or default_redactor()
    audit: list[str] = []
    attrs, events, links = span_contents(span)
    if not events and not links and not span.status.description and (not attrs or r.nothing_to_redact(attrs)):
        return span  # the common case, decided by one prefilter pass over the span's strings
    new_attrs, hits = r.redact_attributes(attrs, "attributes.", REDACTED) if attrs else (None, [])
    audit.extend(hits)

    new_events = _redact_each(r, events, "events", audit,
                              lambda e, a: Event(e.name, attributes_with_dropped(a, e.dropped_attributes), e.timestamp))
    new_links = _redact_each(r, links, "links", audit,
                             lambda link, a: trace_api.Link(link.context, attributes_with_dropped(a, link.dropped_attributes)))

    status = span.status
    description = status.description
    if description:
        text, ids = r.redact_text(description)
        if ids:
            audit.extend(f"status.description:{i}" for i in ids)
            status = Status(status.status_code, text)

    if not audit:
        return span

    values = dict(attrs or {}) if new_attrs is None else new_attrs
    previous = values.get(REDACTED)
    if isinstance(previous, (list, tuple)):
        audit = [str(p) for p in previous] + audit
    values[REDACTED] = tuple(dict.fromkeys(audit))
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=attributes_with_dropped(values, span.dropped_attributes),
        events=list_with_dropped(list(events) if new_events is None else new_events, span.dropped_events),
        links=list_with_dropped(list(links) if new_links is None else new_links, span.dropped_links),
        kind=span.kind,
        status=status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_info=instrumentation_info(span),
        instrumentation_scope=span.instrumentation_scope,
    )


def _redact_each(r: Redactor, items, label: str, audit: list, rebuild):
    """Events or links with redacted attributes rebuilt by ``rebuild(item, attrs)``; None
    when none changed (the span's own sequence is then reused)."""
    out = None
    for i, item in enumerate(items):
        if not item.attributes:
            continue
        changed, hits = r.redact_attributes(plain_attributes(item.attributes), f"{label}[{i}].")
        if changed is None:
            continue
        audit.extend(hits)
        if out is None:
            out = list(items)
        out[i] = rebuild(item, changed)
    return out
