"""Redaction in front of the SDK's other processors (its exporter to OpenAI's platform among
them), for ``instrument(replace_default_processors=False)``.

The SDK's batch processor keeps the span objects and calls their ``export()`` later, in its
worker thread; each item it is handed here answers ``export()`` with the redacted dict, so
redaction runs there, off the application thread, and nothing unredacted is sent.
"""

from __future__ import annotations

from typing import Any

from agents.tracing import TracingProcessor

from ..._safety import log_once


class _Redacted:
    """An SDK trace or span whose ``export()`` is redacted; everything else is the item's."""

    __slots__ = ("_item",)

    def __init__(self, item: Any) -> None:
        self._item = item

    def __getattr__(self, name: str) -> Any:
        return getattr(self._item, name)

    def export(self) -> Any:
        exported = self._item.export()
        if exported is None:
            return None
        try:
            from ...redaction import default_redactor

            return default_redactor().redact_value(exported)[0]
        except Exception:
            log_once("openai_agents.redact", "actiontrace: could not redact an Agents SDK span; it is not sent")
            return None  # the SDK's exporter skips an item that exports nothing


class RedactingForwarder(TracingProcessor):
    """Hands ``processor`` redacted traces and spans."""

    def __init__(self, processor: TracingProcessor) -> None:
        self.processor = processor

    def on_trace_start(self, trace: Any) -> None:
        self.processor.on_trace_start(_Redacted(trace))

    def on_trace_end(self, trace: Any) -> None:
        self.processor.on_trace_end(_Redacted(trace))

    def on_span_start(self, span: Any) -> None:
        self.processor.on_span_start(_Redacted(span))

    def on_span_end(self, span: Any) -> None:
        self.processor.on_span_end(_Redacted(span))

    def shutdown(self) -> None:
        self.processor.shutdown()

    def force_flush(self) -> None:
        self.processor.force_flush()
