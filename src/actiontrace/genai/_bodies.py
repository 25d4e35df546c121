"""A ``with_streaming_response`` body the caller reads itself (``read()``, ``text()``, ``json()``,
``iter_bytes()``, ``iter_text()``, ``iter_lines()``) instead of ``parse()``: recorded as the
parsed response would be.

A plain JSON body is decoded once it is complete and handed to the operation's response reader
(the field readers take dicts as they take SDK models). A server-sent-events body (a call made
with ``stream=True``) is split into events as it arrives, each event's JSON going to the
operation's stream accumulator, and the span ends when the body does. What the caller gets is
untouched: the same bytes, strings and lines, from the SDK's own iterators.
"""

from __future__ import annotations

import codecs
import json
from typing import Any, AsyncIterator, Callable, Iterator

from .._safety import log_once
from ._streams import StreamState, _is_cancel

_MAX_BODY = 8 << 20  # characters of a JSON body kept to read it; past that the span ends without


class BodyTap:
    """One response body on its way to the caller. ``record`` takes the decoded JSON body of a
    call that did not stream and ends the call (the raw proxy's parse hook)."""

    __slots__ = ("call", "record", "state", "parts", "size", "decoder", "pending", "data")

    def __init__(self, call: Any, streaming: bool, record: Callable[[Any], Any], watched: Any) -> None:
        self.call = call
        self.record = record
        self.state: StreamState | None = None
        if streaming:
            self.state = call.stream_state = StreamState(call, call.operation.stream_accumulator())
            self.state.watch(watched)  # the raw response dropped unread: ends as an abandoned stream
        self.parts: list[str] = []
        self.size = 0
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.pending = ""  # an SSE line not yet ended
        self.data: list[str] = []  # the data lines of the SSE event being read

    # -- seeing the body ------------------------------------------------------------
    def add(self, piece: Any, line: bool = False) -> None:
        """A piece as the caller gets it: bytes, text, or one line without its ending."""
        try:
            text = piece if isinstance(piece, str) else self.decoder.decode(bytes(piece))
            if line:
                text += "\n"
            if self.state is not None:
                self._events(text)
            elif self.size <= _MAX_BODY:
                self.size += len(text)
                self.parts.append(text)
        except Exception:
            log_once("genai.body.add", "actiontrace: could not read a response body; the call is unaffected")

    def _events(self, text: str) -> None:
        lines = (self.pending + text).split("\n")
        self.pending = lines.pop()
        for one in lines:
            self._line(one)

    def _line(self, line: str) -> None:
        line = line.rstrip("\r")
        if not line:  # a blank line ends an event
            self._dispatch()
        elif line.startswith("data:"):
            value = line[5:]
            self.data.append(value[1:] if value.startswith(" ") else value)
        # "event:", "id:", "retry:" and comments: the data carries everything the accumulators read

    def _dispatch(self) -> None:
        if not self.data:
            return
        data = "\n".join(self.data)
        self.data = []
        if data.startswith("[DONE]"):
            return
        try:
            event = json.loads(data)
        except ValueError:
            return
        if isinstance(event, dict):
            self.state.chunk(event)

    # -- the end of the body -------------------------------------------------------------
    def end(self, exc: BaseException | None = None) -> None:
        """The body ended (``exc``: how reading it failed). A cancelled read ends nothing: the
        response's close (or its collection) ends the span."""
        if exc is not None and _is_cancel(exc):
            return
        try:
            if self.state is not None:
                if self.pending:
                    self._line(self.pending)
                    self.pending = ""
                self._dispatch()
                self.state.exhausted = exc is None
                self.state.finish(exc)
            elif exc is not None:
                self.call.fail(exc)
            elif self.size <= _MAX_BODY:
                self.record(json.loads("".join(self.parts) + self.decoder.decode(b"", final=True)))
            else:
                self.call.succeed(None)
        except Exception:  # not JSON (or not readable): the call still ended
            self.call.succeed(None)

    def whole(self, body: Any) -> None:
        """The caller read the whole body at once (``read()``/``text()``)."""
        self.add(body)
        self.end()

    def tap(self, items: Iterator[Any], lines: bool = False) -> Iterator[Any]:
        """``items`` (one of the SDK's body iterators) as they are, seen on their way."""
        try:
            for item in items:
                self.add(item, lines)
                yield item
        except BaseException as exc:
            self.end(exc)
            raise
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()
        self.end()

    async def atap(self, items: AsyncIterator[Any], lines: bool = False) -> AsyncIterator[Any]:
        """As :meth:`tap`, for the async client's iterators."""
        try:
            async for item in items:
                self.add(item, lines)
                yield item
        except BaseException as exc:
            self.end(exc)
            raise
        finally:
            aclose = getattr(items, "aclose", None)
            if aclose is not None:
                await aclose()
        self.end()
