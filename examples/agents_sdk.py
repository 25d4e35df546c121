"""An OpenAI Agents SDK run traced with actiontrace: a triage agent hands a weather question
to a specialist, which calls a function tool; every step is a GenAI span in one tree.

No API key and no network: the SDK's Chat Completions model talks to the embedded
OpenAI-compatible server on 127.0.0.1 (``fake_openai_server.py``), which scripts the
handoff and the tool call. ``actiontrace.configure()`` turns on the OpenAI client
instrumentation and the Agents SDK bridge. The SDK's own export to OpenAI's platform, which
the bridge would keep behind the redaction, is dropped first: an offline demo sends nothing,
even with ``OPENAI_API_KEY`` set.

Run:  python examples/agents_sdk.py     (needs ``pip install openai-agents``)
Writes JSONL traces to ./traces (ACTIONTRACE_JSONL_PATH overrides) and prints the tree.
"""

from __future__ import annotations

import os
import sys
import uuid

import actiontrace

MODEL = "gpt-4o-mini"


def main() -> int:
    trace_dir = os.environ.get("ACTIONTRACE_JSONL_PATH", "traces")
    from agents import set_trace_processors

    set_trace_processors([])  # before configure(), which keeps the processors it finds
    actiontrace.configure(service_name="agents-sdk-example", jsonl_path=trace_dir)

    import openai
    from agents import Agent, OpenAIChatCompletionsModel, Runner, function_tool, handoff
    from agents.extensions.handoff_filters import remove_all_tools

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from fake_openai_server import FakeOpenAIServer

    @function_tool
    def fetch_weather(city: str) -> str:
        """Get current weather for a city."""
        return f"18°C and sunny in {city}"

    run_id = f"agents-{uuid.uuid4().hex[:12]}"
    with FakeOpenAIServer() as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="local-demo", max_retries=0)
        model = OpenAIChatCompletionsModel(model=MODEL, openai_client=client)
        meteorologist = Agent(name="meteorologist", instructions="Answer weather questions with the tool.",
                              tools=[fetch_weather], model=model)
        triage = Agent(name="triage", instructions="Hand weather questions to the meteorologist.",
                       # The specialist sees the conversation without the triage's tool traffic.
                       handoffs=[handoff(meteorologist, input_filter=remove_all_tools)], model=model)
        with actiontrace.session(session_id=run_id, user_id="demo-user"):
            result = Runner.run_sync(triage, "What's the weather like in Lisbon?")
        print(f"> What's the weather like in Lisbon?\n{result.final_output}\n")
    actiontrace.shutdown()

    print(f"Trace written to {trace_dir}/. What was recorded:\n")
    from actiontrace.cli import main as cli

    return cli(["view", trace_dir, "--session", run_id])


if __name__ == "__main__":
    sys.exit(main())
