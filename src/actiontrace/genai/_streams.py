"""Stream state, the accumulator base, and transparent proxies for the streams (and raw
responses) an SDK client returns; SDK-agnostic: which returned classes are streams is the
provider's to say (:class:`ResultTypes`).

The LLM span of a streamed call is not current after ``create()`` returns; the proxy ends
it exactly once: on exhaustion, on an iterator error, on ``close()``/``aclose()`` (of the
stream or of its ``.response``, which the SDKs' stream managers close), on leaving
``with``/``async with``, on cancellation, and, through ``weakref.finalize``, when the stream
is dropped unfinished. Every other attribute and method is the wrapped object's own.
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from typing import Any, NamedTuple

import wrapt

from .._safety import log_once
from ._outcome import Outcome


class ResultTypes(NamedTuple):
    """The SDK classes a client method may return besides a parsed response (tuples of
    classes; empty when the SDK has none): a ``Provider``'s ``result_types``."""

    streams: tuple = ()  # iterated synchronously
    async_streams: tuple = ()
    raw_responses: tuple = ()  # with_raw_response: parse() is synchronous, and cached by the SDK
    streaming_responses: tuple = ()  # with_streaming_response
    async_streaming_responses: tuple = ()


class StreamAccumulator:
    """Base of a provider's stream reader: ``add`` sees every chunk (an exception in it is
    logged once, and the stream goes on), ``outcome`` assembles what was seen when the stream
    ends, however far it got. This base reads nothing."""

    def add(self, chunk: Any) -> None:
        pass

    def outcome(self, capture: bool) -> Outcome | None:
        return None


class StreamState:
    """Accumulation and the once-only end of one streamed call. Holds no reference to the
    proxy, so the proxy can be collected and the finalizer still end the span."""

    def __init__(self, call: Any, accumulator: Any) -> None:
        self.call = call
        self.accumulator = accumulator
        self.exhausted = False
        self.done = False
        self.chunks = 0
        self.last_chunk_ns: int | None = None
        self._first = True
        self._lock = threading.Lock()
        self.finalizer: Any = None

    def chunk(self, item: Any) -> None:
        try:
            now = time.time_ns()
            if self._first:
                self._first = False
                self.call.first_chunk(now)
            self.last_chunk_ns = now
            self.chunks += 1
            self.accumulator.add(item)
        except Exception:
            log_once("genai.stream.chunk", "actiontrace: could not read a stream chunk; the stream is unaffected")

    def finish(self, exc: BaseException | None = None, *, abandoned: bool = False) -> None:
        with self._lock:
            if self.done:
                return
            self.done = True
        try:
            if self.finalizer is not None:
                self.finalizer.detach()
            outcome = None
            try:
                outcome = self.accumulator.outcome(self.call.capture)
            except Exception:
                log_once("genai.stream.outcome", "actiontrace: could not assemble a streamed response")
            # An abandoned stream ends when its last chunk arrived, not when the GC ran.
            end_time = self.last_chunk_ns if abandoned else None
            self.call.finish_stream(outcome, completed=self.exhausted, chunks=self.chunks,
                                    exc=exc, end_time=end_time)
        except Exception:
            log_once("genai.stream.finish", "actiontrace: could not end a stream span")

    def abandon(self) -> None:
        self.finish(abandoned=True)

    def watch(self, proxy: Any) -> None:
        try:
            self.finalizer = weakref.finalize(proxy, self.abandon)
            self.finalizer.atexit = False  # at interpreter exit the exporters are gone anyway
        except TypeError:
            pass


def _is_cancel(exc: BaseException) -> bool:
    return isinstance(exc, (asyncio.CancelledError, GeneratorExit, KeyboardInterrupt))


