"""Redaction in front of the SDK's other processors (its exporter to OpenAI's platform among
them), which ``instrument()`` keeps by default.

The SDK's batch processor keeps the span objects and calls their ``export()`` later, in its
worker thread; each item it is handed here answers ``export()`` with the redacted dict, so
redaction runs there, off the application thread, and nothing unredacted is sent.

A processor feeding the SDK's exporter to OpenAI's platform is only handed an item while that
exporter has a key for it; without one the exporter would log a warning per batch, and a local
run without an OpenAI key must stay quiet. The key is looked up per item, as the exporter does,
so a key that appears later (``load_dotenv()``, ``set_default_openai_key()``) is used.
"""

from __future__ import annotations

from typing import Any

from agents.tracing import TracingProcessor
from agents.tracing.processors import BackendSpanExporter

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


def _platform_exporter(processor: Any) -> BackendSpanExporter | None:
    """The SDK's exporter to OpenAI's platform behind ``processor`` (its batch processor), if any."""
    exporter = getattr(processor, "_exporter", None)
    return exporter if isinstance(exporter, BackendSpanExporter) else None


class RedactingForwarder(TracingProcessor):
    """Hands ``processor`` redacted traces and spans (those it can send, for the platform's)."""

    def __init__(self, processor: TracingProcessor) -> None:
        self.processor = processor
        self._platform = _platform_exporter(processor)

    def _sendable(self, item: Any) -> bool:
        """Whether the exporter would find a key for ``item``: the run's own (``RunConfig``
        tracing ``api_key``), else the exporter's (set by the SDK's key setters, or
        ``OPENAI_API_KEY``). Always true for other processors."""
        platform = self._platform
        if platform is None:
            return True
        try:
            return bool(item.tracing_api_key or platform.api_key)
        except Exception:
            return False  # cannot tell: not sending is the quiet and safe side

    def on_trace_start(self, trace: Any) -> None:
        if self._sendable(trace):
            self.processor.on_trace_start(_Redacted(trace))

    def on_trace_end(self, trace: Any) -> None:
        if self._sendable(trace):
            self.processor.on_trace_end(_Redacted(trace))

    def on_span_start(self, span: Any) -> None:
        if self._sendable(span):
            self.processor.on_span_start(_Redacted(span))

    def on_span_end(self, span: Any) -> None:
        if self._sendable(span):
            self.processor.on_span_end(_Redacted(span))

    def shutdown(self) -> None:
        self.processor.shutdown()

    def force_flush(self) -> None:
        self.processor.force_flush()
