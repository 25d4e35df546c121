"""Traces for the page tests, written by the library itself: an agent whose LLM calls go through
the real openai client (instrumented by configure()) to the examples' scripted server, with a
system prompt, a tool call and its result; a second run whose tool raises. The question is the
caller's, so a test can make it hostile. The agent runs in its own process (configure() installs
global providers)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from support.cli_traces import cli_env
from support.paths import EXAMPLES

SYSTEM_PROMPT = "You are the shop's assistant. Answer from the catalogue only."
ERROR_MESSAGE = "index shard 3 is offline"

AGENT = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, sys.argv[3])
    import openai
    import actiontrace
    from fake_openai_server import FakeOpenAIServer

    actiontrace.configure(service_name="html-test", jsonl_path=sys.argv[1], instrument=["openai"])
    TOOLS = [{"type": "function", "function": {"name": "search_database", "description": "Search the catalogue",
              "parameters": {"type": "object", "properties": {"query": {"type": "string"}}}}}]

    @actiontrace.tool
    def search_database(query: str) -> dict:
        if "explode" in query:
            raise LookupError(%(error)r)
        return {"results": [query], "count": 1}

    @actiontrace.agent(name="shop-agent", exclude=["client"])
    def run(client, question: str) -> str:
        messages = [{"role": "system", "content": %(system)r}, {"role": "user", "content": question}]
        reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        message = reply.choices[0].message
        messages.append(message.model_dump(exclude_none=True))
        for call in message.tool_calls or []:
            with actiontrace.tool_call_id(call.id):
                result = search_database(**json.loads(call.function.arguments))
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
        return client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS).choices[0].message.content

    with FakeOpenAIServer() as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="local-test", max_retries=0)
        with actiontrace.session(session_id="shop-ok"):
            run(client, sys.argv[2])
        with actiontrace.session(session_id="shop-failing"):
            try:
                run(client, "please explode the index")
            except LookupError:
                pass
    actiontrace.shutdown()
""") % {"error": ERROR_MESSAGE, "system": SYSTEM_PROMPT}


def write_agent_traces(directory: Path, question: str, *, content_mode: str | None = None) -> Path:
    """``content_mode``: OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT (EVENT_ONLY puts the
    messages in gen_ai.client.inference.operation.details events, logs-*.jsonl)."""
    env = {k: v for k, v in cli_env().items() if not k.startswith(("OTEL_", "ACTIONTRACE_", "OPENAI_"))}
    if content_mode:
        env["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = content_mode
    proc = subprocess.run([sys.executable, "-c", AGENT, str(directory), question, str(EXAMPLES)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return directory
