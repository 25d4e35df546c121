"""The wrapt wrappers put on the client's resource methods (sync and async).

A wrapper starts a :class:`~._call.Call`, runs the client method with the call's span
current, then hands back exactly what the client returned, or a transparent proxy of it
when the span must outlive the call (streams, ``with_raw_response`` streams,
``with_streaming_response``). Any fault in here is logged once and the call goes on.
"""

from __future__ import annotations

from typing import Any

from opentelemetry import context as context_api

from ..._safety import log_once
from . import _chat, _completions, _responses
from ...genai._call import IN_CALL, Call, settings
from ._streams import (
    AsyncRawResponseProxy,
    AsyncStreamProxy,
    LegacyRawStreamProxy,
    StreamState,
    SyncRawResponseProxy,
    SyncStreamProxy,
)
from ._fields import given

try:  # the keys behind is_instrumentation_enabled(), read off the one context fetched per call
    from opentelemetry.instrumentation.utils import _SUPPRESS_INSTRUMENTATION_KEY as _SUPPRESSED
    from opentelemetry.instrumentation.utils import _SUPPRESS_INSTRUMENTATION_KEY_PLAIN as _SUPPRESSED_PLAIN
except Exception:  # pragma: no cover - older or newer opentelemetry-instrumentation
    _SUPPRESSED = _SUPPRESSED_PLAIN = "suppress_instrumentation"

_ACCUMULATORS = {
    _chat: _chat.ChatStreamAccumulator,
    _completions: _completions.CompletionStreamAccumulator,
    _responses: _responses.ResponsesStreamAccumulator,
}

active = False  # uninstrument() clears it: wrappers captured earlier (cached bound methods) then pass through
_types: tuple | None = None


def _sdk_types() -> tuple:
    """(Stream, AsyncStream, LegacyAPIResponse, APIResponse, AsyncAPIResponse) of the installed client."""
    global _types
    if _types is None:
        from openai import AsyncStream, Stream
        from openai._legacy_response import LegacyAPIResponse
        from openai._response import APIResponse, AsyncAPIResponse

        _types = (Stream, AsyncStream, LegacyAPIResponse, APIResponse, AsyncAPIResponse)
    return _types


def _start(api: Any, instance: Any, kwargs: dict) -> Call | None:
    if not active:
        return None
    ctx = context_api.get_current()
    if ctx.get(IN_CALL) or ctx.get(_SUPPRESSED) or ctx.get(_SUPPRESSED_PLAIN):
        return None
    try:
        if (settings.stream_include_usage and api in (_chat, _completions) and kwargs.get("stream") is True
                and not given(kwargs.get("stream_options"))):
            kwargs["stream_options"] = {"include_usage": True}
        return Call(api, instance, kwargs, ctx)
    except Exception:
        log_once("openai.start", "actiontrace: could not start an OpenAI span; the call is unaffected")
        return None


def _attach(call: Call) -> Any:
    try:
        return call.attach()
    except Exception:
        log_once("openai.attach", "actiontrace: could not attach the OpenAI span context")
        return None


def _detach(token: Any) -> None:
    if token is None:
        return
    try:
        context_api.detach(token)
    except Exception:
        log_once("openai.detach", "actiontrace: could not detach the OpenAI span context")


def _stream_proxy(call: Call, stream: Any, proxy_cls: type) -> Any:
    state = StreamState(call, _ACCUMULATORS.get(call.api, _chat.ChatStreamAccumulator)())
    call.stream_state = state
    return proxy_cls(stream, state)


def _parsed(call: Call, value: Any) -> Any:
    """A parsed result: a stream gets a proxy that ends the span, anything else ends it now."""
    Stream, AsyncStream = _sdk_types()[:2]
    if isinstance(value, Stream):
        return _stream_proxy(call, value, SyncStreamProxy)
    if isinstance(value, AsyncStream):
        return _stream_proxy(call, value, AsyncStreamProxy)
    call.succeed(call.api.response_outcome(value, call.capture))
    return value


def _parsed_safely(call: Call, value: Any) -> Any:
    try:
        return _parsed(call, value)
    except Exception:
        log_once("openai.parsed", "actiontrace: could not record an OpenAI response; the call is unaffected")
        call.succeed(None)
        return value


def _result(call: Call, result: Any, streaming: bool) -> Any:
    try:
        Stream, AsyncStream, Legacy, APIResponse, AsyncAPIResponse = _sdk_types()
        if isinstance(result, Legacy):  # with_raw_response: parse() is sync for both clients
            if streaming:
                return LegacyRawStreamProxy(result, call, lambda v: _parsed_safely(call, v))
            _parsed(call, result.parse())  # cached by the SDK: the caller's parse() gets the same object
            return result
        if isinstance(result, AsyncAPIResponse):  # with_streaming_response, async client
            return AsyncRawResponseProxy(result, call, lambda v: _parsed_safely(call, v))
        if isinstance(result, APIResponse):  # with_streaming_response
            return SyncRawResponseProxy(result, call, lambda v: _parsed_safely(call, v))
        return _parsed(call, result)
    except Exception:
        log_once("openai.result", "actiontrace: could not record an OpenAI response; the call is unaffected")
        call.succeed(None)
        return result


def sync_wrapper(api: Any):
    def wrapper(wrapped: Any, instance: Any, args: tuple, kwargs: dict) -> Any:
        call = _start(api, instance, kwargs)
        if call is None:
            return wrapped(*args, **kwargs)
        token = _attach(call)
        try:
            result = wrapped(*args, **kwargs)
        except BaseException as exc:
            _detach(token)
            call.fail(exc)
            raise
        _detach(token)
        return _result(call, result, kwargs.get("stream") is True)

    return wrapper


def async_wrapper(api: Any):
    async def wrapper(wrapped: Any, instance: Any, args: tuple, kwargs: dict) -> Any:
        call = _start(api, instance, kwargs)
        if call is None:
            return await wrapped(*args, **kwargs)
        token = _attach(call)
        try:
            result = await wrapped(*args, **kwargs)
        except BaseException as exc:
            _detach(token)
            call.fail(exc)
            raise
        _detach(token)
        return _result(call, result, kwargs.get("stream") is True)

    return wrapper
