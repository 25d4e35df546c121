"""Span processor feeding the per-tool metric instruments from ended tool spans."""

from __future__ import annotations

from typing import Any

from opentelemetry.sdk.trace import SpanProcessor

from .. import _vocabulary as A
from .._safety import tracing_failed
from ..genai import _metrics


class ToolMetricsSpanProcessor(SpanProcessor):
    """Records the per-tool instruments when any tool span ends (ours, or another
    instrumentation's ``execute_tool`` span), so no decorator has to time anything twice.

    Add it to the TracerProvider next to the exporting processors; without a MeterProvider each
    span costs one identity check.
    """

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        pass

    def on_end(self, span: Any) -> None:
        if not _metrics.recording():
            return
        try:
            attrs = span.attributes or {}
            if attrs.get(A.GEN_AI_OPERATION_NAME) != "execute_tool" and attrs.get(A.SPAN_TYPE) != "tool":
                return
            if span.start_time is None or span.end_time is None:
                return
            error_type = attrs.get(A.ERROR_TYPE)
            if not error_type and span.status is not None and span.status.status_code.name == "ERROR":
                error_type = "_OTHER"  # the conventions' fallback when the error class is unknown
            _metrics.record_tool(attrs.get(A.GEN_AI_TOOL_NAME) or span.name,
                                 (span.end_time - span.start_time) / 1e9, error_type)
        except Exception:
            tracing_failed("metrics.tool_span")

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True
