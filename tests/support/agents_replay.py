"""Scripted OpenAI answers for the Agents SDK tests, served by ``support.replay_server``:
Responses API objects (JSON, or SSE events the way the API streams them) and Chat
Completions objects, with a tool call or a text answer."""

from __future__ import annotations

import json
from typing import Any

from support.replay_server import Interaction, json_interaction, sse_interaction

MODEL = "gpt-4o-mini"


def _usage(input_tokens: int, output_tokens: int) -> dict:
    return {"input_tokens": input_tokens, "output_tokens": output_tokens, "total_tokens": input_tokens + output_tokens,
            "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}}


def text_item(text: str, item_id: str = "msg_1") -> dict:
    return {"id": item_id, "type": "message", "status": "completed", "role": "assistant",
            "content": [{"type": "output_text", "text": text, "annotations": []}]}


def call_item(name: str, arguments: dict, call_id: str = "call_1") -> dict:
    return {"id": f"fc_{call_id}", "type": "function_call", "status": "completed", "call_id": call_id,
            "name": name, "arguments": json.dumps(arguments)}


def response(response_id: str, *items: dict, usage: tuple[int, int] = (10, 4)) -> dict:
    return {"id": response_id, "object": "response", "created_at": 1, "status": "completed", "model": MODEL,
            "output": list(items), "parallel_tool_calls": True, "tool_choice": "auto", "tools": [],
            "usage": _usage(*usage)}


def answer(response_id: str, text: str, usage: tuple[int, int] = (10, 4), instructions: str | None = None) -> Interaction:
    """A text answer; ``instructions`` echoed back as the API does with the request's."""
    return json_interaction("/responses", dict(response(response_id, text_item(text), usage=usage),
                                               instructions=instructions))


def tool_call(response_id: str, name: str, arguments: dict, call_id: str = "call_1") -> Interaction:
    return json_interaction("/responses", response(response_id, call_item(name, arguments, call_id)))


def streamed_answer(response_id: str, words: list[str]) -> Interaction:
    """A streamed text answer: created, one delta per word, the item, completed."""
    text = "".join(words)
    final = response(response_id, text_item(text))
    started = dict(final, status="in_progress", output=[], usage=None)
    events: list[Any] = [{"type": "response.created", "sequence_number": 0, "response": started}]
    events.append({"type": "response.output_item.added", "sequence_number": 1, "output_index": 0,
                   "item": dict(text_item(""), status="in_progress", content=[])})
    for index, word in enumerate(words):
        events.append({"type": "response.output_text.delta", "sequence_number": 2 + index, "item_id": "msg_1",
                       "output_index": 0, "content_index": 0, "delta": word, "logprobs": []})
    events.append({"type": "response.output_item.done", "sequence_number": 2 + len(words), "output_index": 0,
                   "item": text_item(text)})
    events.append({"type": "response.completed", "sequence_number": 3 + len(words), "response": final})
    return sse_interaction("/responses", events, done=False, named=True)


def chat_tool_call(name: str, arguments: dict, call_id: str = "call_c1") -> Interaction:
    message = {"role": "assistant", "content": None, "tool_calls": [
        {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}]}
    return json_interaction("/chat/completions", _completion("chatcmpl-1", message, "tool_calls"))


def chat_answer(text: str) -> Interaction:
    return json_interaction("/chat/completions",
                            _completion("chatcmpl-2", {"role": "assistant", "content": text}, "stop"))


def _completion(completion_id: str, message: dict, finish_reason: str) -> dict:
    return {"id": completion_id, "object": "chat.completion", "created": 1, "model": MODEL,
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}}


# --- reading the finished spans -------------------------------------------------
def chat_spans(exporter) -> list:
    return sorted((s for s in exporter.get_finished_spans() if s.attributes.get("actiontrace.span.type") == "llm"),
                  key=lambda s: s.start_time)


def named(exporter, name: str) -> list:
    return [s for s in exporter.get_finished_spans() if s.name == name]


def one(exporter, name: str):
    found = named(exporter, name)
    assert len(found) == 1, (name, [s.name for s in exporter.get_finished_spans()])
    return found[0]


def parent_of(exporter, span):
    """The finished span that is ``span``'s parent (None for a root)."""
    if span.parent is None:
        return None
    for candidate in exporter.get_finished_spans():
        if candidate.context.span_id == span.parent.span_id:
            return candidate
    raise AssertionError(f"parent of {span.name} not among the finished spans")
