"""The example OpenAI-compatible server scripts tool calls that the real client understands."""

from __future__ import annotations

from support.paths import EXAMPLES
import json
import sys
from pathlib import Path

import openai
from support.openai_replay import llm_spans

sys.path.insert(0, str(EXAMPLES))
from fake_openai_server import FakeOpenAIServer  # noqa: E402

TOOLS = [{"type": "function", "function": {"name": n, "parameters": {"type": "object", "properties": {}}}}
         for n in ("search_database", "fetch_weather")]


def test_tool_call_round_trip(spans, capture_off):
    with FakeOpenAIServer() as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0)
        messages = [{"role": "user", "content": "What is the weather in Oslo and the latest orders?"}]
        first = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        calls = first.choices[0].message.tool_calls
        assert first.choices[0].finish_reason == "tool_calls"
        assert [c.function.name for c in calls] == ["fetch_weather", "search_database"]
        assert json.loads(calls[0].function.arguments) == {"city": "Oslo"}
        messages.append(first.choices[0].message.model_dump(exclude_none=True))
        for c in calls:
            messages.append({"role": "tool", "tool_call_id": c.id, "content": f"result of {c.function.name}"})
        final = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        assert final.choices[0].finish_reason == "stop"
        assert "result of fetch_weather" in final.choices[0].message.content
        streamed = client.chat.completions.create(model="gpt-4o-mini", messages=messages[:1], tools=TOOLS,
                                                  stream=True, stream_options={"include_usage": True})
        chunks = list(streamed)
        assert chunks[-1].usage.total_tokens > 0
        assert len(server.requests) == 3
    first_span, second_span, third_span = sorted(llm_spans(spans), key=lambda s: s.start_time)
    assert first_span.attributes["gen_ai.usage.input_tokens"] > 0
    assert tuple(second_span.attributes["gen_ai.response.finish_reasons"]) == ("stop",)
    assert tuple(third_span.attributes["gen_ai.response.finish_reasons"]) == ("tool_calls",)
