"""configure() turns the MCP instrumentation on when mcp is installed; the instrumentor is
registered under the ``opentelemetry_instrumentor`` entry point; ``import actiontrace`` stays light."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points

from support.paths import ROOT

from actiontrace.instrumentation.mcp import MCPInstrumentor
from actiontrace.reading._reader import read_spans


def run_py(code: str, cwd) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")])
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_entry_point_names_the_instrumentor():
    (ep,) = [ep for ep in entry_points(group="opentelemetry_instrumentor") if ep.name == "mcp"]
    assert ep.load() is MCPInstrumentor


def test_configure_instruments_mcp_by_default(tmp_path):
    proc = run_py(
        """
        import sys
        import anyio
        import actiontrace
        actiontrace.configure(service_name="agent")
        assert "mcp" not in sys.modules  # instrumented when the application imports it
        from mcp.client.stdio import stdio_client
        assert hasattr(stdio_client, "__actiontrace_original__")  # the name it gets is wrapped
        from mcp.shared.memory import create_connected_server_and_client_session as connect
        from support.mcp_server import build

        async def main():
            async with connect(build()._mcp_server) as client:
                print((await client.call_tool("forecast", {"city": "Oslo"})).isError)

        anyio.run(main)
        actiontrace.shutdown()
        """,
        tmp_path,
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "False", proc.stderr
    calls = [s for s in read_spans([str(tmp_path / "traces")]) if s.name == "tools/call forecast"]
    assert sorted(s.kind_name for s in calls) == ["client", "server"]
    client = next(s for s in calls if s.kind_name == "client")
    server = next(s for s in calls if s.kind_name == "server")
    assert server.parent_span_id == client.span_id and server.trace_id == client.trace_id
    assert client.scope_name == "actiontrace.instrumentation.mcp"


def test_import_actiontrace_does_not_import_mcp(tmp_path):
    proc = run_py(
        """
        import sys
        import actiontrace
        print([m for m in ("mcp", "actiontrace.instrumentation.mcp") if m in sys.modules])
        """,
        tmp_path,
    )
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_uninstrument_before_mcp_is_imported_leaves_it_untouched(tmp_path):
    proc = run_py(
        """
        import sys
        from actiontrace.instrumentation.mcp import MCPInstrumentor
        MCPInstrumentor().instrument()
        MCPInstrumentor().uninstrument()
        from mcp.client.session import ClientSession
        from mcp.client.stdio import stdio_client
        print("send_request" in ClientSession.__dict__, hasattr(stdio_client, "__actiontrace_original__"),
              MCPInstrumentor.wrapped_methods())
        """,
        tmp_path,
    )
    assert proc.stdout.strip() == "False False []", proc.stdout + proc.stderr
