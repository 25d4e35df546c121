"""Redaction in front of an exporter, on the export thread.

``BatchSpanProcessor(RedactingSpanExporter(exporter))`` redacts each batch in the
processor's worker thread just before it is encoded, so the application thread pays
nothing for it; nothing leaves the process unredacted either way. ``configure()`` builds
its batch pipelines this way. ``RedactingSpanProcessor`` remains the choice for
synchronous consumers (the in-memory ``ActionTracer`` ring, a ``SimpleSpanProcessor``).
"""

from __future__ import annotations

import threading
from typing import Optional, Sequence

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from .._safety import logger
from ._processor import redact_span
from ._redactor import Redactor


class RedactingSpanExporter(SpanExporter):
    """Hands ``inner`` only redacted copies; a span whose redaction fails is dropped
    (counted in ``dropped_spans``, logged once), never exported as it was."""

    def __init__(self, inner: SpanExporter, redactor: Optional[Redactor] = None) -> None:
        self._inner = inner
        self._redactor = redactor
        self.dropped_spans = 0
        self._lock = threading.Lock()
        self._logged = False

    @property
    def inner(self) -> SpanExporter:
        return self._inner

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        out = []
        for span in spans:
            try:
                out.append(redact_span(span, self._redactor))
            except Exception:
                self._dropped()
        return self._inner.export(out) if out else SpanExportResult.SUCCESS

    def _dropped(self) -> None:
        with self._lock:
            self.dropped_spans += 1
            first, self._logged = not self._logged, True
        if first:
            logger.warning("actiontrace: redaction failed; the span was dropped, not exported", exc_info=True)

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        flush = getattr(self._inner, "force_flush", None)
        return flush(timeout_millis) if flush is not None else True
