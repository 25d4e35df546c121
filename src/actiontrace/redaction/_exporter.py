"""Redaction in front of an exporter, on the export thread.

``BatchSpanProcessor(RedactingSpanExporter(exporter))`` redacts each batch in the
processor's worker thread just before it is encoded, so the application thread pays
nothing for it; nothing leaves the process unredacted either way. ``configure()`` builds
its batch pipelines this way. ``RedactingSpanProcessor`` remains the choice for
synchronous consumers (the in-memory ``ActionTracer`` ring, a ``SimpleSpanProcessor``).
"""

from __future__ import annotations

from typing import Optional, Sequence

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from ._processor import Drops, redact_span
from ._redactor import Redactor


class RedactingSpanExporter(SpanExporter):
    """Hands ``inner`` only redacted copies; a span whose redaction fails is dropped
    (counted in ``dropped_spans``, logged once), never exported as it was."""

    def __init__(self, inner: SpanExporter, redactor: Optional[Redactor] = None,
                 max_value_len: Optional[int] = None) -> None:
        self._inner = inner
        self._redactor = redactor
        self._max_value_len = max_value_len  # string values cut to this, after redaction
        self._drops = Drops()

    @property
    def dropped_spans(self) -> int:
        return self._drops.count

    @property
    def inner(self) -> SpanExporter:
        return self._inner

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        out = []
        for span in spans:
            try:
                out.append(redact_span(span, self._redactor, self._max_value_len))
            except Exception:
                self._drops.add()
        return self._inner.export(out) if out else SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        flush = getattr(self._inner, "force_flush", None)
        return flush(timeout_millis) if flush is not None else True
