"""The wrapt wrappers a provider instrumentation puts on its client's methods (sync and async).

A wrapper starts a :class:`~._call.Call`, runs the client method with the call's span
current, then hands back exactly what the client returned, or a transparent proxy of it
when the span must outlive the call (streams, ``with_raw_response`` streams,
``with_streaming_response``). Any fault in here is logged once and the call goes on.
"""

from __future__ import annotations

from typing import Any

from .._safety import log_once
from ._call import Call, Provider, detach, start
from ._streams import (
    AsyncRawResponseProxy,
    AsyncStreamProxy,
    LegacyRawStreamProxy,
    StreamState,
    SyncRawResponseProxy,
    SyncStreamProxy,
)


def _stream_proxy(call: Call, stream: Any, proxy_cls: type) -> Any:
    state = StreamState(call, call.operation.stream_accumulator())
    call.stream_state = state
    return proxy_cls(stream, state)


def _parsed(call: Call, value: Any) -> Any:
    """A parsed result: a stream gets a proxy that ends the span, anything else ends it now."""
    types = call.provider.result_types
    if isinstance(value, types[0]):
        return _stream_proxy(call, value, SyncStreamProxy)
    if isinstance(value, types[1]):
        return _stream_proxy(call, value, AsyncStreamProxy)
    call.succeed(call.operation.response_outcome(value, call.capture))
    return value


def _parsed_safely(call: Call, value: Any) -> Any:
    try:
        return _parsed(call, value)
    except Exception:
        log_once(f"{call.provider.label}.parsed",
                 "actiontrace: could not record a %s response; the call is unaffected", call.provider.label)
        call.succeed(None)
        return value


def hand_back(call: Call, result: Any, streaming: bool) -> Any:
    """What the wrapper returns for the client's ``result``: itself, or a proxy ending the span."""
    try:
        _, _, raw, streaming_response, async_streaming_response = call.provider.result_types
        if isinstance(result, raw):  # with_raw_response
            if streaming:
                return LegacyRawStreamProxy(result, call, lambda v: _parsed_safely(call, v))
            _parsed(call, result.parse())  # cached by the SDK: the caller's parse() gets the same object
            return result
        if isinstance(result, async_streaming_response):  # with_streaming_response, async client
            return AsyncRawResponseProxy(result, call, lambda v: _parsed_safely(call, v), streaming)
        if isinstance(result, streaming_response):
            return SyncRawResponseProxy(result, call, lambda v: _parsed_safely(call, v), streaming)
        return _parsed(call, result)
    except Exception:
        log_once(f"{call.provider.label}.result",
                 "actiontrace: could not record a %s response; the call is unaffected", call.provider.label)
        call.succeed(None)
        return result


def run_sync(call: Any, wrapped: Any, args: tuple, kwargs: dict) -> Any:
    """The client method with the call's span current; an exception ends the call with it and
    reaches the caller unchanged."""
    token = call.attach()
    try:
        result = wrapped(*args, **kwargs)
    except BaseException as exc:
        detach(token)
        call.fail(exc)
        raise
    detach(token)
    return result


async def run_async(call: Any, wrapped: Any, args: tuple, kwargs: dict) -> Any:
    """As :func:`run_sync`, for a coroutine method."""
    token = call.attach()
    try:
        result = await wrapped(*args, **kwargs)
    except BaseException as exc:
        detach(token)
        call.fail(exc)
        raise
    detach(token)
    return result


def sync_wrapper(provider: Provider, operation: Any):
    """A wrapt wrapper tracing a synchronous client method as ``operation`` of ``provider``."""
    def wrapper(wrapped: Any, instance: Any, args: tuple, kwargs: dict) -> Any:
        call = start(provider, operation, instance, kwargs)
        if call is None:
            return wrapped(*args, **kwargs)
        return hand_back(call, run_sync(call, wrapped, args, kwargs), kwargs.get("stream") is True)

    return wrapper


def async_wrapper(provider: Provider, operation: Any):
    """As :func:`sync_wrapper`, for a coroutine method."""
    async def wrapper(wrapped: Any, instance: Any, args: tuple, kwargs: dict) -> Any:
        call = start(provider, operation, instance, kwargs)
        if call is None:
            return await wrapped(*args, **kwargs)
        return hand_back(call, await run_async(call, wrapped, args, kwargs), kwargs.get("stream") is True)

    return wrapper
