"""A tiny Anthropic-compatible Messages API server that scripts tool use, for demos and tests.

Standard library only; binds 127.0.0.1 on an ephemeral port and serves from a daemon thread::

    from fake_anthropic_server import FakeAnthropicServer

    with FakeAnthropicServer() as server:
        client = anthropic.Anthropic(base_url=server.base_url, api_key="not-needed")
        ...

The script is the OpenAI demo server's (``fake_openai_server.plan_tool_calls``), per
``POST /v1/messages``: the conversation ends with ``tool_result`` blocks -> a final answer quoting
them (``stop_reason="end_turn"``); otherwise, when ``tools`` are offered, ``tool_use`` blocks for
``fetch_weather``/``search_database`` (``stop_reason="tool_use"``); otherwise an echo. Every
response carries ``usage`` (word counts standing in for tokens). ``server.requests`` keeps
every request body. Not streamed.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _local_server import JsonHandler, LocalServer  # noqa: E402
from fake_openai_server import plan_tool_calls  # noqa: E402  (the same script for both providers)


def _text(content: Any) -> str:
    if isinstance(content, list):
        return " ".join(str(b.get("text") or b.get("content") or "") for b in content if isinstance(b, dict))
    return str(content or "")


def reply(body: dict) -> tuple[list[dict], str]:
    """The scripted content blocks and stop reason for a request body."""
    messages = body.get("messages") or []
    last = messages[-1] if messages else {}
    blocks = last.get("content") if isinstance(last.get("content"), list) else []
    results = [_text(b.get("content")) for b in blocks if isinstance(b, dict) and b.get("type") == "tool_result"]
    if results:
        question = next((_text(m.get("content")) for m in messages if m.get("role") == "user"), "")
        return [{"type": "text", "text": f"Here is what I found for {question!r}: " + "; ".join(results)}], "end_turn"
    user_text = _text(last.get("content"))
    offered = {t.get("name") for t in body.get("tools") or [] if isinstance(t, dict)}
    calls = plan_tool_calls(user_text, offered) if offered else []
    if calls:
        return [{"type": "tool_use", "id": "toolu_" + c["id"][5:], "name": c["function"]["name"],
                 "input": json.loads(c["function"]["arguments"])} for c in calls], "tool_use"
    return [{"type": "text", "text": f"You asked: {user_text}"}], "end_turn"


class FakeAnthropicServer(LocalServer):
    """Start with ``start()`` or ``with``; ``base_url`` is the server root; ``stop()`` shuts it down."""

    thread_name = "fake-anthropic"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.requests: list[dict] = []
        outer = self

        class Handler(JsonHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                if self.path.split("?")[0].rstrip("/") != "/v1/messages":
                    return self._json(404, {"type": "error", "error": {"type": "not_found_error", "message": self.path}})
                outer.requests.append(body)
                content, stop = reply(body)
                words = sum(len(_text(m.get("content")).split()) + 4 for m in body.get("messages") or [])
                self._json(200, {"id": f"msg_{uuid.uuid4().hex[:20]}", "type": "message", "role": "assistant",
                                 "model": body.get("model"), "content": content, "stop_reason": stop,
                                 "stop_sequence": None,
                                 "usage": {"input_tokens": words, "output_tokens": len(json.dumps(content).split())}})

        super().__init__(Handler, host, port)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
