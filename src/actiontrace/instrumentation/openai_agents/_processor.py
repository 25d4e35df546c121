"""The ``TracingProcessor`` registered with the Agents SDK: each SDK trace and span becomes an
OpenTelemetry span, started through the core starter when the SDK starts its own and ended
when the SDK ends it, with the SDK's timestamps.

Parents come from the SDK's own parent ids, so a span started in another task still nests
right; the trace's span nests under whatever OpenTelemetry span is current where the run
starts. SDK spans with no meaning of their own (``task``: the run, ``turn``: one loop of an
agent) make no span: their children go to the nearest span that was made.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from opentelemetry import context as context_api
from opentelemetry import trace
from agents.tracing import TracingProcessor
from opentelemetry.trace import Status, StatusCode

from ... import _vocabulary as A
from ..._safety import log_once
from ..._version import __version__
from ...spans import _capture, _starter, _totals
from . import _fields, _model_calls

SCOPE = "actiontrace.instrumentation.openai_agents"
_CLIENT_PROVIDER = "actiontrace.instrumentation.openai._provider"
_NO_SPAN = ("task", "turn")
_MODEL_CALLS = ("response", "generation")


class Node:
    """One SDK trace or span as ours: the span (None where the SDK span makes none), the
    context its children start in, and the totals of an agent or workflow."""

    __slots__ = ("span", "ctx", "totals", "own", "request_model")

    def __init__(self, span: Any, ctx: Any, totals: Any, own: bool, request_model: str | None = None) -> None:
        self.span = span
        self.ctx = ctx
        self.totals = totals
        self.own = own
        self.request_model = request_model


def client_instrumented() -> bool:
    """Our OpenAI client instrumentation is on: it makes the model calls' spans itself."""
    module = sys.modules.get(_CLIENT_PROVIDER)  # not imported: never instrumented
    return bool(getattr(getattr(module, "provider", None), "active", False))


def _mark_error(otel_span: Any, error: Any) -> None:
    """The SDK's ``SpanError`` as an exception event, ``error.type`` and status ERROR."""
    failure = _fields.error_attributes(error)
    if failure is None or not otel_span.is_recording():
        return
    otel_span.add_event("exception", {"exception.type": failure[0], "exception.message": failure[1]})
    otel_span.set_attribute(A.ERROR_TYPE, failure[0])
    otel_span.set_status(Status(StatusCode.ERROR, failure[1]))


def _claim_call(pending: list, name: Any) -> tuple | None:
    """The first call the model asked for of tool ``name``: tools start in the model's order."""
    for index, (tool, call_id, arguments) in enumerate(pending):
        if tool == name:
            del pending[index]
            return call_id, arguments
    return None


_STARTS = {"agent": _fields.agent_start, "response": _model_calls.chat_start, "generation": _model_calls.chat_start,
           "handoff": _fields.handoff_start, "guardrail": _fields.guardrail_start, "mcp_tools": _fields.mcp_start}


