"""Traced generators and async generators.

The span covers the whole iteration but is current only while the generator's own body
runs: the context is attached around each step and detached before the value goes back
to the caller, so nothing leaks into the caller between ``yield``s and every attach is
detached in the same context. The span starts at the first step (parented on the
context of the call that made the generator; a generator never iterated did no work
and records nothing) and ends exactly once — on exhaustion, error,
``close()``/``aclose()``, cancellation, or when the generator is garbage collected
(Python closes it, which raises ``GeneratorExit`` inside the wrapper).
"""

from __future__ import annotations

from typing import Any, AsyncGenerator, Callable, Generator

from .. import _vocabulary as A
from ._calls import Call, detach
from .._safety import tracing_failed


def _end(call: Call, items: int, completed: bool, exc: BaseException | None = None) -> None:
    try:
        if call.span.is_recording():
            call.span.set_attributes({A.ITEMS_YIELDED: items, A.STREAM_COMPLETED: completed})
    except Exception:
        tracing_failed("generator end")
    call.finish(exc)


def traced_generator(start: Callable[[], Call], gen: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
    """Drive ``gen`` step by step with the span's context attached only around each step.
    Implements the full generator protocol (send, throw, close) by hand, since
    ``yield from`` gives no place to switch the context. ``start()`` returns the started Call."""
    call: Call = start()
    items = 0
    to_send: Any = None
    to_throw: BaseException | None = None
    try:
        while True:
            token = call.attach()
            try:
                if to_throw is not None:
                    exc, to_throw = to_throw, None
                    value = gen.throw(exc)
                else:
                    value = gen.send(to_send)
            except StopIteration as stop:
                detach(token)
                _end(call, items, True)
                return stop.value
            except BaseException as exc:
                detach(token)
                _end(call, items, False, exc)
                raise
            detach(token)
            items += 1
            try:
                to_send = yield value
            except GeneratorExit:
                token = call.attach()
                try:
                    gen.close()
                finally:
                    detach(token)
                _end(call, items, False)
                raise
            except BaseException as exc:  # caller's .throw(): pass it into the body
                to_throw = exc
                to_send = None
    finally:
        # Reached with the span still open only if the wrapper itself failed.
        if getattr(call.span, "end_time", 0) is None:
            _end(call, items, False)


async def traced_async_generator(
    start: Callable[[], Call], agen: AsyncGenerator[Any, Any]
) -> AsyncGenerator[Any, Any]:
    """The async counterpart of :func:`traced_generator` (asend, athrow, aclose)."""
    call: Call = start()
    items = 0
    to_send: Any = None
    to_throw: BaseException | None = None
    try:
        while True:
            token = call.attach()
            try:
                if to_throw is not None:
                    exc, to_throw = to_throw, None
                    value = await agen.athrow(exc)
                else:
                    value = await agen.asend(to_send)
            except StopAsyncIteration:
                detach(token)
                _end(call, items, True)
                return
            except BaseException as exc:
                detach(token)
                _end(call, items, False, exc)
                raise
            detach(token)
            items += 1
            try:
                to_send = yield value
            except GeneratorExit:
                token = call.attach()
                try:
                    await agen.aclose()
                finally:
                    detach(token)
                _end(call, items, False)
                raise
            except BaseException as exc:
                to_throw = exc
                to_send = None
    finally:
        if getattr(call.span, "end_time", 0) is None:
            _end(call, items, False)
