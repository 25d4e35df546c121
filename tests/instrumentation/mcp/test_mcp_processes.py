"""Client in the test process, server in a subprocess tracing into its own JSONL directory:
one trace across the process boundary over stdio and over Streamable HTTP."""

from __future__ import annotations

import json

import anyio
import pytest
from mcp import ClientSession
from mcp.shared.exceptions import McpError
from opentelemetry.trace import SpanKind
from support.mcp_processes import TIMEOUT, http_server, stdio_parameters, wait_for_server_spans

from actiontrace import _vocabulary as A

EXPECTED = {"tools/call forecast", "tools/call explode", "tools/call refuse", "tools/list",
            "resources/read", "prompts/get summarise", "prompts/get missing", "notifications/initialized"}


async def exercise(client: ClientSession) -> dict:
    """The same calls on every transport; returns what the caller got back."""
    with anyio.fail_after(TIMEOUT):
        await client.initialize()
        got = {
            "forecast": await client.call_tool("forecast", {"city": "Oslo", "api_key": "sk-live-0123456789abcdef"}),
            "explode": await client.call_tool("explode", {"reason": "boom"}),
            "refuse": await client.call_tool("refuse", {"city": "Oslo"}),
            "tools": await client.list_tools(),
            "resource": await client.read_resource("notes://today"),
            "prompt": await client.get_prompt("summarise", {"topic": "rain"}),
        }
        with pytest.raises(McpError) as caught:
            await client.get_prompt("missing", {})
        got["missing"] = caught.value
    return got


def check_results(got: dict) -> None:
    assert json.loads(got["forecast"].content[0].text)["temperature_c"] == 21 and not got["forecast"].isError
    assert got["explode"].isError and "exploded: boom" in got["explode"].content[0].text
    assert got["refuse"].isError and got["refuse"].content[0].text == "no forecast for Oslo"
    assert [t.name for t in got["tools"].tools] == ["forecast", "explode", "refuse", "echo_meta"]
    assert got["resource"].contents[0].text == "sunny all day"
    assert got["prompt"].messages[0].content.text == "Summarise rain in one line."
    assert got["missing"].error.message == "Unknown prompt: missing"


def check_joined(client_spans: list, server_spans: list) -> dict:
    """Every server span is the child of the client span of the same name, in the same trace."""
    by_id = {}
    for s in client_spans:
        by_id[(format(s.context.trace_id, "032x"), format(s.context.span_id, "016x"))] = s
    pairs = {}
    for server in server_spans:
        if server.name not in EXPECTED:
            continue
        assert server.kind_name == "server" and server.resource.get("service.name") == "mcp-weather"
        client = by_id[(server.trace_id, server.parent_span_id)]
        assert client.name == server.name and client.kind == SpanKind.CLIENT
        assert client.attributes.get("jsonrpc.request.id") == server.attributes.get("jsonrpc.request.id")
        pairs.setdefault(server.name, []).append((client, server))
    assert set(pairs) == EXPECTED
    return {name: found[-1] for name, found in pairs.items()}


def check_attributes(pairs: dict) -> None:
    client, server = pairs["tools/call forecast"]
    for a in (client.attributes, server.attributes):
        assert a["gen_ai.operation.name"] == "execute_tool" and a["gen_ai.tool.name"] == "forecast"
        assert json.loads(a["gen_ai.tool.call.arguments"])["api_key"].startswith("[REDACTED")
        assert a["mcp.protocol.version"]
    for name in ("tools/call explode", "tools/call refuse"):
        client, server = pairs[name]
        assert client.attributes["error.type"] == server.attributes["error.type"] == A.MCP_TOOL_ERROR
        assert server.status == "error" and client.status.status_code.name == "ERROR"
    client, server = pairs["prompts/get missing"]
    assert client.attributes["error.type"] == server.attributes["error.type"] == "0"
    assert server.status_message == client.status.description == "Unknown prompt: missing"
    assert pairs["resources/read"][1].attributes["mcp.resource.uri"] == "notes://today"
    assert pairs["prompts/get summarise"][1].attributes["gen_ai.prompt.name"] == "summarise"


def finished_client_spans(spans) -> list:
    return [s for s in spans.get_finished_spans() if "mcp.method.name" in (s.attributes or {})]


async def test_stdio_one_trace_across_processes(spans, tmp_path):
    from mcp.client import stdio

    traces = tmp_path / "server-traces"
    async with stdio.stdio_client(stdio_parameters(traces)) as (read, write):
        async with ClientSession(read, write) as client:
            got = await exercise(client)
            server_spans = await anyio.to_thread.run_sync(wait_for_server_spans, traces, EXPECTED)
    check_results(got)
    pairs = check_joined(finished_client_spans(spans), server_spans)
    check_attributes(pairs)
    client, server = pairs["tools/call forecast"]
    assert client.attributes["network.transport"] == server.attributes["network.transport"] == "pipe"
    assert "server.address" not in client.attributes and "client.address" not in server.attributes


async def test_streamable_http_one_trace_across_processes(spans, tmp_path):
    from mcp.client import streamable_http

    traces = tmp_path / "server-traces"
    with http_server(traces) as (url, port):
        async with streamable_http.streamable_http_client(url) as (read, write, session_id):
            async with ClientSession(read, write) as client:
                got = await exercise(client)
                server_spans = await anyio.to_thread.run_sync(wait_for_server_spans, traces, EXPECTED)
                sid = session_id()
    check_results(got)
    pairs = check_joined(finished_client_spans(spans), server_spans)
    check_attributes(pairs)
    client, server = pairs["tools/call forecast"]
    c, s = client.attributes, server.attributes
    assert c["network.transport"] == s["network.transport"] == "tcp"
    assert c["network.protocol.name"] == s["network.protocol.name"] == "http"
    assert c["server.address"] == "127.0.0.1" and c["server.port"] == port
    assert s["client.address"] == "127.0.0.1" and isinstance(s["client.port"], int)
    assert s["network.protocol.version"] in ("1.0", "1.1", "2")
    assert sid and c["mcp.session.id"] == s["mcp.session.id"] == sid
