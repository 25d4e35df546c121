"""OTLP from an SDK TracerProvider into Arize Phoenix, directly and through rotel, over HTTP and gRPC.

The trace has the shape an agent run produces (agent -> llm, tool, failing tool) with GenAI
attributes; Phoenix's REST API must give every span back once, unchanged.
"""

from __future__ import annotations

import pytest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, Status, StatusCode

from actiontrace import _vocabulary as A

from support.spans_compare import assert_same_spans, assert_tree, from_phoenix, from_readable

pytestmark = pytest.mark.backend


def _exporter(protocol: str, endpoint: str):
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter(endpoint=endpoint, insecure=True, timeout=10)
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter(endpoint=endpoint, timeout=10)


def emit_agent_trace(protocol: str, endpoint: str, project: str) -> list[dict]:
    """Run an agent-shaped trace through a BatchSpanProcessor + OTLP exporter; returns what was sent."""
    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({
        "service.name": "actiontrace-e2e", "openinference.project.name": project,
    }))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    provider.add_span_processor(BatchSpanProcessor(_exporter(protocol, endpoint)))
    tracer = provider.get_tracer("actiontrace")
    with tracer.start_as_current_span("invoke_agent support-agent", attributes={
        A.SPAN_TYPE: "agent", A.GEN_AI_OPERATION_NAME: "invoke_agent", A.GEN_AI_AGENT_NAME: "support-agent",
        A.PATH: "/support-agent", A.SESSION_ID: "sess-1", A.TOTAL_INPUT_TOKENS: 42,
        A.TOTAL_COST_USD: 0.00125,
    }):
        with tracer.start_as_current_span("chat gpt-4o-mini", kind=SpanKind.CLIENT, attributes={
            A.SPAN_TYPE: "llm", A.GEN_AI_OPERATION_NAME: "chat", A.GEN_AI_PROVIDER_NAME: "openai",
            A.GEN_AI_REQUEST_MODEL: "gpt-4o-mini", A.GEN_AI_USAGE_INPUT_TOKENS: 42,
            A.GEN_AI_USAGE_OUTPUT_TOKENS: 7, A.GEN_AI_RESPONSE_FINISH_REASONS: ("tool_calls",),
            A.GEN_AI_REQUEST_TEMPERATURE: 0.2,
        }):
            pass
        with tracer.start_as_current_span("execute_tool search_database", attributes={
            A.SPAN_TYPE: "tool", A.GEN_AI_OPERATION_NAME: "execute_tool", A.GEN_AI_TOOL_NAME: "search_database",
            A.GEN_AI_TOOL_CALL_ID: "call_1", A.GEN_AI_TOOL_CALL_ARGUMENTS: '{"query": "refund"}',
            A.PATH: "/support-agent/search_database",
        }):
            pass
        with tracer.start_as_current_span("execute_tool send_email", record_exception=False,
                                          set_status_on_exception=False) as failing:
            failing.set_attributes({A.GEN_AI_OPERATION_NAME: "execute_tool", A.GEN_AI_TOOL_NAME: "send_email",
                                    A.ERROR_TYPE: "builtins.TimeoutError"})
            failing.record_exception(TimeoutError("smtp timed out"))
            failing.set_status(Status(StatusCode.ERROR, "smtp timed out"))
    assert provider.force_flush(30_000)
    provider.shutdown()
    return [from_readable(s) for s in memory.get_finished_spans()]


def _check(phoenix, project: str, sent: list[dict]) -> None:
    stored = [from_phoenix(s) for s in phoenix.wait_for_spans(project, len(sent))]
    assert_same_spans(sent, stored)
    assert_tree(stored)


@pytest.mark.parametrize("protocol", ["http/protobuf", "grpc"])
def test_direct_to_phoenix(phoenix, project, protocol):
    endpoint = phoenix.grpc_endpoint if protocol == "grpc" else phoenix.traces_url
    sent = emit_agent_trace(protocol, endpoint, project)
    assert len(sent) == 4
    _check(phoenix, project, sent)


@pytest.mark.parametrize("protocol", ["http/protobuf", "grpc"])
def test_through_rotel_to_phoenix(phoenix, rotel, project, protocol):
    endpoint = rotel.grpc_endpoint if protocol == "grpc" else rotel.traces_url
    sent = emit_agent_trace(protocol, endpoint, project)
    _check(phoenix, project, sent)
