"""The real mcp client and FastMCP server connected in-process: names, kinds, attributes, errors,
the parent link, capture, the @tool rule, context injection, hostile input, metrics, uninstrument."""

from __future__ import annotations

import json

import mcp.types as types
import pytest
from mcp.shared.exceptions import McpError
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry import propagate
from opentelemetry.propagators.textmap import TextMapPropagator
from opentelemetry.trace import SpanKind, StatusCode
from pydantic_core import PydanticSerializationError
from support.openai_replay import set_capture

import actiontrace
from actiontrace.context import _baggage
from actiontrace.genai import _metrics as genai_metrics
from actiontrace.instrumentation.mcp import MCPInstrumentor
from actiontrace._naming import mcp_from_span_name as parse_span_name
from actiontrace._naming import mcp_span_name as span_name


def mcp_spans(exporter, kind=None) -> list:
    return [s for s in exporter.get_finished_spans() if "mcp.method.name" in (s.attributes or {})
            and (kind is None or s.kind == kind)]


def pair(exporter, name: str):
    (client,) = [s for s in mcp_spans(exporter, SpanKind.CLIENT) if s.name == name]
    (server,) = [s for s in mcp_spans(exporter, SpanKind.SERVER) if s.name == name]
    return client, server


async def test_tool_call_pair_names_kinds_attributes_and_parent(memory_session, spans):
    async with memory_session() as client:
        result = await client.call_tool("forecast", {"city": "Oslo"})
    assert result.isError is False and json.loads(result.content[0].text)["city"] == "Oslo"
    c, s = pair(spans, "tools/call forecast")
    assert c.kind == SpanKind.CLIENT and s.kind == SpanKind.SERVER
    assert s.context.trace_id == c.context.trace_id and s.parent.span_id == c.context.span_id
    for span in (c, s):
        a = span.attributes
        assert a["mcp.method.name"] == "tools/call" and a["gen_ai.tool.name"] == "forecast"
        assert a["gen_ai.operation.name"] == "execute_tool" and a["actiontrace.span.type"] == "tool"
        assert a["jsonrpc.request.id"] == c.attributes["jsonrpc.request.id"]
        assert a["mcp.protocol.version"] == types.LATEST_PROTOCOL_VERSION
        assert json.loads(a["gen_ai.tool.call.arguments"]) == {"city": "Oslo"}
        assert "Oslo" in a["gen_ai.tool.call.result"]
        assert span.status.status_code == StatusCode.UNSET and "error.type" not in a
        assert span.instrumentation_scope.name == "actiontrace.instrumentation.mcp"


async def test_initialize_has_the_negotiated_version_and_no_target(memory_session, spans):
    async with memory_session():
        pass
    (init,) = [s for s in mcp_spans(spans, SpanKind.CLIENT) if s.name == "initialize"]
    assert init.attributes["mcp.protocol.version"] == types.LATEST_PROTOCOL_VERSION
    assert init.attributes["jsonrpc.request.id"] == "0" and "gen_ai.operation.name" not in init.attributes


async def test_notifications_are_a_span_pair_without_a_request_id(memory_session, spans):
    async with memory_session() as client:
        await client.send_ping()  # answered after the server took the notification sent before it
    c, s = pair(spans, "notifications/initialized")
    assert s.parent.span_id == c.context.span_id and s.context.trace_id == c.context.trace_id
    for span in (c, s):
        assert span.attributes["mcp.method.name"] == "notifications/initialized"
        assert "jsonrpc.request.id" not in span.attributes and span.attributes["actiontrace.span.type"] == "mcp"


