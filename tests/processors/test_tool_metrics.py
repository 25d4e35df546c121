"""Ended tool spans (ours or another instrumentation's) feed the per-tool instruments."""

from __future__ import annotations

import pytest
from support.metrics import points as _points
from support.metrics import recording_reader

from actiontrace import _vocabulary as A
from actiontrace.processors._tool_metrics import ToolMetricsSpanProcessor


@pytest.fixture
def reader():
    with recording_reader() as reader:
        yield reader


def test_tool_spans_feed_the_tool_instruments(reader):
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Status, StatusCode

    provider = TracerProvider()
    provider.add_span_processor(ToolMetricsSpanProcessor())
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("execute_tool lookup", attributes={
            A.GEN_AI_OPERATION_NAME: "execute_tool", A.GEN_AI_TOOL_NAME: "lookup"}):
        pass
    with tracer.start_as_current_span("execute_tool lookup", attributes={
            A.GEN_AI_OPERATION_NAME: "execute_tool", A.GEN_AI_TOOL_NAME: "lookup",
            A.ERROR_TYPE: "builtins.KeyError"}) as span:
        span.set_status(Status(StatusCode.ERROR))
    with tracer.start_as_current_span("legacy", attributes={A.SPAN_TYPE: "tool"}) as span:
        span.set_status(Status(StatusCode.ERROR))
    with tracer.start_as_current_span("chat m", attributes={A.GEN_AI_OPERATION_NAME: "chat"}):
        pass  # not a tool: no tool metric
    provider.shutdown()

    points = _points(reader)
    durations = {tuple(sorted(p.attributes.items())): p.count for p in points[A.TOOL_DURATION_METRIC]}
    assert durations == {
        ((A.GEN_AI_TOOL_NAME, "lookup"),): 1,
        ((A.ERROR_TYPE, "builtins.KeyError"), (A.GEN_AI_TOOL_NAME, "lookup")): 1,
        ((A.ERROR_TYPE, "_OTHER"), (A.GEN_AI_TOOL_NAME, "legacy")): 1,
    }
    assert sum(p.value for p in points[A.TOOL_ERRORS_METRIC]) == 2
