"""The public names of DESIGN.md resolve from the top-level package."""

from __future__ import annotations

import inspect

import actiontrace

EXPECTED = {
    "configure", "shutdown", "action", "tool", "llm", "agent", "workflow", "span", "session", "properties",
    "record_usage", "iteration", "tool_call_id", "query", "propagate_context_to_threads", "SessionSpanProcessor",
    "track_action", "Tracker", "record_action", "record", "Event", "EventState", "ActionType", "ActionTracer",
    "TraceEntry", "JSONLExporter", "log_request", "HeliconeManualLogger", "JsonlSpanExporter", "Redactor",
    "RedactingSpanProcessor",
}


def test_every_public_name_resolves():
    assert EXPECTED <= set(actiontrace.__all__)
    for name in actiontrace.__all__:
        assert getattr(actiontrace, name) is not None, name
    assert EXPECTED <= set(dir(actiontrace))


def test_unknown_name_is_an_attribute_error():
    try:
        actiontrace.does_not_exist  # noqa: B018
    except AttributeError as exc:
        assert "does_not_exist" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_submodules_named_in_the_design():
    from actiontrace.exporters import JsonlSpanExporter
    from actiontrace.instrumentation.openai import OpenAIInstrumentor
    from actiontrace.redaction import RedactingSpanProcessor, Redactor

    assert inspect.isclass(JsonlSpanExporter) and inspect.isclass(OpenAIInstrumentor)
    assert inspect.isclass(Redactor) and inspect.isclass(RedactingSpanProcessor)