async def test_raising_tool_and_is_error_tool_are_tool_errors(memory_session, spans):
    async with memory_session() as client:
        raised = await client.call_tool("explode", {"reason": "boom"})
        refused = await client.call_tool("refuse", {"city": "Oslo"})
    assert raised.isError and "exploded: boom" in raised.content[0].text
    assert refused.isError and refused.content[0].text == "no forecast for Oslo"
    for name, message in (("tools/call explode", "exploded: boom"), ("tools/call refuse", "no forecast for Oslo")):
        for span in pair(spans, name):
            assert span.attributes["error.type"] == "tool_error"
            assert span.status.status_code == StatusCode.ERROR and message in span.status.description
            assert "gen_ai.tool.call.result" not in span.attributes


async def test_json_rpc_error_is_its_code_and_reaches_the_caller_unchanged(memory_session, spans):
    async with memory_session() as client:
        with pytest.raises(McpError) as caught:
            await client.get_prompt("missing", {})
    assert caught.value.error.message == "Unknown prompt: missing"
    for span in pair(spans, "prompts/get missing"):
        assert span.attributes["error.type"] == str(caught.value.error.code)
        assert span.attributes["rpc.response.status_code"] == str(caught.value.error.code)
        assert span.status.status_code == StatusCode.ERROR
        assert span.status.description == "Unknown prompt: missing"


async def test_list_tools_read_resource_get_prompt(memory_session, spans):
    async with memory_session() as client:
        tools = await client.list_tools()
        resource = await client.read_resource("notes://today")
        prompt = await client.get_prompt("summarise", {"topic": "rain"})
    assert [t.name for t in tools.tools] == ["forecast", "explode", "refuse", "echo_meta"]
    assert resource.contents[0].text == "sunny all day"
    assert prompt.messages[0].content.text == "Summarise rain in one line."
    for name in ("tools/list", "resources/read", "prompts/get summarise"):
        c, s = pair(spans, name)
        assert s.parent.span_id == c.context.span_id and c.attributes["actiontrace.span.type"] == "mcp"
        assert "gen_ai.operation.name" not in c.attributes
    c, s = pair(spans, "resources/read")
    assert c.attributes["mcp.resource.uri"] == s.attributes["mcp.resource.uri"] == "notes://today"
    c, s = pair(spans, "prompts/get summarise")
    assert c.attributes["gen_ai.prompt.name"] == s.attributes["gen_ai.prompt.name"] == "summarise"


async def test_capture_off_records_no_arguments_or_results(memory_session, spans, monkeypatch):
    set_capture(monkeypatch, False)
    async with memory_session() as client:
        await client.call_tool("forecast", {"city": "Oslo"})
    for span in pair(spans, "tools/call forecast"):
        assert "gen_ai.tool.call.arguments" not in span.attributes
        assert "gen_ai.tool.call.result" not in span.attributes


async def test_captured_arguments_are_redacted(memory_session, spans):
    async with memory_session() as client:
        await client.call_tool("forecast", {"city": "Oslo", "api_key": "sk-live-0123456789abcdef"})
    for span in pair(spans, "tools/call forecast"):
        captured = json.loads(span.attributes["gen_ai.tool.call.arguments"])
        assert captured["city"] == "Oslo" and captured["api_key"].startswith("[REDACTED")


async def test_inside_a_tool_span_there_is_one_execute_tool_span(memory_session, spans):
    @actiontrace.tool(name="weather")
    async def weather(client, city):
        return await client.call_tool("forecast", {"city": city})

    async with memory_session() as client:
        result = await weather(client, "Oslo")
    assert result.isError is False
    client_side = [s for s in spans.get_finished_spans()
                   if s.kind != SpanKind.SERVER and s.attributes.get("gen_ai.operation.name") == "execute_tool"]
    (tool,) = client_side
    assert tool.name == "execute_tool weather" and tool.attributes["gen_ai.tool.name"] == "weather"
    assert tool.attributes["mcp.method.name"] == "tools/call" and "jsonrpc.request.id" in tool.attributes
    assert tool.attributes["mcp.protocol.version"] == types.LATEST_PROTOCOL_VERSION
    assert not [s for s in mcp_spans(spans, SpanKind.CLIENT) if s.name.startswith("tools/call")]
    (server,) = [s for s in mcp_spans(spans, SpanKind.SERVER) if s.name == "tools/call forecast"]
    assert server.parent.span_id == tool.context.span_id


