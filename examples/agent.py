"""A small tool-using agent, traced with actiontrace.

The loop of the Helicone agent-tracing guide: classify the question, call
`search_database` or `fetch_weather`, then answer. The "LLM" here is a deterministic
local function (no API key, no server); its calls are traced with `@actiontrace.llm`
and report token usage as a real client would.

Run:  make demo        (or: python examples/agent.py)
Writes JSONL traces to ./traces (ACTIONTRACE_JSONL_PATH overrides) and prints the
span tree with `actiontrace view`. With OTEL_EXPORTER_OTLP_ENDPOINT set, the same
spans also go over OTLP to a Collector, Jaeger, Tempo or Phoenix.
"""

from __future__ import annotations

import json
import os
import secrets
import string
import sys
import uuid

import actiontrace

MAX_ITERATIONS = 5


# --- tools --------------------------------------------------------------------
@actiontrace.tool
def search_database(query: str, limit: int = 10, credentials: dict | None = None) -> dict:
    """Search the product database."""
    catalogue = ["trail shoes", "rain jacket", "running socks", "water bottle"]
    hits = [item for item in catalogue if any(word in item for word in query.lower().split())]
    return {"results": hits[:limit], "count": len(hits[:limit])}


@actiontrace.tool
def fetch_weather(location: str) -> dict:
    """Get current weather for a location."""
    return {"location": location, "temp": 18, "condition": "sunny", "units": "metric"}


TOOLS = {"search_database": search_database, "fetch_weather": fetch_weather}


# --- the model stand-in ----------------------------------------------------------
def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


@actiontrace.llm(model="local-rules-1", provider="local")
def classify(question: str) -> str:
    """Decide which tool the question needs."""
    label = "weather" if "weather" in question.lower() else "product"
    actiontrace.record_usage(_tokens(question), 1, response_model="local-rules-1", finish_reasons=["stop"])
    return label


@actiontrace.llm(model="local-rules-1", provider="local")
def decide(messages: list[dict]) -> dict:
    """Return either a tool call or a final answer, like a chat completion would."""
    last = messages[-1]
    prompt = json.dumps(messages)
    if last["role"] == "user":
        if "weather" in last["content"].lower():
            call = {"name": "fetch_weather", "arguments": {"location": "San Francisco, CA"}}
        else:
            call = {"name": "search_database", "arguments": {"query": last["content"], "limit": 3}}
        reply = {"tool_call": {"id": f"call_{len(messages)}", **call}}
    else:
        result = json.loads(last["content"])
        if "temp" in result:
            text = f"It is {result['temp']}°C and {result['condition']} in {result['location']}."
        else:
            text = f"I found {result['count']} matching products: {', '.join(result['results'])}."
        reply = {"content": text}
    actiontrace.record_usage(_tokens(prompt), _tokens(json.dumps(reply)), response_model="local-rules-1",
                             finish_reasons=["tool_calls" if "tool_call" in reply else "stop"])
    return reply


# --- the agent loop ----------------------------------------------------------------
@actiontrace.agent(name="complete-agent", max_iterations=MAX_ITERATIONS)
def run_agent(question: str, credentials: dict) -> str:
    """Answers shopping and weather questions with tools."""
    classify(question)
    messages = [{"role": "user", "content": question}]
    for i in range(MAX_ITERATIONS):
        actiontrace.iteration()
        with actiontrace.session(path=f"/iteration/{i}", properties={"Iteration": str(i)}):
            reply = decide(messages)
            if "tool_call" not in reply:
                return reply["content"]
            call = reply["tool_call"]
            with actiontrace.session(path=f"/tools/{call['name']}"), actiontrace.tool_call_id(call["id"]):
                args = dict(call["arguments"])
                if call["name"] == "search_database":
                    args["credentials"] = credentials  # shows that secrets never reach the trace
                result = TOOLS[call["name"]](**args)
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": json.dumps(result)})
    return "Agent exceeded maximum iterations"


def _fake_key() -> str:
    # Made up at run time in the format of an OpenAI project key; redaction must remove it.
    return "sk-proj-" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(48))


def main() -> int:
    trace_dir = os.environ.get("ACTIONTRACE_JSONL_PATH", "traces")
    os.makedirs(trace_dir, exist_ok=True)
    actiontrace.configure(service_name="example-agent", jsonl_path=trace_dir)
    credentials = {"api_key": _fake_key(), "region": "eu"}
    run_id = f"agent-{uuid.uuid4().hex[:12]}"
    with actiontrace.session(session_id=run_id, name="Complete Agent", user_id="demo-user",
                             properties={"Agent-Version": "v1.0"}):
        for question in ("Do you have trail shoes?", "What's the weather like in San Francisco?"):
            print(f"> {question}\n{run_agent(question, credentials)}\n")
    actiontrace.shutdown()

    print(f"Trace written to {trace_dir}/. What was recorded:\n")
    from actiontrace.cli import main as cli

    return cli(["view", trace_dir, "--session", run_id])


if __name__ == "__main__":
    sys.exit(main())
