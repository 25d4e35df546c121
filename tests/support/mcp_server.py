"""A small FastMCP server for the MCP tests, the example and the benchmark.

Tools: ``forecast`` returns, ``explode`` raises, ``refuse`` returns ``isError``, ``echo_meta`` answers the
request's ``params._meta``; a resource
``notes://today`` and a prompt ``summarise``. ``build()`` gives the server for in-memory use.

Run as a process, it traces itself through ``actiontrace.configure`` into its own JSONL
directory (service ``mcp-weather``)::

    python tests/support/mcp_server.py stdio TRACES_DIR
    python tests/support/mcp_server.py http TRACES_DIR PORT
"""

from __future__ import annotations

import json
import sys

from mcp.server.fastmcp import Context, FastMCP
from mcp.types import CallToolResult, TextContent

SERVICE = "mcp-weather"


def build(port: int = 8000) -> FastMCP:
    server = FastMCP("weather", host="127.0.0.1", port=port, log_level="WARNING")

    @server.tool()
    def forecast(city: str, api_key: str = "") -> dict:
        """Tomorrow's forecast for a city."""
        return {"city": city, "temperature_c": 21, "sky": "clear"}

    @server.tool()
    def explode(reason: str) -> str:
        """Always raises."""
        raise RuntimeError(f"exploded: {reason}")

    @server.tool()
    def refuse(city: str) -> CallToolResult:
        """Answers with a tool error."""
        return CallToolResult(content=[TextContent(type="text", text=f"no forecast for {city}")], isError=True)

    @server.tool()
    def echo_meta(ctx: Context) -> str:
        """The request's ``params._meta`` as it arrived, as JSON."""
        meta = ctx.request_context.meta
        return json.dumps(meta.model_dump(exclude_none=True) if meta is not None else {})

    @server.resource("notes://today")
    def today() -> str:
        """Today's note."""
        return "sunny all day"

    @server.prompt()
    def summarise(topic: str) -> str:
        """Ask for a summary."""
        return f"Summarise {topic} in one line."

    return server


def main(argv: list[str]) -> None:
    import actiontrace

    transport, traces = argv[0], argv[1]
    actiontrace.configure(service_name=SERVICE, jsonl_path=traces)
    if transport == "stdio":
        build().run("stdio")
    else:
        build(int(argv[2])).run("streamable-http")


if __name__ == "__main__":
    main(sys.argv[1:])