class _ResponseHook(wrapt.ObjectProxy):
    """The stream's HTTP response; closing it (as the SDKs' stream managers do) also ends the span."""

    def __init__(self, wrapped: Any, state: StreamState) -> None:
        super().__init__(wrapped)
        self._self_state = state

    def close(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self.__wrapped__.close(*args, **kwargs)
        finally:
            self._self_state.finish()

    async def aclose(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await self.__wrapped__.aclose(*args, **kwargs)
        finally:
            self._self_state.finish()


class _StreamBase(wrapt.ObjectProxy):
    def __init__(self, wrapped: Any, state: StreamState) -> None:
        super().__init__(wrapped)
        self._self_state = state
        self._self_response = None
        state.watch(self)

    @property
    def response(self) -> Any:
        if self._self_response is None:
            self._self_response = _ResponseHook(self.__wrapped__.response, self._self_state)
        return self._self_response

    def _fail(self, exc: BaseException) -> None:
        self._self_state.finish(None if _is_cancel(exc) else exc)


class SyncStreamProxy(_StreamBase):
    def __iter__(self) -> "SyncStreamProxy":
        return self

    def __next__(self) -> Any:
        try:
            item = self.__wrapped__.__next__()
        except StopIteration:
            self._self_state.exhausted = True
            self._self_state.finish()
            raise
        except BaseException as exc:
            self._fail(exc)
            raise
        self._self_state.chunk(item)
        return item

    def __enter__(self) -> "SyncStreamProxy":
        self.__wrapped__.__enter__()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> Any:
        try:
            return self.__wrapped__.__exit__(exc_type, exc, tb)
        finally:
            self._self_state.finish(None if exc is None or _is_cancel(exc) else exc)

    def close(self) -> Any:
        try:
            return self.__wrapped__.close()
        finally:
            self._self_state.finish()


class AsyncStreamProxy(_StreamBase):
    def __aiter__(self) -> "AsyncStreamProxy":
        return self

    async def __anext__(self) -> Any:
        try:
            item = await self.__wrapped__.__anext__()
        except StopAsyncIteration:
            self._self_state.exhausted = True
            self._self_state.finish()
            raise
        except BaseException as exc:
            self._fail(exc)
            raise
        self._self_state.chunk(item)
        return item

    async def __aenter__(self) -> "AsyncStreamProxy":
        await self.__wrapped__.__aenter__()
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> Any:
        try:
            return await self.__wrapped__.__aexit__(exc_type, exc, tb)
        finally:
            self._self_state.finish(None if exc is None or _is_cancel(exc) else exc)

    async def close(self) -> Any:
        try:
            return await self.__wrapped__.close()
        finally:
            self._self_state.finish()

    async def aclose(self) -> Any:
        try:
            closer = getattr(self.__wrapped__, "aclose", None) or self.__wrapped__.close
            return await closer()
        finally:
            self._self_state.finish()


# --- with_raw_response / with_streaming_response --------------------------------

class _RawBase(wrapt.ObjectProxy):
    """A raw response whose ``parse()`` yields the stream (or the parsed object): parse
    results are recorded / wrapped once, and the same proxy is returned on every parse. A
    ``with_streaming_response`` body the caller reads itself is recorded too (``_bodies``)."""

    def __init__(self, wrapped: Any, call: Any, wrap_result: Any, streaming: bool = False) -> None:
        super().__init__(wrapped)
        self._self_call = call
        self._self_wrap = wrap_result  # parsed value -> value to hand back (ends or proxies)
        self._self_parsed: dict = {}
        self._self_streaming = streaming  # the call asked for stream=True: the body is server-sent events
        self._self_tap: Any = None
        call.watch(self)

    def _wrapped_parse_result(self, key: Any, value: Any) -> Any:
        if key not in self._self_parsed:
            self._self_parsed[key] = self._self_wrap(value)
        return self._self_parsed[key]

    def _body_tap(self) -> Any:
        """The reader of the body the caller reads itself; None when ``parse()`` has it, or
        another read got it first."""
        if self._self_tap is not None or self._self_parsed:
            return None
        try:
            from ._bodies import BodyTap  # only views read this way need it

            self._self_tap = BodyTap(self._self_call, self._self_streaming, self._self_wrap, self)
            return self._self_tap
        except Exception:
            log_once("genai.body", "actiontrace: could not follow a response body; the call is unaffected")
            return None

    def _read_whole(self, body: Any) -> None:
        tap = self._body_tap()
        if tap is not None:
            tap.whole(body)

    def _read_json(self, value: Any) -> None:
        tap = None if self._self_streaming else self._body_tap()  # json() of an event stream: not JSON
        if tap is not None:
            tap.record(value)

    def _iterated(self, items: Any, lines: bool = False, asynchronous: bool = False) -> Any:
        tap = self._body_tap()
        if tap is None:
            return items
        return tap.atap(items, lines) if asynchronous else tap.tap(items, lines)


class SyncRawResponseProxy(_RawBase):
    def parse(self, *args: Any, **kwargs: Any) -> Any:
        value = self.__wrapped__.parse(*args, **kwargs)
        if args or kwargs:  # parse(to=...) is the caller's own view: leave it alone
            return value
        return self._wrapped_parse_result(None, value)

    def read(self, *args: Any, **kwargs: Any) -> Any:
        body = self.__wrapped__.read(*args, **kwargs)
        self._read_whole(body)
        return body

    def text(self, *args: Any, **kwargs: Any) -> Any:
        body = self.__wrapped__.text(*args, **kwargs)
        self._read_whole(body)
        return body

    def json(self, *args: Any, **kwargs: Any) -> Any:
        value = self.__wrapped__.json(*args, **kwargs)
        self._read_json(value)
        return value

    def iter_bytes(self, *args: Any, **kwargs: Any) -> Any:
        return self._iterated(self.__wrapped__.iter_bytes(*args, **kwargs))

    def iter_text(self, *args: Any, **kwargs: Any) -> Any:
        return self._iterated(self.__wrapped__.iter_text(*args, **kwargs))

    def iter_lines(self, *args: Any, **kwargs: Any) -> Any:
        return self._iterated(self.__wrapped__.iter_lines(*args, **kwargs), lines=True)

    def close(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self.__wrapped__.close(*args, **kwargs)
        finally:
            self._self_call.release()


class AsyncRawResponseProxy(_RawBase):
    async def parse(self, *args: Any, **kwargs: Any) -> Any:
        value = await self.__wrapped__.parse(*args, **kwargs)
        if args or kwargs:
            return value
        return self._wrapped_parse_result(None, value)

    async def read(self, *args: Any, **kwargs: Any) -> Any:
        body = await self.__wrapped__.read(*args, **kwargs)
        self._read_whole(body)
        return body

    async def text(self, *args: Any, **kwargs: Any) -> Any:
        body = await self.__wrapped__.text(*args, **kwargs)
        self._read_whole(body)
        return body

    async def json(self, *args: Any, **kwargs: Any) -> Any:
        value = await self.__wrapped__.json(*args, **kwargs)
        self._read_json(value)
        return value

    def iter_bytes(self, *args: Any, **kwargs: Any) -> Any:
        return self._iterated(self.__wrapped__.iter_bytes(*args, **kwargs), asynchronous=True)

    def iter_text(self, *args: Any, **kwargs: Any) -> Any:
        return self._iterated(self.__wrapped__.iter_text(*args, **kwargs), asynchronous=True)

    def iter_lines(self, *args: Any, **kwargs: Any) -> Any:
        return self._iterated(self.__wrapped__.iter_lines(*args, **kwargs), lines=True, asynchronous=True)

    async def close(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await self.__wrapped__.close(*args, **kwargs)
        finally:
            self._self_call.release()


class LegacyRawStreamProxy(_RawBase):
    """``with_raw_response.create(stream=True)``: ``parse()`` is synchronous in both clients."""

    def parse(self, *args: Any, **kwargs: Any) -> Any:
        value = self.__wrapped__.parse(*args, **kwargs)
        if args or kwargs:
            return value
        return self._wrapped_parse_result(None, value)
