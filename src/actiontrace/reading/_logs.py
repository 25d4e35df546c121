"""Reading the log records (GenAI events) the JSONL files hold beside the spans.

A log line is an OTLP/JSON ``{"resourceLogs": [...]}`` document (``exporters._jsonl_logs``); the
span reader passes such lines over and :func:`read_log_records` reads nothing else, so one
directory holds both and each reader takes its own. A record keeps its trace and span ids:
:func:`attach` hangs each on the span it was emitted in, for the CLI to show them together.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, Iterable, Iterator

from ._decode import _get, _hex_id, _int, decode_any_value, decode_attributes

__all__ = ["LogRecord", "is_log_line", "decode_log_line", "read_log_records", "attach", "read_items",
           "read_with_log_records"]


class LogRecord:
    """One log record as read from a file; attribute and body values are plain Python values."""

    __slots__ = ("time_ns", "observed_ns", "trace_id", "span_id", "flags", "event_name", "severity_number",
                 "severity_text", "body", "attributes", "resource", "scope_name", "scope_version", "source")

    def __init__(self, **fields: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, fields.get(name))

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    def __repr__(self) -> str:
        return f"LogRecord({self.event_name or '(no event name)'}, span={self.span_id})"


def is_log_line(line: str) -> bool:
    return '"resourceLogs"' in line or '"resource_logs"' in line


def _record(d: Mapping, resource: dict, scope: Mapping, source: str) -> LogRecord:
    time_ns = _int(_get(d, "timeUnixNano", "time_unix_nano", 0), "timeUnixNano")
    return LogRecord(
        time_ns=time_ns,
        observed_ns=_int(_get(d, "observedTimeUnixNano", "observed_time_unix_nano", time_ns), "observedTimeUnixNano"),
        trace_id=_hex_id(_get(d, "traceId", "trace_id"), 32, "traceId", required=False),
        span_id=_hex_id(_get(d, "spanId", "span_id"), 16, "spanId", required=False),
        flags=_int(d.get("flags") or 0, "flags"),
        event_name=str(_get(d, "eventName", "event_name", "")),
        severity_number=_int(_get(d, "severityNumber", "severity_number", 0), "severityNumber"),
        severity_text=str(_get(d, "severityText", "severity_text", "")),
        body=decode_any_value(d["body"]) if d.get("body") else None,
        attributes=decode_attributes(d.get("attributes")),
        resource=resource, scope_name=str(scope.get("name", "")), scope_version=str(scope.get("version", "")),
        source=source,
    )


def decode_log_line(line: str, source: str = "") -> list[LogRecord]:
    """The log records of one OTLP/JSON logs line; raises ValueError for anything else."""
    doc = json.loads(line)
    groups = _get(doc, "resourceLogs", "resource_logs") if isinstance(doc, Mapping) else None
    if not isinstance(groups, list):
        raise ValueError("line has no resourceLogs list")
    out = []
    for group in groups:
        resource = decode_attributes((group.get("resource") or {}).get("attributes"))
        for scoped in _get(group, "scopeLogs", "scope_logs", []):
            scope = scoped.get("scope") or {}
            for d in _get(scoped, "logRecords", "log_records", []):
                out.append(_record(d, resource, scope, source))
    return out


def read_log_records(inputs: Iterable[str] | str, warn: Any = None) -> Iterator[LogRecord]:
    """Every log record in ``inputs`` (files, directories, ``-``); span lines are passed over."""
    return (item for item in read_items(inputs, warn) if isinstance(item, LogRecord))


def attach(spans: Iterable[Any], records: Iterable[LogRecord]) -> list[Any]:
    """``spans`` as a list, each with ``log_records``: the records emitted in it, oldest first."""
    by_span: dict[tuple[str, str], list[LogRecord]] = {}
    for record in records:
        if record.trace_id and record.span_id:
            by_span.setdefault((record.trace_id, record.span_id), []).append(record)
    out = list(spans)
    for span in out:
        found = by_span.get((span.trace_id, span.span_id))
        span.log_records = sorted(found, key=lambda r: r.time_ns or 0) if found else []
    return out


def read_items(inputs: Iterable[str] | str, warn: Any = None) -> Iterator[Any]:
    """Every span (``reading._reader.Span``) and log record (:class:`LogRecord`) in ``inputs``,
    in file order, each line read once (standard input can be read only once); an unreadable
    line is reported to ``warn`` and skipped."""
    from ._reader import _stderr_warn, decode_line, expand_inputs, read_lines

    if isinstance(inputs, (str, os.PathLike)):
        inputs = [os.fspath(inputs)]
    warn = warn or _stderr_warn
    for path in expand_inputs(inputs):
        label = "<stdin>" if path == "-" else path
        for lineno, line in read_lines(path):
            if not line.strip():
                continue
            try:
                decode = decode_log_line if is_log_line(line) else decode_line
                items = decode(line, f"{label}:{lineno}")
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                torn = "" if line.endswith("\n") else " (torn last line)"
                warn(f"{label}:{lineno}: skipped unreadable line{torn}: {str(exc)[:120]}")
                continue
            yield from items


def read_with_log_records(inputs: Iterable[str] | str, warn: Any = None) -> list[Any]:
    """Every span in ``inputs`` with its ``log_records`` attached."""
    spans: list[Any] = []
    records: list[LogRecord] = []
    for item in read_items(inputs, warn):
        (records if isinstance(item, LogRecord) else spans).append(item)
    return attach(spans, records)
