"""Assembling a streamed Anthropic response from its server-sent events.

``message_start`` carries the id, model and first usage; ``content_block_start`` opens a block
(text, tool_use, thinking, server tool calls and results); ``content_block_delta`` adds to it
(``text_delta``, ``input_json_delta`` pieces joined and parsed when the stream ends,
``thinking_delta``); ``message_delta`` carries the stop reason and the cumulative usage, whose
counts replace those of ``message_start``. The legacy Text Completions stream sends
``completion`` events instead.
"""

from __future__ import annotations

import json
from typing import Any

from ...genai._fields import fields
from ...genai._outcome import Outcome
from . import _fields as F


class _Block:
    __slots__ = ("data", "pieces", "json")

    def __init__(self, data: dict) -> None:
        self.data = data
        self.pieces: list[str] = []  # text or thinking deltas
        self.json: list[str] = []  # input_json_delta pieces

    def finished(self) -> dict:
        block = dict(self.data)
        kind = block.get("type")
        if self.pieces:
            key = "thinking" if kind == "thinking" else "text"
            block[key] = (block.get(key) or "") + "".join(self.pieces)
        if self.json:
            raw = "".join(self.json)
            try:
                block["input"] = json.loads(raw) if raw.strip() else {}
            except ValueError:
                block["input"] = raw  # a stream cut short: the arguments as far as they came
        return block


def _plain(value: Any) -> dict:
    if isinstance(value, dict):
        return dict(value)
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        try:
            return dump(exclude_none=True)
        except Exception:
            pass
    data = fields(value)
    return dict(data) if isinstance(data, dict) else {}


class MessageStreamAccumulator:
    """Folds stream events (SDK models or dicts) into one message; ``outcome()`` reads it."""

    def __init__(self, operation: str = F.CHAT) -> None:
        self.operation = operation
        self.header: dict[str, Any] = {}
        self.usage: dict[str, Any] = {}
        self.blocks: dict[int, _Block] = {}
        self.stop_reason: str | None = None
        self.completion: list[str] = []
        self.chunks = 0

    def add(self, event: Any) -> None:
        self.chunks += 1
        data = fields(event)
        kind = data.get("type")
        if kind == "content_block_delta":
            self._delta(data)
        elif kind == "message_start":
            message = fields(data.get("message"))
            for key in ("id", "model"):
                if message.get(key):
                    self.header[key] = message.get(key)
            self._usage(message.get("usage"))
        elif kind == "content_block_start":
            index = data.get("index") or 0
            self.blocks[index] = _Block(_plain(data.get("content_block")))
        elif kind == "message_delta":
            delta = fields(data.get("delta"))
            if delta.get("stop_reason"):
                self.stop_reason = delta.get("stop_reason")
            self._usage(data.get("usage"))
        elif kind == "completion":
            self._completion(data)

    def _usage(self, raw: Any) -> None:
        if raw is None:
            return
        data = fields(raw)
        for key, value in data.items() if isinstance(data, dict) else ():
            if type(value) is int:
                self.usage[key] = value

    def _delta(self, data: Any) -> None:
        block = self.blocks.get(data.get("index") or 0)
        if block is None:
            block = self.blocks[data.get("index") or 0] = _Block({"type": "text"})
        delta = fields(data.get("delta"))
        kind = delta.get("type")
        if kind == "text_delta":
            block.pieces.append(delta.get("text") or "")
        elif kind == "input_json_delta":
            block.json.append(delta.get("partial_json") or "")
        elif kind == "thinking_delta":
            block.pieces.append(delta.get("thinking") or "")

    def _completion(self, data: Any) -> None:
        for key in ("id", "model"):
            if data.get(key):
                self.header[key] = data.get(key)
        text = data.get("completion")
        if isinstance(text, str):
            self.completion.append(text)
        if data.get("stop_reason"):
            self.stop_reason = data.get("stop_reason")

    def message(self) -> dict:
        """The assembled message, shaped like the API's ``Message``."""
        content = [self.blocks[i].finished() for i in sorted(self.blocks)]
        return {**self.header, "type": "message", "role": "assistant", "content": content,
                "stop_reason": self.stop_reason, "usage": self.usage or None}

    def outcome(self, capture: bool) -> Outcome:
        if self.operation == F.TEXT_COMPLETION:
            return F.completion_outcome({**self.header, "completion": "".join(self.completion),
                                         "stop_reason": self.stop_reason}, capture)
        return F.message_outcome(self.message(), capture)

