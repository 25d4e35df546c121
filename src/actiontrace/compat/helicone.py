"""Helicone-style manual logger: ``log_request(request=..., operation=..., additional_headers=...)``.

The operation runs inside a span started by the core span starter; ``Helicone-Session-*``
and ``Helicone-Property-*`` headers become the same session attributes ``session()``
stamps (for the span and everything started inside the operation). What the operation
hands to ``result_recorder.append_results(...)`` is the span's output.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any, Awaitable, Callable, Dict, Optional, TypeVar, cast

from opentelemetry.trace import SpanKind

from .. import _vocabulary as A
from ..spans import _capture
from .._naming import llm_span_name, tool_span_name
from .._safety import tracing_failed
from ..context._session import _Scope
from ..genai._headers import header_session, over_ambient
from ..spans._starter import traced

T = TypeVar("T")


class ResultRecorder:
    """Collects the results an operation reports; dicts are merged (as Helicone does),
    anything else is kept under ``"result"``."""

    def __init__(self, request: Optional[Mapping[str, Any]] = None) -> None:
        self.request = request
        self.results: Dict[str, Any] = {}
        self.appended = False

    def append_results(self, data: Any) -> None:
        self.appended = True
        if isinstance(data, Mapping):
            self.results.update(data)
        else:
            self.results["result"] = data

    def get_results(self) -> Dict[str, Any]:
        return self.results


def _span_shape(request: Any) -> tuple[str, str, SpanKind, Dict[str, Any], Any]:
    """(name, span type, kind, attributes, captured input) for a Helicone request body."""
    if not isinstance(request, Mapping):
        return "log_request", "action", SpanKind.INTERNAL, {}, request
    kind = request.get("_type")
    if kind == "tool":
        tool_name = str(request.get("toolName") or request.get("tool_name") or "tool")
        attrs = {
            A.GEN_AI_OPERATION_NAME: A.Operation.EXECUTE_TOOL.value,
            A.GEN_AI_TOOL_NAME: tool_name,
            A.GEN_AI_TOOL_TYPE: "function",
        }
        return tool_span_name(tool_name), "tool", SpanKind.INTERNAL, attrs, request.get("input")
    if kind is None and isinstance(request.get("model"), str):  # a provider request body (chat)
        model = request["model"]
        attrs = {A.GEN_AI_OPERATION_NAME: A.Operation.CHAT.value, A.GEN_AI_REQUEST_MODEL: model}
        return llm_span_name(A.Operation.CHAT.value, model), "llm", SpanKind.CLIENT, attrs, request
    name = str(kind) if kind else "log_request"
    return name, "action", SpanKind.INTERNAL, {}, request.get("input", request)


class HeliconeManualLogger:
    """``HeliconeManualLogger(api_key=..., headers={...})``. ``headers`` apply to every
    request of this logger, ``additional_headers`` to one. ``api_key`` is accepted so
    existing code keeps working; nothing is sent anywhere but the OpenTelemetry pipeline."""

    def __init__(
        self,
        api_key: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        logging_endpoint: Optional[str] = None,
    ) -> None:
        self.api_key = api_key
        self.headers = dict(headers or {})
        self.logging_endpoint = logging_endpoint

    def log_request(
        self,
        request: Any,
        operation: Callable[[ResultRecorder], T],
        additional_headers: Optional[Mapping[str, str]] = None,
    ) -> T:
        """Run ``operation(result_recorder)`` inside a span and return its result.

        ``request={"_type": "tool", "toolName": ..., "input": {...}}`` gives a tool span
        ``execute_tool {toolName}`` with the input as its arguments. The output is what
        the operation appended to the recorder (or, if nothing, its return value). An
        exception is recorded on the span and re-raised unchanged. An ``async`` operation
        makes this return an awaitable.
        """
        if not callable(operation):
            raise TypeError("log_request operation must be callable(result_recorder)")
        plan = _plan(request, header_session(self.headers, additional_headers))
        if inspect.iscoroutinefunction(operation):
            return cast(T, _run_async(plan, request, operation))  # T is the operation's coroutine type
        return _run(plan, request, operation)


class _Plan:
    __slots__ = ("name", "span_type", "kind", "attributes", "session")

    def __init__(self, name: str, span_type: str, kind: SpanKind, attributes: Dict[str, Any],
                 session: Optional[_Scope]) -> None:
        self.name, self.span_type, self.kind = name, span_type, kind
        self.attributes, self.session = attributes, session


def _plan(request: Any, named: Mapping[str, Any]) -> _Plan:
    """``named``: the session values the headers name (``genai._headers.header_session``)."""
    try:
        name, span_type, kind, attrs, captured = _span_shape(request)
        if captured is not None and _capture.capture_enabled():
            data = _capture.to_json(captured)
            attrs[A.INPUT] = data
            if span_type == "tool":
                attrs[A.GEN_AI_TOOL_CALL_ARGUMENTS] = data
        session = None
        if named:
            # The same precedence as an instrumented call's headers (genai/_headers), for the
            # span and everything the operation starts.
            merged = over_ambient(named)
            session = _Scope(lambda: merged)
        return _Plan(name, span_type, kind, attrs, session)
    except Exception:
        tracing_failed("log_request plan")
        return _Plan("log_request", "action", SpanKind.INTERNAL, {}, None)


def _set_output(span: Any, plan: _Plan, recorder: ResultRecorder, result: Any) -> None:
    try:
        if not span.is_recording() or not _capture.capture_enabled():
            return
        data = _capture.to_json(recorder.results if recorder.appended else result)
        span.set_attribute(A.OUTPUT, data)
        if plan.span_type == "tool":
            span.set_attribute(A.GEN_AI_TOOL_CALL_RESULT, data)
    except Exception:
        tracing_failed("log_request output")


def _run(plan: _Plan, request: Any, operation: Callable[[ResultRecorder], T]) -> T:
    scope = plan.session
    if scope is not None:
        scope.__enter__()
    try:
        with traced(plan.name, span_type=plan.span_type, kind=plan.kind, attributes=plan.attributes) as span:
            recorder = ResultRecorder(request)
            try:
                result = operation(recorder)
            except BaseException:
                if recorder.appended:
                    _set_output(span, plan, recorder, None)
                raise
            _set_output(span, plan, recorder, result)
            return result
    finally:
        if scope is not None:
            scope.__exit__(None, None, None)


async def _run_async(plan: _Plan, request: Any, operation: Callable[[ResultRecorder], Awaitable[Any]]) -> Any:
    scope = plan.session
    if scope is not None:
        scope.__enter__()
    try:
        async with traced(plan.name, span_type=plan.span_type, kind=plan.kind, attributes=plan.attributes) as span:
            recorder = ResultRecorder(request)
            try:
                result = await operation(recorder)
            except BaseException:
                if recorder.appended:
                    _set_output(span, plan, recorder, None)
                raise
            _set_output(span, plan, recorder, result)
            return result
    finally:
        if scope is not None:
            scope.__exit__(None, None, None)


_default = HeliconeManualLogger()


def log_request(
    request: Any,
    operation: Callable[[ResultRecorder], T],
    additional_headers: Optional[Mapping[str, str]] = None,
) -> T:
    """Module-level ``log_request`` (a shared default :class:`HeliconeManualLogger`)."""
    return _default.log_request(request, operation, additional_headers)


log_request.__doc__ = HeliconeManualLogger.log_request.__doc__
