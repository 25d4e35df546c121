"""Fixtures for the MCP instrumentation tests: the instrumentor, and an in-memory client
session on the test server (``support/mcp_server.py``)."""

from __future__ import annotations

import pytest

from actiontrace.instrumentation.mcp import MCPInstrumentor


@pytest.fixture(autouse=True)
def instrumented():
    instrumentor = MCPInstrumentor()
    instrumentor.instrument()
    yield instrumentor
    instrumentor.uninstrument()


@pytest.fixture
def memory_session():
    """``async with memory_session() as client`` - a ClientSession wired to the test server in-process."""
    from mcp.shared.memory import create_connected_server_and_client_session
    from support.mcp_server import build

    return lambda: create_connected_server_and_client_session(build()._mcp_server)
