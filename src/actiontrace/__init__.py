"""actiontrace: OpenTelemetry instrumentation for AI agents.

Actions, tools, LLM calls, agents and workflows become OpenTelemetry spans with GenAI
semantic attributes; secrets are redacted before any exporter; traces are kept as
JSONL files locally and can go over OTLP to a Collector, Jaeger or Tempo.

    import actiontrace

    actiontrace.configure()          # JSONL files in ./traces (+ OTLP if configured)

    @actiontrace.tool
    def search_database(query: str, limit: int = 10): ...

Names that need the SDK or optional parts load on first use, so ``import actiontrace``
stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .spans._decorators import action, agent, llm, tool, workflow
from .spans._public import span
from .context._session import properties, session
from .spans._usage import iteration, record_usage, tool_call_id
from ._version import __version__

# Public name -> module that defines it, imported when first asked for.
_LAZY = {
    "configure": ".setup._configure",
    "shutdown": ".setup._configure",
    "flush": ".setup._shutdown",
    "SessionSpanProcessor": ".processors._session",
    "propagate_context_to_threads": ".context._threads",
    "query": ".reading._query",
    "ContentMode": "._settings",  # where LLM message content goes: configure(capture_content=...)
    "JsonlSpanExporter": ".exporters",
    "Redactor": ".redaction",
    "RedactingSpanProcessor": ".redaction",
    # Seed-compatible APIs (see docs/seeds.md).
    "track_action": ".seeds",
    "Tracker": ".seeds",
    "record_action": ".seeds",
    "record": ".seeds",
    "Event": ".seeds",
    "EventState": ".seeds",
    "ActionType": ".seeds",
    "Client": ".seeds",
    "log_request": ".seeds",
    "HeliconeManualLogger": ".seeds",
    "ResultRecorder": ".seeds",
    "ActionTracer": ".seeds",
    "TraceEntry": ".seeds",
    "JSONLExporter": ".seeds",
}

# The public names, and the only ones ``dir(actiontrace)`` lists.
__all__ = [
    "__version__",
    "action",
    "agent",
    "iteration",
    "llm",
    "properties",
    "record_usage",
    "session",
    "span",
    "tool",
    "tool_call_id",
    "workflow",
    "configure",
    "shutdown",
    "flush",
    "SessionSpanProcessor",
    "propagate_context_to_threads",
    "query",
    "JsonlSpanExporter",
    "Redactor",
    "RedactingSpanProcessor",
    "track_action",
    "Tracker",
    "record_action",
    "record",
    "Event",
    "EventState",
    "ActionType",
    "Client",
    "log_request",
    "HeliconeManualLogger",
    "ResultRecorder",
    "ActionTracer",
    "TraceEntry",
    "JSONLExporter",
]


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover
    from .setup._configure import configure, shutdown
    from .setup._shutdown import flush
    from .reading._query import query
    from .processors._session import SessionSpanProcessor
    from .context._threads import propagate_context_to_threads
    from .exporters import JsonlSpanExporter
    from .redaction import RedactingSpanProcessor, Redactor
    from .seeds import (
        ActionTracer,
        ActionType,
        Client,
        Event,
        EventState,
        HeliconeManualLogger,
        JSONLExporter,
        ResultRecorder,
        TraceEntry,
        Tracker,
        log_request,
        record,
        record_action,
        track_action,
    )
else:
    # Hidden from type checkers, so that a misspelt name is an error there rather than Any.
    def __getattr__(name: str) -> Any:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module 'actiontrace' has no attribute {name!r}")
        value = getattr(import_module(module, __name__), name)
        globals()[name] = value
        return value
