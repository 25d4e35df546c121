"""A small tool-using agent, traced with actiontrace.

The loop of the Helicone agent-tracing guide: the model decides which tool to call
(`search_database`, `fetch_weather`), the agent runs it and sends the result back, the
model answers. The real `openai` client makes the LLM calls (or, with
ACTIONTRACE_DEMO_PROVIDER=anthropic, the real `anthropic` client), instrumented
automatically by `actiontrace.configure()`.

By default the client talks to an embedded OpenAI- (or Anthropic-) compatible server on
127.0.0.1 that scripts the tool calls (no API key, no network). With OPENAI_API_KEY
(ANTHROPIC_API_KEY) set it calls the real API instead (model: ACTIONTRACE_DEMO_MODEL,
default gpt-4o-mini, or claude-haiku-4-5).

Run:  make demo        (or: python examples/agent.py)
Writes JSONL traces to ./traces (ACTIONTRACE_JSONL_PATH overrides) and prints the
span tree with `actiontrace view`. With OTEL_EXPORTER_OTLP_ENDPOINT set, the same
spans also go over OTLP to a Collector, Jaeger, Tempo or Phoenix.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import string
import sys
import uuid

import actiontrace

MAX_ITERATIONS = 5
PROVIDER = os.environ.get("ACTIONTRACE_DEMO_PROVIDER", "openai")
MODEL = os.environ.get("ACTIONTRACE_DEMO_MODEL", "claude-haiku-4-5" if PROVIDER == "anthropic" else "gpt-4o-mini")

TOOL_DEFINITIONS = [
    {"type": "function", "function": {
        "name": "search_database", "description": "Search the product database",
        "parameters": {"type": "object", "properties": {"query": {"type": "string"}, "limit": {"type": "integer"}},
                       "required": ["query"]}}},
    {"type": "function", "function": {
        "name": "fetch_weather", "description": "Get current weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}},
]


# --- tools --------------------------------------------------------------------------
@actiontrace.tool
def search_database(query: str, limit: int = 10, credentials: dict | None = None) -> dict:
    """Search the product database."""
    catalogue = ["trail shoes", "rain jacket", "running socks", "water bottle"]
    hits = [item for item in catalogue if any(word in item for word in query.lower().split())]
    return {"results": hits[:limit], "count": len(hits[:limit])}


@actiontrace.tool
def fetch_weather(city: str) -> dict:
    """Get current weather for a city."""
    return {"city": city, "temp": 18, "condition": "sunny", "units": "metric"}


TOOLS = {"search_database": search_database, "fetch_weather": fetch_weather}
CLAUDE_TOOLS = [{"name": t["function"]["name"], "description": t["function"]["description"],
                 "input_schema": t["function"]["parameters"]} for t in TOOL_DEFINITIONS]


# --- one model turn: the answer, or the tool calls (id, name, arguments) it asks for -----
def ask_openai(client, messages: list) -> tuple[str | None, list]:
    message = client.chat.completions.create(model=MODEL, messages=messages, tools=TOOL_DEFINITIONS).choices[0].message
    if not message.tool_calls:
        return message.content, []
    messages.append(message.model_dump(exclude_none=True))
    return None, [(c.id, c.function.name, json.loads(c.function.arguments or "{}")) for c in message.tool_calls]


def ask_claude(client, messages: list) -> tuple[str | None, list]:
    response = client.messages.create(model=MODEL, max_tokens=1024, messages=messages, tools=CLAUDE_TOOLS)
    calls = [(b.id, b.name, dict(b.input)) for b in response.content if b.type == "tool_use"]
    if not calls:
        return "".join(b.text for b in response.content if b.type == "text"), []
    messages.append({"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in response.content]})
    return None, calls


def tool_results(messages: list, results: list) -> None:
    """Send (call id, result) pairs back, as the provider's API wants them."""
    if PROVIDER == "anthropic":
        messages.append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": i, "content": json.dumps(r)}
                                                     for i, r in results]})
    else:
        messages += [{"role": "tool", "tool_call_id": i, "content": json.dumps(r)} for i, r in results]


# --- the agent loop -------------------------------------------------------------------
@actiontrace.agent(name="complete-agent", max_iterations=MAX_ITERATIONS, exclude=["client"])
def run_agent(client, question: str, credentials: dict) -> str:
    """Answers shopping and weather questions with tools."""
    messages: list = [{"role": "user", "content": question}]
    ask = ask_claude if PROVIDER == "anthropic" else ask_openai
    for i in range(MAX_ITERATIONS):
        actiontrace.iteration()
        with actiontrace.session(path=f"/iteration/{i}", properties={"Iteration": str(i)}):
            answer, calls = ask(client, messages)
            if not calls:
                return answer
            results = []
            for call_id, name, args in calls:
                if name == "search_database":
                    args["credentials"] = credentials  # shows that secrets never reach the trace
                with actiontrace.session(path=f"/tools/{name}"), actiontrace.tool_call_id(call_id):
                    results.append((call_id, TOOLS[name](**args)))
            tool_results(messages, results)
    return "Agent exceeded maximum iterations"


def _fake_key() -> str:
    # Made up at run time in the format of an OpenAI project key; redaction must remove it.
    return "sk-proj-" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(48))


@contextlib.contextmanager
def llm_client():
    """The real OpenAI (or Anthropic) client: against the API with its key, else the embedded server."""
    if PROVIDER == "anthropic":
        import anthropic

        if os.environ.get("ANTHROPIC_API_KEY"):
            yield anthropic.Anthropic()
            return
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from fake_anthropic_server import FakeAnthropicServer

        with FakeAnthropicServer() as server:
            yield anthropic.Anthropic(base_url=server.base_url, api_key="local-demo", max_retries=0)
        return
    import openai

    if os.environ.get("OPENAI_API_KEY"):
        yield openai.OpenAI()
        return
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from fake_openai_server import FakeOpenAIServer

    with FakeOpenAIServer() as server:
        yield openai.OpenAI(base_url=server.base_url, api_key="local-demo", max_retries=0)


def main() -> int:
    trace_dir = os.environ.get("ACTIONTRACE_JSONL_PATH", "traces")
    os.makedirs(trace_dir, exist_ok=True)
    actiontrace.configure(service_name="example-agent", jsonl_path=trace_dir, instrument=[PROVIDER])
    credentials = {"api_key": _fake_key(), "region": "eu"}
    run_id = f"agent-{uuid.uuid4().hex[:12]}"
    with llm_client() as client, actiontrace.session(
        session_id=run_id, name="Complete Agent", user_id="demo-user", properties={"Agent-Version": "v1.0"}
    ):
        for question in ("Do you have trail shoes?", "What's the weather like in San Francisco?"):
            print(f"> {question}\n{run_agent(client, question, credentials)}\n")
    actiontrace.shutdown()

    print(f"Trace written to {trace_dir}/. What was recorded:\n")
    from actiontrace.cli import main as cli

    return cli(["view", trace_dir, "--session", run_id])


if __name__ == "__main__":
    sys.exit(main())
