"""A tiny OpenAI-compatible Chat Completions server that scripts tool calls, for demos and tests.

Standard library only; binds 127.0.0.1 on an ephemeral port and serves from a daemon thread::

    from fake_openai_server import FakeOpenAIServer

    with FakeOpenAIServer() as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="not-needed")
        ...

Script, per ``POST /v1/chat/completions``:

- the conversation ends with ``tool`` results -> a final assistant answer quoting them
  (``finish_reason="stop"``);
- otherwise, when ``tools`` are offered, tool calls chosen from the last user message:
  ``fetch_weather`` (``{"city": ...}``) when it mentions weather/temperature/forecast,
  ``search_database`` (``{"query": ...}``) when it mentions anything else, or both when it
  mentions weather and something else joined by "and" (``finish_reason="tool_calls"``);
  only tools whose names were offered are called;
- otherwise a plain answer echoing the question.

Every response carries ``usage`` (word counts standing in for tokens) and the model asked for.
``stream=True`` is answered as SSE chunks (with a usage chunk when
``stream_options.include_usage`` is set). ``server.requests`` keeps every request body.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler
from typing import Any

from _local_server import JsonHandler, LocalServer

WEATHER_WORDS = ("weather", "temperature", "forecast", "rain", "sunny")


def _words(value: Any) -> int:
    return len(str(value or "").split())


def _text(content: Any) -> str:
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content or "")


def _city(text: str) -> str:
    match = re.search(r"\b(?:in|for|at)\s+([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)", text)
    return match.group(1) if match else "Paris"


def plan_tool_calls(user_text: str, offered: set[str]) -> list[dict]:
    """The tool calls the script makes for ``user_text`` (only tools that were offered)."""
    lowered = user_text.lower()
    wants_weather = any(w in lowered for w in WEATHER_WORDS)
    calls = []
    if wants_weather and "fetch_weather" in offered:
        calls.append(("fetch_weather", {"city": _city(user_text)}))
    rest = user_text
    if wants_weather:
        rest = " and ".join(p for p in re.split(r"\band\b", user_text) if not any(w in p.lower() for w in WEATHER_WORDS))
    if (rest.strip() or not wants_weather) and "search_database" in offered:
        calls.append(("search_database", {"query": (rest.strip(" ?.!") or user_text).strip()}))
    if not calls and offered:  # the script always exercises a tool when tools are offered
        name = sorted(offered)[0]
        calls.append((name, {"query": user_text} if name != "fetch_weather" else {"city": _city(user_text)}))
    return [{"id": f"call_{uuid.uuid4().hex[:12]}", "type": "function",
             "function": {"name": name, "arguments": json.dumps(args)}} for name, args in calls]


def reply(body: dict) -> dict:
    """The scripted assistant message and finish reason for a request body."""
    messages = body.get("messages") or []
    last = messages[-1] if messages else {}
    offered = {t.get("function", {}).get("name") for t in body.get("tools") or [] if isinstance(t, dict)}
    if last.get("role") == "tool":
        results = [_text(m.get("content")) for m in reversed(messages) if m.get("role") == "tool"]
        question = next((_text(m.get("content")) for m in reversed(messages) if m.get("role") == "user"), "")
        answer = f"Here is what I found for {question!r}: " + "; ".join(reversed(results))
        return {"message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}
    user_text = _text(last.get("content"))
    if offered:
        calls = plan_tool_calls(user_text, offered)
        if calls:
            return {"message": {"role": "assistant", "content": None, "tool_calls": calls},
                    "finish_reason": "tool_calls"}
    return {"message": {"role": "assistant", "content": f"You asked: {user_text}"}, "finish_reason": "stop"}


class FakeOpenAIServer(LocalServer):
    """Start with ``start()`` or ``with``; ``base_url`` ends in ``/v1``; ``stop()`` shuts it down."""

    thread_name = "fake-openai"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(JsonHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    return self._json(400, {"error": {"message": "invalid JSON", "type": "invalid_request_error"}})
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    return self._json(404, {"error": {"message": f"unknown path {self.path}", "type": "not_found"}})
                with outer._lock:
                    outer.requests.append(body)
                outer._respond(self, body)

        self._handler = Handler
        super().__init__(Handler, host, port)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _respond(self, handler: BaseHTTPRequestHandler, body: dict) -> None:
        scripted = reply(body)
        model = body.get("model") or "gpt-4o-mini"
        prompt_tokens = sum(_words(_text(m.get("content"))) + 4 for m in body.get("messages") or [])
        message = scripted["message"]
        completion_tokens = _words(message.get("content")) + sum(
            _words(c["function"]["arguments"]) + 3 for c in message.get("tool_calls") or [])
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                 "total_tokens": prompt_tokens + completion_tokens}
        base = {"id": f"chatcmpl-{uuid.uuid4().hex[:16]}", "created": int(time.time()), "model": model,
                "system_fingerprint": "fp_fake"}
        if not body.get("stream"):
            payload = dict(base, object="chat.completion", usage=usage, choices=[
                {"index": 0, "message": message, "finish_reason": scripted["finish_reason"], "logprobs": None}])
            handler._json(200, payload)
            return
        chunks = [{"role": "assistant", "content": ""}]
        if message.get("content"):
            chunks += [{"content": w + " "} for w in message["content"].split(" ")]
        for i, call in enumerate(message.get("tool_calls") or []):
            chunks.append({"tool_calls": [{"index": i, "id": call["id"], "type": "function",
                                           "function": {"name": call["function"]["name"], "arguments": ""}}]})
            chunks.append({"tool_calls": [{"index": i, "function": {"arguments": call["function"]["arguments"]}}]})
        events = [dict(base, object="chat.completion.chunk",
                       choices=[{"index": 0, "delta": d, "finish_reason": None}]) for d in chunks]
        events.append(dict(base, object="chat.completion.chunk",
                           choices=[{"index": 0, "delta": {}, "finish_reason": scripted["finish_reason"]}]))
        if (body.get("stream_options") or {}).get("include_usage"):
            events.append(dict(base, object="chat.completion.chunk", choices=[], usage=usage))
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for event in [json.dumps(e) for e in events] + ["[DONE]"]:
            data = f"data: {event}\n\n".encode()
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        handler.wfile.write(b"0\r\n\r\n")


if __name__ == "__main__":  # run standalone: prints the base URL, serves until Ctrl-C
    server = FakeOpenAIServer().start()
    print(server.base_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()
