"""Server side: every request and notification the low-level ``Server`` handles becomes a
SERVER span, a child of the client span whose context arrived in ``params._meta``; a server run
(one session) becomes a duration metric. (``initialize`` is answered by the session itself,
before the server sees anything, so it has a client span only.)

``Server._handle_request`` runs the handler and then sends the response through
``RequestResponder.respond``; the response (a result, or the ``ErrorData`` the SDK made of an
exception) is seen there, so the span reports exactly what went back on the wire.
"""

from __future__ import annotations

import contextvars
import time
from typing import Any

from opentelemetry import context as context_api
from opentelemetry import trace

from ... import _vocabulary as A
from ..._safety import tracing_failed
from . import _calls, _fields, _metrics, _propagation, _transport

_current: contextvars.ContextVar[_calls.Call | None] = contextvars.ContextVar("actiontrace_mcp_call", default=None)


def _arg(args: tuple, kwargs: dict, index: int, name: str) -> Any:
    return args[index] if len(args) > index else kwargs.get(name)


def _protocol_version(session: Any, method: str, params: Any) -> str | None:
    if method == "initialize":
        version = getattr(params, "protocolVersion", None)
    else:
        version = getattr(getattr(session, "client_params", None), "protocolVersion", None)
    return version if isinstance(version, str) else None


def _start(args: tuple, kwargs: dict) -> tuple[_calls.Call, Any] | None:
    message = _arg(args, kwargs, 0, "message")
    req = _arg(args, kwargs, 1, "req")
    session = _arg(args, kwargs, 2, "session")
    method = _fields.method_of(req)
    if method is None:
        return None
    params = getattr(req, "params", None)
    name, attrs = _fields.request_attributes(method, params, getattr(message, "request_id", None))
    request_context = getattr(getattr(message, "message_metadata", None), "request_context", None)
    transport = _fields.http_request_attributes(request_context) if request_context is not None else {}
    attrs.update(transport or _transport.attributes_of(session))
    version = _protocol_version(session, method, params)
    if version:
        attrs[A.MCP_PROTOCOL_VERSION] = version
    arguments = _fields.arguments_json(method, params)
    if arguments is not None:
        attrs[A.GEN_AI_TOOL_CALL_ARGUMENTS] = arguments
    try:
        parent = _propagation.extract(getattr(message, "request_meta", None))
    except Exception:  # e.g. a broken propagator: the span gets the ambient parent
        tracing_failed("mcp.server.extract")
        parent = None
    call = _calls.start(name, method, attrs, server=True, context=parent)
    call.responder = message
    return call, parent


async def handle_request(wrapped, instance, args, kwargs):
    started = None
    if _calls.state.active:
        try:
            started = _start(args, kwargs)
        except Exception:
            tracing_failed("mcp.server.start")
    if started is None:
        return await wrapped(*args, **kwargs)
    call, parent = started
    var_token = _current.set(call)
    token = None
    try:
        # The extracted parent context carries the client's baggage to spans the handler starts.
        token = context_api.attach(trace.set_span_in_context(call.span, parent))
    except Exception:
        tracing_failed("mcp.server.attach")
    try:
        result = await wrapped(*args, **kwargs)
    except BaseException as exc:
        call.fail(exc)
        raise
    finally:
        if token is not None:
            context_api.detach(token)
        _current.reset(var_token)
    call.finish(call.response)
    return result


def _start_notification(args: tuple, kwargs: dict) -> tuple[_calls.Call, Any] | None:
    notify = _arg(args, kwargs, 0, "notify")
    method = _fields.method_of(notify)
    if method is None:
        return None
    params = getattr(notify, "params", None)
    name, attrs = _fields.request_attributes(method, params, None)
    try:
        parent = _propagation.extract(getattr(params, "meta", None))
    except Exception:
        tracing_failed("mcp.server.extract")
        parent = None
    return _calls.start(name, method, attrs, server=True, context=parent), parent


async def handle_notification(wrapped, instance, args, kwargs):
    """``Server._handle_notification(notify)``: the SDK logs and swallows a handler's exception."""
    started = None
    if _calls.state.active:
        try:
            started = _start_notification(args, kwargs)
        except Exception:
            tracing_failed("mcp.server.start")
    if started is None:
        return await wrapped(*args, **kwargs)
    call, parent = started
    token = None
    try:
        token = context_api.attach(trace.set_span_in_context(call.span, parent))
    except Exception:
        tracing_failed("mcp.server.attach")
    try:
        result = await wrapped(*args, **kwargs)
    except BaseException as exc:
        call.fail(exc)
        raise
    finally:
        if token is not None:
            context_api.detach(token)
    call.finish(None)
    return result


async def respond(wrapped, instance, args, kwargs):
    call = _current.get()
    if call is not None and call.responder is instance:
        call.response = _arg(args, kwargs, 0, "response")
    return await wrapped(*args, **kwargs)


async def run(wrapped, instance, args, kwargs):
    """``Server.run(read_stream, write_stream, ...)`` lasts as long as one session."""
    if not _calls.state.active:
        return await wrapped(*args, **kwargs)
    started = time.perf_counter()
    attrs: dict[str, Any] = {}
    try:
        attrs = dict(_transport.attributes_of_stream(_arg(args, kwargs, 1, "write_stream")))
    except Exception:
        tracing_failed("mcp.server.session")
    try:
        return await wrapped(*args, **kwargs)
    except BaseException as exc:
        attrs[A.ERROR_TYPE] = type(exc).__qualname__
        raise
    finally:
        _metrics.record_session(True, time.perf_counter() - started, attrs)
