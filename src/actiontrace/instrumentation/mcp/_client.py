"""Client side: every request and notification a ``ClientSession`` sends becomes a CLIENT span
whose context travels in its ``params._meta``; session lifetimes become a duration metric.

Inside an ``@actiontrace.tool`` (or another instrumentation's ``execute_tool`` span) a
``tools/call`` starts no span of its own: the conventions ask MCP instrumentation to add its
attributes to the existing tool span, so the call is one ``execute_tool`` span, and that span
is the server span's parent.
"""

from __future__ import annotations

import time
import weakref
from typing import Any

from opentelemetry import context as context_api
from opentelemetry import trace

from ... import _vocabulary as A
from ..._safety import tracing_failed
from . import _calls, _fields, _metrics, _propagation, _transport

# Per session: the protocol version the server answered at initialize, and when it was entered.
_versions: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_entered: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _start(session: Any, args: tuple, kwargs: dict, key: str) -> tuple[_calls.Call, tuple, dict] | None:
    """``key``: ``request`` (a request, numbered) or ``notification`` (no JSON-RPC id)."""
    in_args = bool(args)
    request = args[0] if in_args else kwargs.get(key)
    root = getattr(request, "root", None)
    method = _fields.method_of(root)
    if method is None:
        return None
    params = getattr(root, "params", None)
    # send_request numbers the request from this counter before its first await.
    request_id = getattr(session, "_request_id", None) if key == "request" else None
    name, attrs = _fields.request_attributes(method, params, request_id)
    attrs.update(_transport.attributes_of(session))
    version = _versions.get(session)
    if version:
        attrs[A.MCP_PROTOCOL_VERSION] = version
    arguments = _fields.arguments_json(method, params)
    if arguments is not None:
        attrs[A.GEN_AI_TOOL_CALL_ARGUMENTS] = arguments
    parent = trace.get_current_span()
    if method == _fields.TOOLS_CALL and _calls.is_tool_span(parent):
        # The tool span keeps what it says of itself (its name, its arguments); MCP adds the rest.
        own = getattr(parent, "attributes", None) or {}
        parent.set_attributes({k: v for k, v in attrs.items() if k not in own and k != A.SPAN_TYPE})
        call = _calls.Call(parent, method, attrs, server=False, owned=False)
    else:
        call = _calls.start(name, method, attrs, server=False)
    try:
        request = _propagation.with_context(request, trace.set_span_in_context(call.span))
    except Exception:  # e.g. a broken propagator: the request goes as the application made it
        tracing_failed("mcp.client.inject")
    if in_args:
        args = (request, *args[1:])
    else:
        kwargs = {**kwargs, key: request}
    return call, args, kwargs


def _note_initialize(session: Any, call: _calls.Call, result: Any) -> None:
    if call.method != "initialize":
        return
    version = getattr(result, "protocolVersion", None)
    if isinstance(version, str):
        _versions[session] = version
        call.attributes[A.MCP_PROTOCOL_VERSION] = version
        call.span.set_attribute(A.MCP_PROTOCOL_VERSION, version)


async def send_request(wrapped, instance, args, kwargs):
    return await _send(wrapped, instance, args, kwargs, "request")


async def send_notification(wrapped, instance, args, kwargs):
    return await _send(wrapped, instance, args, kwargs, "notification")


async def _send(wrapped, instance, args, kwargs, key: str):
    started = None
    if _calls.state.active:
        try:
            started = _start(instance, args, kwargs, key)
        except Exception:
            tracing_failed("mcp.client.start")
    if started is None:
        return await wrapped(*args, **kwargs)
    call, args, kwargs = started
    token = None
    if call.owned:
        try:
            token = context_api.attach(trace.set_span_in_context(call.span))
        except Exception:
            tracing_failed("mcp.client.attach")
    try:
        result = await wrapped(*args, **kwargs)
    except BaseException as exc:
        call.fail(exc)
        raise
    finally:
        if token is not None:
            context_api.detach(token)
    if call.method == "initialize":
        try:
            _note_initialize(instance, call, result)
        except Exception:
            tracing_failed("mcp.client.initialize")
    call.finish(result)
    return result


async def session_enter(wrapped, instance, args, kwargs):
    entered = await wrapped(*args, **kwargs)
    try:
        _entered[instance] = time.perf_counter()
    except Exception:
        tracing_failed("mcp.client.session")
    return entered


async def session_exit(wrapped, instance, args, kwargs):
    try:
        started = _entered.pop(instance, None)
        if started is not None and _calls.state.active:
            attrs = dict(_transport.attributes_of(instance))
            if _versions.get(instance):
                attrs[A.MCP_PROTOCOL_VERSION] = _versions[instance]
            exc = args[1] if len(args) > 1 else None
            if exc is not None:
                attrs[A.ERROR_TYPE] = type(exc).__qualname__
            _metrics.record_session(False, time.perf_counter() - started, attrs)
    except Exception:
        tracing_failed("mcp.client.session")
    return await wrapped(*args, **kwargs)