async def test_is_error_inside_a_tool_span_marks_the_tool_span(memory_session, spans):
    @actiontrace.tool(name="weather")
    async def weather(client):
        return await client.call_tool("refuse", {"city": "Oslo"})

    async with memory_session() as client:
        assert (await weather(client)).isError
    (tool,) = [s for s in spans.get_finished_spans() if s.name == "execute_tool weather"]
    assert tool.attributes["error.type"] == "tool_error" and tool.status.status_code == StatusCode.ERROR


async def test_context_is_added_to_meta_beside_the_application_keys(memory_session, spans):
    async with memory_session() as client:
        result = await client.call_tool("echo_meta", {}, meta={"app": "x"})
    arrived = json.loads(result.content[0].text)
    c, s = pair(spans, "tools/call echo_meta")
    assert arrived["app"] == "x"
    assert arrived["traceparent"].startswith(f"00-{c.context.trace_id:032x}-{c.context.span_id:016x}-")
    assert s.parent.span_id == c.context.span_id


async def test_an_application_traceparent_in_meta_is_never_overwritten(memory_session, spans):
    theirs = "00-" + "1" * 32 + "-" + "2" * 16 + "-01"
    async with memory_session() as client:
        result = await client.call_tool("echo_meta", {}, meta={"traceparent": theirs})
    assert json.loads(result.content[0].text)["traceparent"] == theirs
    c, s = pair(spans, "tools/call echo_meta")
    assert f"{s.context.trace_id:032x}" == "1" * 32 and f"{s.parent.span_id:016x}" == "2" * 16
    assert c.context.trace_id != s.context.trace_id


async def test_request_objects_of_the_application_are_not_modified(memory_session, spans):
    request = types.ClientRequest(types.ListToolsRequest())
    async with memory_session() as client:
        result = await client.send_request(request, types.ListToolsResult)
    assert request.root.params is None and len(result.tools) == 4
    c, s = pair(spans, "tools/list")
    assert s.parent.span_id == c.context.span_id


async def test_hostile_input_reaches_the_sdk_unchanged(memory_session, spans):
    async with memory_session() as client:
        with pytest.raises(AttributeError) as caught:
            await client.send_request(object(), types.ListToolsResult)
        garbled = await client.call_tool("echo_meta", {}, meta={"traceparent": "garbage", "tracestate": 7})
        bad_args = await client.call_tool("forecast", {"city": {"nested": [1, 2]}})
        with pytest.raises(PydanticSerializationError):  # what the SDK raises uninstrumented too
            await client.call_tool("explode", {"reason": object()})
    assert "model_dump" in str(caught.value)
    assert json.loads(garbled.content[0].text)["traceparent"] == "garbage"
    c, s = pair(spans, "tools/call echo_meta")
    assert s.parent is None or s.parent.span_id != c.context.span_id  # no valid parent arrived
    assert bad_args.isError  # the server rejects the argument type; the span says so
    c, _ = pair(spans, "tools/call forecast")
    assert c.attributes["error.type"] == "tool_error"
    (unsent,) = [s for s in mcp_spans(spans, SpanKind.CLIENT) if s.name == "tools/call explode"]
    assert unsent.attributes["error.type"].endswith("PydanticSerializationError")
    assert json.loads(unsent.attributes["gen_ai.tool.call.arguments"])["reason"].startswith("<object")


class BrokenPropagator(TextMapPropagator):
    def inject(self, carrier, context=None, setter=None):
        raise RuntimeError("broken inject")

    def extract(self, carrier, context=None, getter=None):
        raise RuntimeError("broken extract")

    @property
    def fields(self):
        return {"traceparent"}


