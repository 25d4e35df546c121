"""An agent that calls tools on a local MCP server, traced as one tree across both processes.

The agent starts the server (this same file, run with ``--serve``) as a subprocess over stdio,
lists its tools, calls two of them and reads a resource. Both processes trace themselves with
``actiontrace.configure()``, which instruments the ``mcp`` SDK: every request is a client span in
the agent and a server span in the server, and the trace context travels in the request's
``params._meta``, so the server's spans hang under the agent's. Session values travel as
baggage (``session_baggage=True``), so the server's spans carry the agent's session id too.

No API key and no network: the "model" is a fixed plan.

Run:  python examples/mcp_agent.py
Both processes append to ./traces (ACTIONTRACE_JSONL_PATH overrides); the agent then prints
the session's tree with ``actiontrace view``.
"""

from __future__ import annotations

import os
import sys
import uuid

import actiontrace

TRACES = os.environ.get("ACTIONTRACE_JSONL_PATH", "traces")


# --- the MCP server (the subprocess) ------------------------------------------------
def serve() -> None:
    from mcp.server.fastmcp import FastMCP

    actiontrace.configure(service_name="weather-mcp", jsonl_path=TRACES, session_baggage=True)
    server = FastMCP("weather", log_level="WARNING")

    @server.tool()
    def forecast(city: str) -> dict:
        """Tomorrow's forecast for a city."""
        return {"city": city, "sky": "sunny", "high_c": 24}

    @server.tool()
    def packing_list(sky: str) -> list[str]:
        """What to pack for the weather."""
        return ["sunglasses", "sun cream"] if sky == "sunny" else ["umbrella", "raincoat"]

    @server.resource("notes://travel-tips")
    def travel_tips() -> str:
        """A travel tip."""
        return "Keep a copy of your passport."

    server.run("stdio")


# --- the agent (this process) --------------------------------------------------------
@actiontrace.agent(name="trip-planner", exclude=["client"])
async def plan_trip(client, city: str) -> str:
    import json

    tools = await client.list_tools()
    names = [tool.name for tool in tools.tools]
    weather = json.loads((await client.call_tool("forecast", {"city": city})).content[0].text)
    packing = (await client.call_tool("packing_list", {"sky": weather["sky"]})).structuredContent["result"]
    tip = (await client.read_resource("notes://travel-tips")).contents[0].text
    return (f"Tools available: {', '.join(names)}.\n{city} tomorrow: {weather['sky']}, {weather['high_c']} °C. "
            f"Pack: {', '.join(packing)}. {tip}")


async def run_agent(run_id: str) -> None:
    from mcp import ClientSession
    from mcp.client import stdio

    env = dict(os.environ, ACTIONTRACE_JSONL_PATH=TRACES, OTEL_BSP_SCHEDULE_DELAY="100")
    params = stdio.StdioServerParameters(command=sys.executable, args=[os.path.abspath(__file__), "--serve"],
                                         env=env)
    async with stdio.stdio_client(params) as (read, write), ClientSession(read, write) as client:
        await client.initialize()
        with actiontrace.session(run_id, name="mcp-demo"):
            print(await plan_trip(client, "Lisbon"))


def main() -> int:
    import anyio

    actiontrace.configure(service_name="trip-agent", jsonl_path=TRACES, session_baggage=True)
    run_id = f"mcp-demo-{uuid.uuid4().hex[:8]}"
    anyio.run(run_agent, run_id)
    actiontrace.shutdown()  # the server flushed when its stdin closed; now the agent has too
    print()
    from actiontrace.cli import main as cli

    return cli(["view", TRACES, "--session", run_id])


if __name__ == "__main__":
    if "--serve" in sys.argv:
        serve()
    else:
        sys.exit(main())
