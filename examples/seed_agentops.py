"""AgentOps-style `@record_action` and `record(Event(...))`.

Runs offline: the "LLM" is a local function traced with `@actiontrace.llm`. Each call
of a decorated function is a span; the calls it makes are its children (the replay
graph). Writes JSONL spans to ./traces (or $ACTIONTRACE_JSONL_PATH).
"""

from __future__ import annotations

import os

import actiontrace
from actiontrace.seeds import ActionType, Client, Event, EventState

ao_client = Client(tags=["example"])


@actiontrace.llm(model="gpt-4")
def openai_call(prompt: str) -> str:
    actiontrace.record_usage(input_tokens=len(prompt.split()), output_tokens=3)
    return f"summary of: {prompt[:20]}"


@ao_client.record_action("sample function being record", tags=["replay"])
def sample_function(text: str) -> str:
    first = openai_call(text)
    return openai_call(first)


def main() -> None:
    actiontrace.configure(service_name="seed-agentops")
    with actiontrace.session(name="AgentOps example"):
        print(sample_function("The quick brown fox jumps over the lazy dog"))
        ao_client.record(Event("event_type1"))
        ao_client.record(Event("API Call", params={"url": "https://example.com"}, returns="200 OK",
                               result=EventState.SUCCESS, action_type=ActionType.API, tags=["my_tag"]))
        ao_client.record(Event("OpenAI Call", model="gpt-4", prompt="What is 2+2?", returns="4",
                               result=EventState.SUCCESS))
        ao_client.record(Event("flaky step", result=EventState.FAIL))
    actiontrace.shutdown()
    print("traces written to", os.environ.get("ACTIONTRACE_JSONL_PATH", "traces"))


if __name__ == "__main__":
    main()