class ActiontraceProcessor(TracingProcessor):
    """The SDK's ``TracingProcessor``, registered by the instrumentor."""

    def __init__(self, tracer_provider: Any = None) -> None:
        self.tracer = trace.get_tracer(SCOPE, __version__, tracer_provider=tracer_provider)
        self.traces: dict[str, Node] = {}
        self.spans: dict[str, Node] = {}
        self.calls: dict[str, list] = {}  # trace id -> tool calls the model asked for, not yet run
        self.enabled = True

    # -- traces ------------------------------------------------------------------
    def on_trace_start(self, sdk_trace: Any) -> None:
        if not self.enabled:
            return
        try:
            parent = context_api.get_current()
            self.traces[sdk_trace.trace_id] = self._start(_fields.workflow_start(sdk_trace), parent, time.time_ns())
        except Exception:
            log_once("openai_agents.trace_start", "actiontrace: could not trace an Agents SDK run; it is unaffected")

    def on_trace_end(self, sdk_trace: Any) -> None:
        node = self.traces.pop(getattr(sdk_trace, "trace_id", None), None)
        self.calls.pop(getattr(sdk_trace, "trace_id", None), None)
        if node is not None:
            self._end(node, {}, None, time.time_ns())

    # -- spans -------------------------------------------------------------------
    def on_span_start(self, span: Any) -> None:
        if not self.enabled:
            return
        try:
            self._span_start(span)
        except Exception:
            log_once("openai_agents.span_start", "actiontrace: could not trace an Agents SDK span; it is unaffected")

    def on_span_end(self, span: Any) -> None:
        node = self.spans.pop(span.span_id, None)
        if node is None:
            return
        try:
            data = span.span_data
            if node.own and data.type == "function":  # the most frequent kind, in the fewest steps
                otel_span = node.span
                attrs = _fields.tool_end(data, _capture.settings.enabled)
                if span.error:
                    _mark_error(otel_span, span.error)
                if attrs:
                    otel_span.set_attributes(attrs)
                otel_span.end(end_time=_fields.iso_ns(span.ended_at))
            else:
                self._span_end(span, node)
        except Exception:
            log_once("openai_agents.span_end", "actiontrace: could not end an Agents SDK span; it is unaffected")
            _starter.end_span(node.span)

    def _span_start(self, span: Any) -> None:
        data = span.span_data
        kind = data.type
        parent_id = span.parent_id
        parent = self.spans.get(parent_id) if parent_id else None
        if parent is None:
            parent = self.traces.get(span.trace_id)
        if kind == "function":  # the most frequent kind first, with the fewest steps
            pending = self.calls.get(span.trace_id)
            call = _claim_call(pending, data.name) if pending else None
            start = _fields.tool_start(data, call, _capture.settings.enabled)
        elif kind in _NO_SPAN or (kind in _MODEL_CALLS and client_instrumented()):
            if parent is not None:
                if kind == "turn" and parent.totals is not None:
                    parent.totals.iterations += 1
                self.spans[span.span_id] = Node(parent.span, parent.ctx, parent.totals, False)
            return
        else:
            reader = _STARTS.get(kind)
            start = reader(data) if reader is not None else _fields.other_start(kind, data)
        parent_ctx = parent.ctx if parent is not None else context_api.get_current()
        node = self._start(start, parent_ctx, _fields.iso_ns(span.started_at))
        if kind in _MODEL_CALLS:
            node.totals = _totals.current(parent_ctx)  # the model call adds to its agent's totals
            node.request_model = start.attributes.get(A.GEN_AI_REQUEST_MODEL)
        self.spans[span.span_id] = node

    def _start(self, start: _fields.Start, parent_ctx: Any, start_ns: int | None) -> Node:
        otel_span = _starter.begin(start.name, span_type=start.span_type, kind=start.kind,
                                   attributes=start.attributes, start_time=start_ns, context=parent_ctx,
                                   tracer=self.tracer)
        ctx = trace.set_span_in_context(otel_span, parent_ctx)
        totals = None
        if start.rolls_up:
            totals, ctx = _totals.with_totals(ctx)
        return Node(otel_span, ctx, totals, True)

    def _span_end(self, span: Any, node: Node) -> None:
        data = span.span_data
        kind = data.type
        if kind in _MODEL_CALLS:
            self._remember_calls(span.trace_id, data)
        if not node.own:
            if span.error and node.span is not None:  # a turn's or the run's error is its agent's or workflow's
                _mark_error(node.span, span.error)
            return
        capture = _capture.settings.enabled
        attrs: dict[str, Any] = {}
        if kind == "function":
            attrs = _fields.tool_end(data, capture)
        elif kind in _MODEL_CALLS:
            outcome = _model_calls.chat_end(data, capture, node.request_model)
            attrs = outcome.attributes
            if outcome.name and node.span.is_recording():
                node.span.update_name(outcome.name)
            usage = outcome.usage
            if node.totals is not None and (usage is not None or A.COST_USD in attrs):
                node.totals.add(usage.input_tokens if usage else None, usage.output_tokens if usage else None,
                                attrs.get(A.COST_USD))
            node.totals = None  # the agent's totals are not this span's to report
        elif kind == "handoff":
            name, attrs = _fields.handoff_end(data)
            if node.span.is_recording():
                node.span.update_name(name)
        elif kind == "guardrail":
            attrs = _fields.guardrail_end(data)
        elif kind == "mcp_tools":
            attrs = _fields.mcp_end(data)
        elif kind == "agent":
            attrs = _fields.agent_end(data)
        else:
            attrs = _fields.other_end(data, capture)
        self._end(node, attrs, span.error, _fields.iso_ns(span.ended_at))

    def _end(self, node: Node, attrs: dict, error: Any, end_ns: int | None) -> None:
        otel_span = node.span
        if node.totals is not None:
            attrs.update(node.totals.attributes())
        if error:
            _mark_error(otel_span, error)
        if attrs:
            otel_span.set_attributes(attrs)
        otel_span.end(end_time=end_ns)  # the node was popped: this is the span's one end

    # -- tool call ids -----------------------------------------------------------
    def _remember_calls(self, trace_id: str, data: Any) -> None:
        calls = _model_calls.tool_calls(data)
        if calls:
            pending = self.calls.setdefault(trace_id, [])
            pending.extend(calls)
            del pending[:-64]  # calls the SDK never ran (handoffs, approvals) must not pile up

    def shutdown(self) -> None:
        pass

    def force_flush(self) -> None:
        pass
