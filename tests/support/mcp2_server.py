"""The MCP test server for mcp 2.x (``MCPServer``, which replaced ``FastMCP``): ``forecast``
returns, ``refuse`` returns ``is_error``. Traces itself into its own JSONL directory::

    python tests/support/mcp2_server.py TRACES_DIR
"""

from __future__ import annotations

import sys

from mcp.server.mcpserver import MCPServer
from mcp_types import CallToolResult, TextContent


def build() -> MCPServer:
    server = MCPServer("weather")

    @server.tool()
    def forecast(city: str) -> dict:
        """Tomorrow's forecast for a city."""
        return {"city": city, "temperature_c": 21}

    @server.tool()
    def refuse(city: str) -> CallToolResult:
        """Answers with a tool error."""
        return CallToolResult(content=[TextContent(type="text", text=f"no forecast for {city}")], is_error=True)

    return server


if __name__ == "__main__":
    import actiontrace

    actiontrace.configure(service_name="mcp-weather", jsonl_path=sys.argv[1])
    build().run("stdio")
