"""Span processor that stamps session values and the decision path on every span at start,
including spans made by other instrumentations or a plain OpenTelemetry tracer."""

from __future__ import annotations

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor

from ..context import _stamping
from .._safety import tracing_failed
from .._sdk import add_to_starting_span


_OUR_PREFIX = _stamping.TRACER_NAME + "."


class SessionSpanProcessor(SpanProcessor):
    """Adds ``session()``/``properties()`` attributes and ``actiontrace.path`` in ``on_start``.

    ``configure()`` installs it; with your own SDK setup add it yourself:
    ``provider.add_span_processor(SessionSpanProcessor())``. While one exists, actiontrace's
    own spans are stamped by its span starter already, and ``on_start`` only looks at the others.
    """

    def __init__(self) -> None:
        self._live = True
        _stamping.processor_added()

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        try:
            scope = span.instrumentation_scope
            # Our scopes (the decorators' "actiontrace", each instrumentation's
            # "actiontrace.instrumentation.<name>") start spans through our span starter: stamped.
            if scope is not None and (scope.name == _stamping.TRACER_NAME or scope.name.startswith(_OUR_PREFIX)):
                return
            add_to_starting_span(span, _stamping.stamps(span.name, span.attributes, parent_context))
        except Exception:
            tracing_failed("SessionSpanProcessor.on_start")

    def on_end(self, span: ReadableSpan) -> None:
        pass

    def shutdown(self) -> None:
        if self._live:
            self._live = False
            _stamping.processor_removed()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True

