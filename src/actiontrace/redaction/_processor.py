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

    def __init__(self, inner: SpanProcessor, redactor: Optional[Redactor] = None,
                 max_value_len: Optional[int] = None) -> None:
        self._inner = inner
        self._redactor = redactor
        self._max_value_len = max_value_len
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
        # The common case inlined (one frame less per span): the same test as redact_span's.
        r = self._redactor or default_redactor()
        attrs, events, links = span_contents(span)
        if (not events and not links and not self._max_value_len and r._resource_last[1] is span.resource
                and not span.status.description and (not attrs or r.nothing_to_redact(attrs))):
            return span
        return redact_span(span, r, self._max_value_len)


def redacted_resource(r: Redactor, resource: Any) -> Any:
    """The resource with its attributes redacted; worked out once per resource object (a
    provider's spans share one)."""
    last = r._resource_last  # a provider's spans share one resource: one identity check
    if last[0] is resource:
        return last[1]
    hit = r._resources.get(id(resource))
    if hit is not None and hit[0] is resource:
        r._resource_last = hit
        return hit[1]
    out = resource
    attrs = getattr(resource, "attributes", None)
    if attrs:
        new, _ = r.redact_attributes(dict(attrs))
        if new is not None:
            from opentelemetry.sdk.resources import Resource

            out = Resource(new, resource.schema_url)
    if len(r._resources) >= 64:
        r._resources.clear()
    r._resources[id(resource)] = r._resource_last = (resource, out)
    return out


def redact_span(span: ReadableSpan, redactor: Optional[Redactor] = None, max_value_len: Optional[int] = None
                ) -> ReadableSpan:
    """``span`` itself when nothing needs redacting, else a redacted copy (the ended span
    is shared with other processors, so it is never changed). ``max_value_len`` cuts
    string values *after* redaction (the SDK's attribute length limit, applied here so a
    cut never hides part of a secret from the rules)."""
    r = redactor or default_redactor()
    attrs, events, links = span_contents(span)
    resource = span.resource
    if (r._resource_last[1] is resource and not events and not links and not span.status.description
            and not max_value_len and (not attrs or r.nothing_to_redact(attrs))):
        return span  # the common case, decided by one prefilter pass over the span's strings
    out = _redact_span(span, r, attrs, events, links)
    return out if not max_value_len else _limited(out, max_value_len)


def _redact_span(span: ReadableSpan, r: Redactor, attrs, events, links) -> ReadableSpan:
    audit: list[str] = []
    resource = redacted_resource(r, span.resource)
    if (not events and not links and not span.status.description and resource is span.resource
            and (not attrs or r.nothing_to_redact(attrs))):
        return span
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

    if not audit and resource is span.resource:
        return span

    values = dict(attrs or {}) if new_attrs is None else new_attrs
    if audit:
        previous = values.get(REDACTED)
        if isinstance(previous, (list, tuple)):
            audit = [str(p) for p in previous] + audit
        values[REDACTED] = tuple(dict.fromkeys(audit))
    return _copy(span, resource, values, list(events) if new_events is None else new_events,
                 list(links) if new_links is None else new_links, status)


def _cut_values(attrs: Any, limit: int) -> Optional[dict]:
    """The attributes with strings (also inside sequences) cut to ``limit``; None if none is longer."""
    out = None
    for k, v in (attrs or {}).items():
        if type(v) is str and len(v) > limit:
            nv: Any = v[:limit]
        elif isinstance(v, (list, tuple)) and any(type(x) is str and len(x) > limit for x in v):
            nv = tuple(x[:limit] if type(x) is str else x for x in v)
        else:
            continue
        if out is None:
            out = dict(attrs)
        out[k] = nv
    return out


def _limited(span: ReadableSpan, limit: int) -> ReadableSpan:
    attrs, events, links = span_contents(span)
    new_attrs = _cut_values(attrs, limit)
    new_events = [(e, _cut_values(plain_attributes(e.attributes), limit)) for e in events]
    new_links = [(link, _cut_values(plain_attributes(link.attributes), limit)) for link in links]
    if new_attrs is None and all(a is None for _, a in new_events) and all(a is None for _, a in new_links):
        return span
    return _copy(span, span.resource, dict(attrs or {}) if new_attrs is None else new_attrs,
                 [e if a is None else Event(e.name, attributes_with_dropped(a, e.dropped_attributes), e.timestamp)
                  for e, a in new_events],
                 [link if a is None else trace_api.Link(link.context, attributes_with_dropped(a, link.dropped_attributes))
                  for link, a in new_links], span.status)


def _copy(span: ReadableSpan, resource: Any, values: dict, events: list, links: list, status: Status) -> ReadableSpan:
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=resource,
        attributes=attributes_with_dropped(values, span.dropped_attributes),
        events=list_with_dropped(events, span.dropped_events),
        links=list_with_dropped(links, span.dropped_links),
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
