"""``JsonlLogExporter``: log records (GenAI events) as OTLP/JSON lines in rotating local files.

One record per line, a complete ``ExportLogsServiceRequest`` in the OTLP/JSON form::

    {"resourceLogs":[{"resource":{...},"scopeLogs":[{"scope":{...},"logRecords":[RECORD]}]}]}

with the span lines' encoding rules (``_otlp_json``: hex ids, 64-bit integers as strings,
``AnyValue`` attributes, long strings cut after redaction with the truncation marker). The files
are the span files' siblings: same directory and writer (rotation, ``0600`` files, one
``O_APPEND`` write per batch, torn-line repair), prefix ``logs`` instead of ``traces``. The
readers tell the two kinds of line apart by their first key (``reading._logs``).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from typing import Any

from opentelemetry.sdk._logs.export import LogRecordExporter, LogRecordExportResult

from ._otlp_json import SpanLineEncoder, _q, max_value_chars_from_env
from ._writer import RotatingJsonlWriter

logger = logging.getLogger("actiontrace.exporters")

LOG_FILE_PREFIX = "logs"


class LogLineEncoder(SpanLineEncoder):
    """One ``ReadableLogRecord`` as one OTLP/JSON line (bytes, no newline)."""

    def _scope(self, scope: Any) -> str:
        if scope is None:
            return "{}"
        text = '{"name":' + _q(scope.name or "")
        if scope.version:
            text += ',"version":' + _q(scope.version)
        if getattr(scope, "attributes", None):
            text += ',"attributes":' + self.key_values(scope.attributes)
        return text + "}"

    def _record(self, record: Any) -> str:
        lr = record.log_record
        parts = ['{"timeUnixNano":"', str(lr.timestamp or 0), '","observedTimeUnixNano":"',
                 str(lr.observed_timestamp or lr.timestamp or 0), '"']
        if lr.severity_number is not None:
            parts += [',"severityNumber":', str(getattr(lr.severity_number, "value", lr.severity_number))]
        if lr.severity_text:
            parts += [',"severityText":', self._str(lr.severity_text)]
        if getattr(lr, "event_name", None):
            parts += [',"eventName":', self._str(lr.event_name)]
        if lr.body is not None:
            parts += [',"body":', self.any_value(lr.body)]
        parts += [',"attributes":', self.key_values(lr.attributes)]
        dropped = getattr(record, "dropped_attributes", 0)
        if dropped:
            parts += [',"droppedAttributesCount":', str(dropped)]
        parts += [',"flags":', str(int(lr.trace_flags or 0) & 0xFF)]
        if lr.trace_id:
            parts += [',"traceId":"', format(lr.trace_id, "032x"), '","spanId":"', format(lr.span_id or 0, "016x"), '"']
        parts.append("}")
        return "".join(parts)

    def encode_record(self, record: Any) -> bytes:
        resource = record.resource
        text = ('{"resourceLogs":[{"resource":{"attributes":' + self.key_values(getattr(resource, "attributes", None))
                + '},"scopeLogs":[{"scope":' + self._scope(record.instrumentation_scope) + ',"logRecords":['
                + self._record(record) + "]}]}]}")
        if "\u2028" in text or "\u2029" in text or "\x85" in text:  # str.splitlines() would break there
            text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")
        return text.encode("utf-8", "backslashreplace")


class JsonlLogExporter(LogRecordExporter):
    """Writes each log record as one OTLP/JSON line to ``<path>/logs-YYYY-MM-DD.jsonl`` (the
    span exporter's options and guarantees). ``export`` never raises: a fault drops the batch,
    is logged by the writer (rate-limited) and returns FAILURE; the next batch retries."""

    def __init__(self, path: str | os.PathLike = "./traces", *, prefix: str = LOG_FILE_PREFIX,
                 max_value_chars: int | None = None, **writer_options: Any) -> None:
        self._writer = RotatingJsonlWriter(path, prefix=prefix, **writer_options)
        self._encoder = LogLineEncoder(max_value_chars_from_env() if max_value_chars is None else max_value_chars)
        self._lock = threading.Lock()
        self._shutdown = False
        self._bad_logged = False

    @property
    def writer(self) -> RotatingJsonlWriter:
        return self._writer

    def export(self, batch: Sequence[Any]) -> LogRecordExportResult:
        if self._shutdown:
            return LogRecordExportResult.FAILURE
        try:
            lines = []
            with self._lock:
                for record in batch:
                    try:
                        lines.append(self._encoder.encode_record(record))
                    except Exception:  # one odd record must not cost the batch
                        if not self._bad_logged:
                            self._bad_logged = True
                            logger.warning("actiontrace: could not encode a log record; it was dropped",
                                           exc_info=True)
            ok = self._writer.write_lines(lines) if lines else True
        except Exception:
            logger.warning("actiontrace: JSONL log export failed", exc_info=True)
            return LogRecordExportResult.FAILURE
        return LogRecordExportResult.SUCCESS if ok else LogRecordExportResult.FAILURE

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        try:
            return self._writer.flush()
        except Exception:
            return False

    def shutdown(self) -> None:
        if self._shutdown:
            return
        self._shutdown = True
        try:
            self._writer.close()
        except Exception:
            logger.warning("actiontrace: closing the JSONL log file failed", exc_info=True)
