"""Helicone-style sessions, paths, properties and the manual tool logger.

The agent loop of the Helicone agent-tracing guide, offline: a scripted `@actiontrace.llm`
function stands in for the model, tools are logged with `log_request`, the
`Helicone-Session-*`/`Helicone-Property-*` headers become session attributes. Writes
JSONL spans to ./traces (or $ACTIONTRACE_JSONL_PATH), then queries them.
"""

from __future__ import annotations

import json
import os
import time

import actiontrace
from actiontrace.seeds import HeliconeManualLogger

MAX_ITERATIONS = 5


@actiontrace.llm
def chat(model: str, messages: list) -> dict:
    """A scripted model: asks for the weather once, then answers."""
    actiontrace.record_usage(input_tokens=30, output_tokens=8, response_model=model)
    if messages[-1]["role"] == "tool":
        return {"content": f"It is {json.loads(messages[-1]['content'])['temp']}F and sunny.", "tool_calls": []}
    return {"content": None, "tool_calls": [{"id": "call_1", "name": "fetch_weather",
                                             "arguments": {"location": "San Francisco"}}]}


class AgentWithTools:
    def __init__(self, session_id: str) -> None:
        self.logger = HeliconeManualLogger(api_key=os.getenv("HELICONE_API_KEY"), headers={})
        self.session_id = session_id

    def execute_tool(self, tool_name: str, parameters: dict):
        def tool_operation(result_recorder):
            result = {"temp": 72, "condition": "sunny"} if tool_name == "fetch_weather" else \
                {"error": f"Unknown tool: {tool_name}"}
            result_recorder.append_results(result)
            return result

        return self.logger.log_request(
            request={"_type": "tool", "toolName": tool_name, "input": parameters},
            operation=tool_operation,
            additional_headers={
                "Helicone-Session-Id": self.session_id,
                "Helicone-Session-Path": f"/tools/{tool_name}",
                "Helicone-Property-Tool-Category": "external-api",
            },
        )


class CompleteAgent:
    def __init__(self) -> None:
        self.session_id = f"agent-{int(time.time())}"
        self.tools = AgentWithTools(self.session_id)
        self.history: list = []

    @actiontrace.agent(name="CompleteAgent", max_iterations=MAX_ITERATIONS)
    def run(self, user_query: str) -> str:
        self.history.append({"role": "user", "content": user_query})
        for i in range(MAX_ITERATIONS):
            actiontrace.iteration()
            with actiontrace.session(self.session_id, name="Complete Agent", path=f"/iteration/{i}",
                                     properties={"Iteration": str(i), "Agent-Version": "v1.0"}):
                message = chat(model="gpt-4o", messages=self.history)
            if not message["tool_calls"]:
                return message["content"]
            for call in message["tool_calls"]:
                result = self.tools.execute_tool(call["name"], call["arguments"])
                self.history.append({"role": "tool", "tool_call_id": call["id"], "content": json.dumps(result)})
        return "Agent exceeded maximum iterations"


def main() -> None:
    trace_dir = os.environ.get("ACTIONTRACE_JSONL_PATH", "traces")
    actiontrace.configure(service_name="seed-helicone")
    agent = CompleteAgent()
    print(agent.run("What's the weather like in San Francisco?"))
    actiontrace.shutdown()

    result = actiontrace.query(trace_dir, session_id=agent.session_id, properties={"Agent-Version": "v1.0"})
    for session in result.sessions:
        print(json.dumps(session.to_dict(), indent=2))
    print("traces written to", trace_dir)


if __name__ == "__main__":
    main()
