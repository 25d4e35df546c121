"""One traced MCP request, on either side: its outcome on the span, its duration as a metric.

A JSON-RPC error (an ``ErrorData`` response, or the ``McpError`` the client raises for one)
sets ``error.type`` to its code and status ERROR with its message; a ``CallToolResult`` with
``isError`` sets ``error.type=tool_error``. Nothing here raises into the call.
"""

from __future__ import annotations

import time
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import Span, Status, StatusCode

from ... import _vocabulary as A
from ..._safety import tracing_failed
from ...spans import _starter
from . import _fields, _metrics

SCOPE = "actiontrace.instrumentation.mcp"


class State:
    """Whether the wrappers trace (they stay installed until uninstrument), and with which tracer."""

    __slots__ = ("active", "tracer")

    def __init__(self) -> None:
        self.active = False
        self.tracer: trace.Tracer | None = None


state = State()


def is_tool_span(span: Any) -> bool:
    """A recording span that already represents a tool execution (``@actiontrace.tool``, or an
    outer GenAI instrumentation's ``execute_tool`` span)."""
    if not span.is_recording():
        return False
    attrs = getattr(span, "attributes", None) or {}
    return attrs.get(A.SPAN_TYPE) == "tool" or attrs.get(A.GEN_AI_OPERATION_NAME) == A.Operation.EXECUTE_TOOL.value


def start(name: str, method: str, attributes: dict[str, Any], *, server: bool,
          context: Any = None) -> "Call":
    span = _starter.begin(name, span_type="tool" if method == _fields.TOOLS_CALL else "mcp",
                          kind=trace.SpanKind.SERVER if server else trace.SpanKind.CLIENT,
                          attributes=attributes, context=context, tracer=state.tracer)
    return Call(span, method, attributes, server=server, owned=True)


class Call:
    """``owned`` False: the span is an enclosing tool span this call only adds attributes to."""

    __slots__ = ("span", "method", "attributes", "server", "owned", "started", "response", "responder")

    def __init__(self, span: Span, method: str, attributes: dict[str, Any], *, server: bool, owned: bool) -> None:
        self.span = span
        self.method = method
        self.attributes = attributes
        self.server = server
        self.owned = owned
        self.started = time.perf_counter()
        self.response: Any = None
        self.responder: Any = None

    def _set(self, key: str, value: Any) -> None:
        self.attributes[key] = value
        self.span.set_attribute(key, value)

    def _rpc_error(self, code: str, message: str) -> None:
        self._set(A.ERROR_TYPE, code)
        self._set(A.RPC_RESPONSE_STATUS_CODE, code)
        self.span.set_status(Status(StatusCode.ERROR, message))

    def finish(self, result: Any) -> None:
        """The call returned ``result`` (a result model, or on the server the response sent)."""
        try:
            result = _fields.unwrap_result(result)
            rpc_error = _fields.error_data(result) if self.server else None
            if rpc_error is not None:
                self._rpc_error(*rpc_error)
            else:
                message = _fields.tool_error(result) if self.method == _fields.TOOLS_CALL else None
                if message is not None:
                    self._set(A.ERROR_TYPE, A.MCP_TOOL_ERROR)
                    self.span.set_status(Status(StatusCode.ERROR, message))
                elif self.span.is_recording():
                    captured = _fields.result_json(self.method, result)
                    if captured is not None:
                        self.span.set_attribute(A.GEN_AI_TOOL_CALL_RESULT, captured)
        except Exception:
            tracing_failed("mcp.finish")
        self._end()

    def fail(self, exc: BaseException) -> None:
        """The call raised ``exc`` (which the caller gets unchanged)."""
        try:
            rpc_error = _fields.error_data(getattr(exc, "error", None))
            if rpc_error is not None:
                self._rpc_error(*rpc_error)
            elif self.owned:  # an enclosing tool span records what escapes it itself
                _starter.record_error(self.span, exc)
                self.attributes[A.ERROR_TYPE] = _starter.error_type(exc)
        except Exception:
            tracing_failed("mcp.fail")
        self._end()

    def _end(self) -> None:
        _metrics.record_operation(self.server, time.perf_counter() - self.started, self.attributes)
        if self.owned:
            _starter.end_span(self.span)
