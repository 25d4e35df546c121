"""What every span gets at start besides its own attributes: the ``session()``/``properties()``
values and the decision path ``actiontrace.path``.

Two callers: the span starter (``_spans.begin``) stamps our own spans before the SDK sees
their attributes (one validation pass, no extra locked ``set_attributes``), and
``SessionSpanProcessor.on_start`` stamps spans other tracers start. Starter stamping is on only
while a ``SessionSpanProcessor`` exists, so without one our spans look as they always did.
"""

from __future__ import annotations

from typing import Any, Mapping

from opentelemetry import trace

from .. import _vocabulary as A
from . import _baggage
from ._session import _current

# The path segment of a span is its subject (the tool, agent or workflow name) when it has one.
_SUBJECT_KEYS = (A.GEN_AI_TOOL_NAME, A.GEN_AI_AGENT_NAME, A.GEN_AI_WORKFLOW_NAME)

TRACER_NAME = "actiontrace"  # the span starter's tracer: its spans arrive at on_start stamped
_processors = 0  # live SessionSpanProcessors; the starter stamps only while there is one


def processor_added() -> None:
    global _processors
    _processors += 1


def processor_removed() -> None:
    global _processors
    _processors = max(0, _processors - 1)


def active() -> bool:
    return _processors > 0


def path_segment(name: str, attributes: Mapping[str, Any] | None) -> str:
    if attributes:
        for key in _SUBJECT_KEYS:
            value = attributes.get(key)
            if value:
                return str(value).replace("/", "_")
    return name.replace("/", "_")


def ambient_session(parent_context: Any = None) -> Mapping[str, Any]:
    """The session values a span started now would be stamped with: the enclosing
    ``session()``/``properties()``, else (when baggage is on) those that came as baggage."""
    session = _current.get()
    if not session and _baggage.enabled:
        session = _baggage.session_attributes(parent_context)
    return session or {}


def stamps(name: str, attributes: Mapping[str, Any] | None, parent_context: Any) -> dict[str, Any]:
    """The session values (inside ``session()``, or from baggage when that is on) and the path
    under the parent span's path, for a span named ``name`` about to start."""
    parent_attrs = getattr(trace.get_current_span(parent_context), "attributes", None)
    parent_path = parent_attrs.get(A.PATH) if parent_attrs else None
    segment = path_segment(name, attributes)
    session = ambient_session(parent_context)
    attrs = dict(session) if session else {}
    attrs[A.PATH] = f"{parent_path}/{segment}" if parent_path else f"/{segment}"
    return attrs
