"""Redaction of log records (GenAI events), with the spans' redactor and rules.

``RedactingLogExporter`` is the log records' ``RedactingSpanExporter``: it sits in front of an
exporter inside a batch processor, so redaction runs on the export thread, and hands the
exporter redacted copies only (the emitted record is shared by every processor). Attribute
values may be structured (the events' messages are AnyValue lists and maps): they are walked as
captured arguments are, so a sensitive key loses its whole value and strings get the value
patterns at any depth. The body is redacted too; the audit goes to ``actiontrace.redacted``,
as on spans. A record whose redaction fails is dropped (counted, logged once), never exported
as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Optional, Sequence

from opentelemetry.sdk._logs import ReadableLogRecord
from opentelemetry.sdk._logs.export import LogRecordExporter, LogRecordExportResult

from .._sdk import attributes_with_dropped, plain_attributes
from .._vocabulary import REDACTED
from ._processor import Drops, redacted_resource
from ._redactor import Redactor, default_redactor

_FLAT = (str, bool, int, float, type(None))


def _flat(value: Any) -> bool:
    if isinstance(value, _FLAT):
        return True
    return isinstance(value, (list, tuple)) and all(isinstance(v, _FLAT) for v in value)


def _redact_attributes(r: Redactor, attrs: Mapping, audit: list) -> Optional[dict]:
    """Flat values through the span path (one prefilter pass), structured ones walked."""
    flat = {k: v for k, v in attrs.items() if _flat(v)}
    out, hits = r.redact_attributes(flat, "attributes.") if flat else (None, [])
    audit.extend(hits)
    for key, value in attrs.items():
        if key in flat:
            continue
        new, hits = r.redact_value(value, f"attributes.{key}")
        if new is not value:
            audit.extend(hits)
            out = dict(out if out is not None else flat)
            out[key] = new
    if out is None:
        return None
    for key, value in attrs.items():  # keep every structured value the walk left alone, in order
        if key not in flat and key not in out:
            out[key] = value
    return out


def redacted_attributes(attrs: Mapping, redactor: Optional[Redactor] = None) -> Mapping:
    """``attrs`` (a log record's, before it is emitted) redacted, with the audit; ``attrs`` itself
    when nothing needed it. For records bound for a pipeline that does not redact."""
    audit: list[str] = []
    out = _redact_attributes(redactor or default_redactor(), attrs, audit)
    if out is None:
        return attrs
    out[REDACTED] = tuple(dict.fromkeys(audit))
    return out


def cut_strings(value: Any, limit: int) -> Any:
    """``value`` with every string, at any depth, cut to ``limit`` characters."""
    if isinstance(value, str):
        return value[:limit] if len(value) > limit else value
    if isinstance(value, Mapping):
        return {k: cut_strings(v, limit) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [cut_strings(v, limit) for v in value]
    return value


def redact_log_record(record: Any, redactor: Optional[Redactor] = None,
                      max_value_len: Optional[int] = None) -> Any:
    """``record`` itself when nothing needs redacting, else a redacted copy. ``max_value_len``
    cuts strings after redaction (so a cut never hides part of a secret from the rules)."""
    r = redactor or default_redactor()
    lr = record.log_record
    attrs = plain_attributes(lr.attributes) or {}
    audit: list[str] = []
    new_attrs = _redact_attributes(r, attrs, audit) if attrs else None
    body = lr.body
    if body is not None:
        body, hits = r.redact_value(body, "body")
        audit.extend(hits)
    resource = redacted_resource(r, record.resource)
    if not audit and resource is record.resource and not max_value_len:
        return record
    values = dict(attrs) if new_attrs is None else new_attrs
    if audit:
        values[REDACTED] = tuple(dict.fromkeys(audit))
    if max_value_len:
        values = {k: cut_strings(v, max_value_len) for k, v in values.items()}
        body = cut_strings(body, max_value_len)
    out = copy.copy(lr)
    out.attributes = attributes_with_dropped(values, record.dropped_attributes)
    out.body = body
    return ReadableLogRecord(log_record=out, resource=resource, instrumentation_scope=record.instrumentation_scope,
                             limits=record.limits)


class RedactingLogExporter(LogRecordExporter):
    """Hands ``inner`` only redacted copies of the log records."""

    def __init__(self, inner: LogRecordExporter, redactor: Optional[Redactor] = None,
                 max_value_len: Optional[int] = None) -> None:
        self._inner = inner
        self._redactor = redactor
        self._max_value_len = max_value_len
        self._drops = Drops()

    @property
    def dropped_records(self) -> int:
        return self._drops.count

    @property
    def inner(self) -> LogRecordExporter:
        return self._inner

    def export(self, batch: Sequence[Any]) -> LogRecordExportResult:
        out = []
        for record in batch:
            try:
                out.append(redact_log_record(record, self._redactor, self._max_value_len))
            except Exception:
                self._drops.add()
        return self._inner.export(out) if out else LogRecordExportResult.SUCCESS

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        flush = getattr(self._inner, "force_flush", None)
        return flush(timeout_millis) if flush is not None else True
