"""The wrappers put on the client's ``request`` (``SyncAPIClient`` and ``AsyncAPIClient``).

Every resource method of every client (``Anthropic``, ``AnthropicBedrock``, ``AnthropicVertex``,
their async twins, the ``beta`` resources) sends its API call through the client's ``request``,
looked up on the client at each call. Wrapping it there covers ``messages.create`` (plain and
``stream=True``), ``messages.stream`` (its manager makes the request on entering), ``parse``,
``completions.create``, ``with_raw_response`` / ``with_streaming_response`` views however early
they were made, and clients made before ``instrument()``. The route says what the call is:
``/v1/messages`` (``?beta=true`` too) is ``chat``, ``/v1/complete`` is ``text_completion``;
other routes (``count_tokens``, batches, files, models) are left alone.

The wrapper starts a :class:`~actiontrace.genai._call.Call`, runs ``request`` with the call's
span current, then hands back what the client returned, or a transparent proxy of it when
the span must outlive the call (streams and raw responses). Any fault in here is logged
once and the call goes on.
"""

from __future__ import annotations

from typing import Any

from opentelemetry import context as context_api

from ..._safety import log_once
from ..openai._streams import (
    AsyncRawResponseProxy,
    AsyncStreamProxy,
    LegacyRawStreamProxy,
    StreamState,
    SyncRawResponseProxy,
    SyncStreamProxy,
)
from ...genai._call import IN_CALL, Call
from ._api import COMPLETIONS, MESSAGES

try:  # the keys behind is_instrumentation_enabled(), read off the one context fetched per call
    from opentelemetry.instrumentation.utils import _SUPPRESS_INSTRUMENTATION_KEY as _SUPPRESSED
    from opentelemetry.instrumentation.utils import _SUPPRESS_INSTRUMENTATION_KEY_PLAIN as _SUPPRESSED_PLAIN
except Exception:  # pragma: no cover - older or newer opentelemetry-instrumentation
    _SUPPRESSED = _SUPPRESSED_PLAIN = "suppress_instrumentation"

SUPPRESSED = (_SUPPRESSED, _SUPPRESSED_PLAIN)
_RAW_HEADER = "X-Stainless-Raw-Response"

active = False  # uninstrument() clears it: a wrapper still referenced somewhere then passes through
_types: tuple | None = None


def _sdk_types() -> tuple:
    """(Stream, AsyncStream, LegacyAPIResponse or None, APIResponse, AsyncAPIResponse)."""
    global _types
    if _types is None:
        from anthropic import AsyncStream, Stream
        from anthropic._response import APIResponse, AsyncAPIResponse

        try:  # the 0.x line's with_raw_response type; 1.x returns APIResponse for both views
            from anthropic._legacy_response import LegacyAPIResponse
        except ImportError:
            LegacyAPIResponse = None
        _types = (Stream, AsyncStream, LegacyAPIResponse, APIResponse, AsyncAPIResponse)
    return _types


def route(options: Any) -> Any:
    """The api of a request (``MESSAGES``, ``COMPLETIONS``) or None for one we do not trace."""
    if getattr(options, "method", None) != "post":
        return None
    url = getattr(options, "url", None)
    if url == "/v1/messages" or url == "/v1/messages?beta=true":
        return MESSAGES
    if url == "/v1/complete":
        return COMPLETIONS
    return None


def _kwargs(options: Any) -> dict:
    """The request body (with ``extra_body``) and headers, as the call's parameters."""
    body = options.json_data
    kwargs = dict(body) if isinstance(body, dict) else {}
    extra = getattr(options, "extra_json", None)
    if isinstance(extra, dict) and extra:
        kwargs.update(extra)
    headers = getattr(options, "headers", None)
    if isinstance(headers, dict) and headers:
        kwargs["extra_headers"] = headers
    return kwargs


def _start(instance: Any, args: tuple, kwargs: dict) -> Call | None:
    if not active:
        return None
    options = args[1] if len(args) > 1 else kwargs.get("options")
    api = route(options)
    if api is None:
        return None
    ctx = context_api.get_current()
    if ctx.get(IN_CALL) or ctx.get(_SUPPRESSED) or ctx.get(_SUPPRESSED_PLAIN):
        return None
    try:
        return Call(api, instance, _kwargs(options), ctx)
    except Exception:
        log_once("anthropic.start", "actiontrace: could not start an Anthropic span; the call is unaffected")
        return None


