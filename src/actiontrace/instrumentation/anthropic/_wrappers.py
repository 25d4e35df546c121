"""The wrappers put on the client's ``request`` (``SyncAPIClient`` and ``AsyncAPIClient``).

Every resource method of every client (``Anthropic``, ``AnthropicBedrock``, ``AnthropicVertex``,
their async twins, the ``beta`` resources) sends its API call through the client's ``request``,
looked up on the client at each call. Wrapping it there covers ``messages.create`` (plain and
``stream=True``), ``messages.stream`` (its manager makes the request on entering), ``parse``,
``completions.create``, ``with_raw_response`` / ``with_streaming_response`` views however early
they were made, and clients made before ``instrument()``. The route says what the call is:
``/v1/messages`` (``?beta=true`` too) is ``chat``, ``/v1/complete`` is ``text_completion``;
other routes (``count_tokens``, batches, files, models) are left alone.

The wrapper hands the call to the GenAI core (``genai._call.start``, ``Call.attach``,
``genai._wrappers.hand_back``): the span is current while ``request`` runs, and what the client
returned comes back as it is, or as the core's transparent proxy where the span must outlive
the call (streams and raw responses). What is Anthropic's here: the route, the parameters read
off the request about to be sent, and the raw-response mode of 1.x clients (one class for both
views: ``with_raw_response`` is read now, ``with_streaming_response`` when parsed).
"""

from __future__ import annotations

from typing import Any

from ... import _sdk
from ..._safety import log_once
from ...genai._call import start
from ...genai._wrappers import hand_back, run_async, run_sync
from ._api import COMPLETIONS, MESSAGES, provider

SUPPRESSED = _sdk.suppression_keys()  # the keys behind suppress_instrumentation
_RAW_HEADER = "X-Stainless-Raw-Response"


def route(options: Any) -> Any:
    """The operation of a request (``MESSAGES``, ``COMPLETIONS``) or None for one we do not trace."""
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


def _begin(instance: Any, args: tuple, kwargs: dict) -> tuple[Any, Any]:
    """(call or None, the request options)."""
    options = args[1] if len(args) > 1 else kwargs.get("options")
    if not provider.active:
        return None, options
    operation = route(options)
    if operation is None:
        return None, options
    return start(provider, operation, instance, _kwargs(options)), options


def _raw_mode(options: Any) -> Any:
    headers = getattr(options, "headers", None)
    return headers.get(_RAW_HEADER) if isinstance(headers, dict) else None


def _read_now(result: Any, streamed: bool, options: Any) -> bool:
    """A 1.x ``with_raw_response`` result of a call that did not stream: its body is read already."""
    return not streamed and _raw_mode(options) == "raw" and isinstance(result, provider.result_types[3] + provider.result_types[4])


def sync_request(wrapped: Any, instance: Any, args: tuple, kwargs: dict) -> Any:
    call, options = _begin(instance, args, kwargs)
    if call is None:
        return wrapped(*args, **kwargs)
    result = run_sync(call, wrapped, args, kwargs)
    streamed = kwargs.get("stream") is True
    if _read_now(result, streamed, options):
        try:
            hand_back(call, result.parse(), False)  # cached by the SDK: the caller's parse() gets the same object
            return result
        except Exception:
            log_once("anthropic.raw", "actiontrace: could not record an Anthropic raw response")
    return hand_back(call, result, streamed)


async def async_request(wrapped: Any, instance: Any, args: tuple, kwargs: dict) -> Any:
    call, options = _begin(instance, args, kwargs)
    if call is None:
        return await wrapped(*args, **kwargs)
    result = await run_async(call, wrapped, args, kwargs)
    streamed = kwargs.get("stream") is True
    if _read_now(result, streamed, options):
        try:
            hand_back(call, await result.parse(), False)
            return result
        except Exception:
            log_once("anthropic.raw", "actiontrace: could not record an Anthropic raw response")
    return hand_back(call, result, streamed)