async def test_a_broken_propagator_never_breaks_the_call(memory_session, spans):
    original = propagate.get_global_textmap()
    propagate.set_global_textmap(BrokenPropagator())
    try:
        async with memory_session() as client:
            result = await client.call_tool("forecast", {"city": "Oslo"})
            theirs = "00-" + "1" * 32 + "-" + "2" * 16 + "-01"  # reaches the server's broken extract
            echoed = await client.call_tool("echo_meta", {}, meta={"traceparent": theirs})
    finally:
        propagate.set_global_textmap(original)
    assert json.loads(result.content[0].text)["city"] == "Oslo"
    assert json.loads(echoed.content[0].text)["traceparent"] == theirs
    assert all(span.end_time is not None for span in pair(spans, "tools/call echo_meta"))
    c, s = pair(spans, "tools/call forecast")
    assert c.end_time is not None and s.end_time is not None


async def test_session_values_reach_the_server_through_baggage(memory_session, spans, monkeypatch):
    monkeypatch.setattr(_baggage, "enabled", True)
    async with memory_session() as client:
        with actiontrace.session("s-42", user_id="u-7"):
            await client.call_tool("forecast", {"city": "Oslo"})
    _, s = pair(spans, "tools/call forecast")
    assert s.attributes["session.id"] == "s-42" and s.attributes["user.id"] == "u-7"


async def test_operation_and_session_duration_metrics(memory_session, spans):
    reader = InMemoryMetricReader()
    genai_metrics.use_meter_provider(MeterProvider(metric_readers=[reader]))
    try:
        async with memory_session() as client:
            await client.call_tool("forecast", {"city": "Oslo"})
            await client.call_tool("refuse", {"city": "Oslo"})
        data = reader.get_metrics_data()
    finally:
        genai_metrics.use_meter_provider(None)
    points = {}
    for rm in data.resource_metrics:
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                points[metric.name] = list(metric.data.data_points)
    for name in ("mcp.client.operation.duration", "mcp.server.operation.duration"):
        calls = {(p.attributes.get("gen_ai.tool.name"), p.attributes.get("error.type")): p
                 for p in points[name] if p.attributes["mcp.method.name"] == "tools/call"}
        assert set(calls) >= {("forecast", None), ("refuse", "tool_error")}
        assert list(calls[("forecast", None)].explicit_bounds)[:3] == [0.01, 0.02, 0.05]
        assert "jsonrpc.request.id" not in calls[("forecast", None)].attributes
    assert points["mcp.client.session.duration"][0].count == 1
    assert points["mcp.server.session.duration"][0].count == 1


async def test_uninstrument_restores_every_method(memory_session, spans, instrumented):
    from mcp.client.session import ClientSession
    from mcp.client import stdio
    from mcp.server.lowlevel.server import Server
    from mcp.shared.session import BaseSession, RequestResponder

    assert MCPInstrumentor.wrapped_methods()
    instrumented.uninstrument()
    assert MCPInstrumentor.wrapped_methods() == []
    assert "send_request" not in ClientSession.__dict__ and ClientSession.send_request is BaseSession.send_request
    assert "__aenter__" not in ClientSession.__dict__
    assert "send_notification" not in ClientSession.__dict__
    for cls, method in ((Server, "_handle_request"), (Server, "_handle_notification"), (Server, "run"),
                        (RequestResponder, "respond")):
        assert not hasattr(cls.__dict__[method], "__wrapped__")
    assert not hasattr(stdio.stdio_client, "__actiontrace_original__")
    async with memory_session() as client:
        assert (await client.call_tool("forecast", {"city": "Oslo"})).isError is False
    assert mcp_spans(spans) == []
    instrumented.instrument()  # the fixture uninstruments again


def test_span_names_build_and_parse():
    assert span_name("tools/call", "forecast") == "tools/call forecast"
    assert span_name("resources/read", "notes://today") == "resources/read"
    assert span_name("tools/list") == "tools/list"
    assert parse_span_name("prompts/get summarise") == ("prompts/get", "summarise")
    assert parse_span_name("initialize") == ("initialize", None)