def _attach(call: Call) -> Any:
    try:
        return call.attach()
    except Exception:
        log_once("anthropic.attach", "actiontrace: could not attach the Anthropic span context")
        return None


def _detach(token: Any) -> None:
    if token is None:
        return
    try:
        context_api.detach(token)
    except Exception:
        log_once("anthropic.detach", "actiontrace: could not detach the Anthropic span context")


def _parsed(call: Call, value: Any) -> Any:
    """A parsed result: a stream gets a proxy that ends the span, anything else ends it now."""
    Stream, AsyncStream = _sdk_types()[:2]
    if isinstance(value, (Stream, AsyncStream)):
        state = StreamState(call, call.api.accumulator())
        call.stream_state = state
        return (SyncStreamProxy if isinstance(value, Stream) else AsyncStreamProxy)(value, state)
    call.succeed(call.api.response_outcome(value, call.capture))
    return value


def _parsed_safely(call: Call, value: Any) -> Any:
    try:
        return _parsed(call, value)
    except Exception:
        log_once("anthropic.parsed", "actiontrace: could not record an Anthropic response; the call is unaffected")
        call.succeed(None)
        return value


def _raw_mode(args: tuple, kwargs: dict) -> Any:
    options = args[1] if len(args) > 1 else kwargs.get("options")
    headers = getattr(options, "headers", None)
    return headers.get(_RAW_HEADER) if isinstance(headers, dict) else None


def _result(call: Call, result: Any, streamed: bool, raw: Any) -> Any:
    """What the client returned, recorded or proxied. ``raw``: the raw-response mode asked
    for (``true``/``raw`` for ``with_raw_response``, ``stream`` for ``with_streaming_response``)."""
    try:
        Stream, AsyncStream, Legacy, APIResponse, AsyncAPIResponse = _sdk_types()
        if Legacy is not None and isinstance(result, Legacy):  # 0.x with_raw_response: parse() is sync
            if streamed:
                return LegacyRawStreamProxy(result, call, lambda v: _parsed_safely(call, v))
            _parsed(call, result.parse())  # cached by the SDK: the caller's parse() gets the same object
            return result
        if isinstance(result, APIResponse):
            if raw != "stream" and not streamed:  # read already: record it now
                _parsed(call, result.parse())
                return result
            return SyncRawResponseProxy(result, call, lambda v: _parsed_safely(call, v))
        if isinstance(result, AsyncAPIResponse):
            return AsyncRawResponseProxy(result, call, lambda v: _parsed_safely(call, v))
        return _parsed(call, result)
    except Exception:
        log_once("anthropic.result", "actiontrace: could not record an Anthropic response; the call is unaffected")
        call.succeed(None)
        return result


async def _async_result(call: Call, result: Any, streamed: bool, raw: Any) -> Any:
    """As :func:`_result`; an async raw response that is already read is parsed (awaited) now."""
    try:
        AsyncAPIResponse = _sdk_types()[4]
        if isinstance(result, AsyncAPIResponse) and raw != "stream" and not streamed:
            _parsed(call, await result.parse())
            return result
    except Exception:
        log_once("anthropic.result", "actiontrace: could not record an Anthropic response; the call is unaffected")
        call.succeed(None)
        return result
    return _result(call, result, streamed, raw)


def _streamed(args: tuple, kwargs: dict) -> bool:
    return kwargs.get("stream") is True


def sync_request(wrapped: Any, instance: Any, args: tuple, kwargs: dict) -> Any:
    call = _start(instance, args, kwargs)
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
    return _result(call, result, _streamed(args, kwargs), _raw_mode(args, kwargs))


async def async_request(wrapped: Any, instance: Any, args: tuple, kwargs: dict) -> Any:
    call = _start(instance, args, kwargs)
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
    return await _async_result(call, result, _streamed(args, kwargs), _raw_mode(args, kwargs))
