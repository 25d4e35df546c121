"""OpenTelemetry instrumentation of the OpenAI Agents SDK (``openai-agents``, imported as ``agents``).

Usage::

    from actiontrace.instrumentation.openai_agents import OpenAIAgentsInstrumentor

    OpenAIAgentsInstrumentor().instrument()    # or actiontrace.configure(), which does it for you
    await Runner.run(agent, "question")         # -> invoke_workflow / invoke_agent / execute_tool / chat

A ``TracingProcessor`` registered with the SDK turns its traces and spans into GenAI spans
(see ``docs/openai-agents.md`` for the mapping). Model calls are one ``chat {model}`` span
each: made by our OpenAI client instrumentation when it is on, else from the SDK's data.

Options of ``instrument()``:

- ``replace_default_processors`` (default False): the SDK's processors, its exporter to
  OpenAI's platform included, are kept after ours, handed redacted traces and spans (the
  platform's exporter only while it has a key, so a run without one logs no export errors).
  With True they are replaced by ours, so nothing leaves for that platform.
  ``uninstrument()`` restores them as found.
"""

from __future__ import annotations

from typing import Any, Collection

from opentelemetry.instrumentation.instrumentor import BaseInstrumentor

from .package import _instruments

__all__ = ["OpenAIAgentsInstrumentor"]


def _current_processors(provider: Any) -> list | None:
    """The processors the SDK's provider holds (the SDK has no public getter)."""
    multi = getattr(provider, "_multi_processor", None)
    found = getattr(multi, "_processors", None)
    return list(found) if isinstance(found, tuple) else None


class OpenAIAgentsInstrumentor(BaseInstrumentor):
    """Registers actiontrace's processor with the Agents SDK's trace provider."""

    _processor: Any = None
    _previous: list | None = None

    def instrumentation_dependencies(self) -> Collection[str]:
        return _instruments

    def _instrument(self, **kwargs: Any) -> None:
        from agents.tracing import get_trace_provider, set_trace_processors

        from . import _export, _scope
        from ._processor import ActiontraceProcessor

        processor = ActiontraceProcessor(kwargs.get("tracer_provider"))
        provider = get_trace_provider()  # creates the SDK's default processor on first use
        previous = _current_processors(provider)
        kept: list = []
        if not kwargs.get("replace_default_processors", False):
            # Unreadable processors (previous is None) are replaced: nothing unredacted leaves.
            kept = [_export.RedactingForwarder(p) for p in previous or ()]
        # Ours first: our spans start before any other processor's work at the same point.
        set_trace_processors([processor, *kept])
        _scope.install(processor.spans, processor.traces)
        OpenAIAgentsInstrumentor._processor = processor
        OpenAIAgentsInstrumentor._previous = previous

    def _uninstrument(self, **kwargs: Any) -> None:
        from agents.tracing import set_trace_processors

        from . import _scope

        processor, previous = OpenAIAgentsInstrumentor._processor, OpenAIAgentsInstrumentor._previous
        _scope.uninstall()
        if processor is not None:
            processor.enabled = False
        if previous is not None:
            set_trace_processors(previous)
        else:
            from agents.tracing.processors import default_processor  # the SDK's own, as on first use

            set_trace_processors([default_processor()])
        OpenAIAgentsInstrumentor._processor = OpenAIAgentsInstrumentor._previous = None
