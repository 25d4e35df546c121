"""Redaction in front of an exporter, on the export thread.

``BatchSpanProcessor(RedactingSpanExporter(exporter))`` redacts each batch in the
processor's worker thread just before it is encoded, so the application thread pays
nothing for it; nothing leaves the process unredacted either way. ``configure()`` builds
its batch pipelines this way, and wraps the exporter of an application's SDK batch
processor the same way. ``RedactingSpanProcessor`` remains the choice for
synchronous consumers (the in-memory ``ActionTracer`` ring, a ``SimpleSpanProcessor``).
"""

from __future__ import annotations

import inspect
from typing import Any, Optional, Sequence

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

    def shutdown(self, timeout_millis: Optional[float] = None) -> None:
        # The SDK batch processor passes what is left of its shutdown timeout to an exporter
        # whose shutdown takes one; so does this wrapper, for the exporter it stands in for.
        if timeout_millis is not None and _takes_timeout(self._inner.shutdown):
            self._inner.shutdown(timeout_millis=timeout_millis)
        else:
            self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        flush = getattr(self._inner, "force_flush", None)
        return flush(timeout_millis) if flush is not None else True


def _takes_timeout(method: Any) -> bool:
    """The SDK batch processor's own test of an exporter's ``shutdown``."""
    try:
        return "timeout_millis" in inspect.getfullargspec(method).args
    except TypeError:  # not a Python callable: call it plainly
        return False
