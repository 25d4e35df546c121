"""mcp 2.x emits its own spans: exactly one client and one server span per request, with the
conventions' names and attributes, joined in one trace. Not collected by the main suite (whose
venv holds mcp 1.x): test_mcp2_venv.py runs it in the mcp 2.x venv that scripts/mcp2-tests.sh builds."""

from __future__ import annotations

import json
import sys
from importlib.metadata import version

import pytest

if int(version("mcp").split(".")[0]) < 2:
    raise RuntimeError(f"this module tests mcp 2.x, found {version('mcp')}: run it through scripts/mcp2-tests.sh")

import anyio
from opentelemetry.trace import SpanKind
from support.mcp_processes import TIMEOUT, server_env, wait_for_server_spans
from support.paths import ROOT

from actiontrace.instrumentation.mcp._native import SDK_SCOPE

SERVER = ROOT / "tests" / "support" / "mcp2_server.py"


async def test_one_span_pair_per_request_with_the_conventions_names(spans, tmp_path):
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    traces = tmp_path / "server-traces"
    params = StdioServerParameters(command=sys.executable, args=[str(SERVER), str(traces)], env=server_env(traces))
    with anyio.fail_after(TIMEOUT):
        async with Client(params, mode="legacy") as client:
            ok = await client.call_tool("forecast", {"city": "Oslo"})
            refused = await client.call_tool("refuse", {"city": "Oslo"})
            server_spans = await anyio.to_thread.run_sync(
                wait_for_server_spans, traces, {"tools/call forecast", "tools/call refuse"})
    assert json.loads(ok.content[0].text)["city"] == "Oslo" and not ok.is_error
    assert refused.is_error
    client_spans = [s for s in spans.get_finished_spans() if s.instrumentation_scope.name == SDK_SCOPE]
    for tool in ("forecast", "refuse"):
        name = f"tools/call {tool}"
        (client,) = [s for s in client_spans if s.name == name]
        (server,) = [s for s in server_spans if s.name == name]
        assert not [s for s in client_spans if s.name.startswith("MCP send")]
        assert client.kind == SpanKind.CLIENT and server.kind_name == "server"
        assert client.attributes["gen_ai.operation.name"] == "execute_tool"
        assert client.attributes["gen_ai.tool.name"] == server.attributes["gen_ai.tool.name"] == tool
        assert client.attributes["actiontrace.span.type"] == server.attributes["actiontrace.span.type"] == "tool"
        assert client.attributes["actiontrace.path"] == f"/{tool}"
        assert server.trace_id == f"{client.context.trace_id:032x}"
        assert server.parent_span_id == f"{client.context.span_id:016x}"
    (refused_server,) = [s for s in server_spans if s.name == "tools/call refuse"]
    assert refused_server.attributes["error.type"] == "tool_error"
    ours = [s for s in spans.get_finished_spans() if s.instrumentation_scope.name == "actiontrace.instrumentation.mcp"]
    assert ours == []
