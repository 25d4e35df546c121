"""Span processor that stamps session values and the decision path on every span at start,
including spans made by other instrumentations or a plain OpenTelemetry tracer."""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.sdk.trace import SpanProcessor

from . import _attributes as A
from . import _baggage
from ._safety import tracing_failed
from ._session import _current

# The path segment of a span is its subject (the tool, agent or workflow name) when it has one.
_SUBJECT_KEYS = (A.GEN_AI_TOOL_NAME, A.GEN_AI_AGENT_NAME, A.GEN_AI_WORKFLOW_NAME)


def path_segment(name: str, attributes) -> str:
    if attributes:
        for key in _SUBJECT_KEYS:
            value = attributes.get(key)
            if value:
                return str(value).replace("/", "_")
    return name.replace("/", "_")


class SessionSpanProcessor(SpanProcessor):
    """Adds ``session()``/``properties()`` attributes and ``actiontrace.path`` in ``on_start``.

    ``configure()`` installs it; with your own SDK setup add it yourself:
    ``provider.add_span_processor(SessionSpanProcessor())``.
    """

    def on_start(self, span, parent_context=None) -> None:
        try:
            parent = trace.get_current_span(parent_context)
            parent_attrs = getattr(parent, "attributes", None)
            parent_path = parent_attrs.get(A.PATH) if parent_attrs else None
            segment = path_segment(span.name, span.attributes)
            path = f"{parent_path}/{segment}" if parent_path else f"/{segment}"
            stamped = _current.get()
            if not stamped and _baggage.enabled:
                stamped = _baggage.session_attributes(parent_context)
            if stamped:
                attrs = dict(stamped)
                attrs[A.PATH] = path
                span.set_attributes(attrs)
            else:
                span.set_attribute(A.PATH, path)
        except Exception:
            tracing_failed("SessionSpanProcessor.on_start")

    def on_end(self, span) -> None:
        pass

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
