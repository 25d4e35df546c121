"""What each kind of Agents SDK span becomes: its name, span type, kind and attributes.

The SDK fills some fields only when its span ends (a function's output, a handoff's target,
a guardrail's outcome), so every kind has a start reader and an end reader.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from opentelemetry.trace import SpanKind

from ... import _vocabulary as A
from ...spans._capture import to_json
from ... import _naming as N

_second_ns: dict[str, int] = {}  # "YYYY-MM-DDTHH:MM:SS" -> its nanoseconds: a run's spans share a few seconds


def iso_ns(stamp: Any) -> int | None:
    """The SDK's ISO 8601 timestamp (UTC, microseconds) in nanoseconds since the epoch."""
    if type(stamp) is not str:
        return None
    if len(stamp) == 32 and stamp[19] == "." and stamp.endswith("+00:00"):  # the SDK's own form
        base = _second_ns.get(stamp[:19])
        if base is None:
            base = _parse_ns(stamp[:19] + "+00:00")
            if base is None:
                return None
            if len(_second_ns) >= 64:
                _second_ns.clear()
            _second_ns[stamp[:19]] = base
        return base + int(stamp[20:26]) * 1000
    return _parse_ns(stamp)


def _parse_ns(stamp: str) -> int | None:
    try:
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        # Microseconds since the epoch stay below 2**53 until the year 2255: a float holds them exactly.
        return round(moment.timestamp() * 1_000_000) * 1000
    except (ValueError, OverflowError):
        return None


class Start:
    """How an SDK span starts as ours."""

    __slots__ = ("name", "span_type", "kind", "attributes", "rolls_up")

    def __init__(self, name: str, span_type: str, attributes: dict, *, kind: SpanKind = SpanKind.INTERNAL,
                 rolls_up: bool = False) -> None:
        self.name = name
        self.span_type = span_type
        self.kind = kind
        self.attributes = attributes
        self.rolls_up = rolls_up


def _names_list(values: Any) -> list[str] | None:
    if isinstance(values, (list, tuple)) and values:
        return [str(v) for v in values]
    return None


def workflow_start(trace: Any) -> Start:
    name = getattr(trace, "name", None) or None
    attrs: dict[str, Any] = {A.GEN_AI_OPERATION_NAME: A.Operation.INVOKE_WORKFLOW.value}
    if name:
        attrs[A.GEN_AI_WORKFLOW_NAME] = str(name)
    trace_id = getattr(trace, "trace_id", None)
    if trace_id:
        attrs[A.AGENTS_TRACE_ID] = str(trace_id)
    group = getattr(trace, "group_id", None)
    if group:
        attrs[A.GEN_AI_CONVERSATION_ID] = str(group)  # the SDK's grouping of one conversation's runs
    return Start(N.workflow_span_name(name), "workflow", attrs, rolls_up=True)


def agent_start(data: Any) -> Start:
    name = getattr(data, "name", None)
    attrs: dict[str, Any] = {A.GEN_AI_OPERATION_NAME: A.Operation.INVOKE_AGENT.value}
    if name:
        attrs[A.GEN_AI_AGENT_NAME] = str(name)
    return Start(N.agent_span_name(name), "agent", attrs, rolls_up=True)


def agent_end(data: Any) -> dict:
    """What the agent offers (the SDK fills these in once the run has looked at the agent)."""
    attrs: dict[str, Any] = {}
    for key, field in ((A.AGENT_HANDOFFS, "handoffs"), (A.AGENT_TOOLS, "tools")):
        values = _names_list(getattr(data, field, None))
        if values:
            attrs[key] = values
    output_type = getattr(data, "output_type", None)
    if output_type:
        attrs[A.AGENT_OUTPUT_TYPE] = str(output_type)
    return attrs


def tool_start(data: Any, call: tuple | None, capture: bool) -> Start:
    """``call``: (call id, arguments) of the model's tool call this run answers, when known."""
    name = getattr(data, "name", None)
    attrs: dict[str, Any] = {A.GEN_AI_OPERATION_NAME: A.Operation.EXECUTE_TOOL.value, A.GEN_AI_TOOL_TYPE: "function"}
    if name:
        attrs[A.GEN_AI_TOOL_NAME] = str(name)
    if call is not None:
        if call[0]:
            attrs[A.GEN_AI_TOOL_CALL_ID] = str(call[0])
        if capture and isinstance(call[1], str):
            attrs[A.GEN_AI_TOOL_CALL_ARGUMENTS] = attrs[A.INPUT] = call[1]
    return Start(N.tool_span_name(name), "tool", attrs)


def tool_end(data: Any, capture: bool) -> dict:
    attrs: dict[str, Any] = {}
    if capture:
        value = data.input
        if value is not None:
            attrs[A.GEN_AI_TOOL_CALL_ARGUMENTS] = attrs[A.INPUT] = value if type(value) is str else to_json(value)
        value = data.output
        if value is not None:
            attrs[A.GEN_AI_TOOL_CALL_RESULT] = attrs[A.OUTPUT] = value if type(value) is str else to_json(value)
    mcp = data.mcp_data
    if mcp and isinstance(mcp, dict) and mcp.get("server"):
        attrs[A.MCP_SERVER] = str(mcp["server"])
    return attrs


def handoff_start(data: Any) -> Start:
    source, target = getattr(data, "from_agent", None), getattr(data, "to_agent", None)
    attrs: dict[str, Any] = {}
    if source:
        attrs[A.HANDOFF_FROM_AGENT] = str(source)
    if target:
        attrs[A.HANDOFF_TO_AGENT] = str(target)
    return Start(N.handoff_span_name(source, target), "action", attrs)


def handoff_end(data: Any) -> tuple[str, dict]:
    """The name again (the target is known only now) and the target."""
    source, target = getattr(data, "from_agent", None), getattr(data, "to_agent", None)
    return N.handoff_span_name(source, target), ({A.HANDOFF_TO_AGENT: str(target)} if target else {})


def guardrail_start(data: Any) -> Start:
    name = getattr(data, "name", None)
    return Start(N.guardrail_span_name(name), "action", {A.GUARDRAIL_NAME: str(name)} if name else {})


def guardrail_end(data: Any) -> dict:
    return {A.GUARDRAIL_TRIGGERED: bool(getattr(data, "triggered", False))}


def mcp_start(data: Any) -> Start:
    server = getattr(data, "server", None)
    return Start(N.mcp_list_tools_span_name(server), "action", {A.MCP_SERVER: str(server)} if server else {})


def mcp_end(data: Any) -> dict:
    tools = _names_list(getattr(data, "result", None))
    return {A.MCP_TOOLS: tools} if tools else {}


def other_start(kind: str, data: Any) -> Start:
    name = getattr(data, "name", None)
    return Start(N.sdk_span_name(kind, str(name) if name else None), "action", {A.AGENTS_SPAN_TYPE: kind})


def other_end(data: Any, capture: bool) -> dict:
    payload = getattr(data, "data", None)
    if capture and isinstance(payload, dict) and payload:
        return {A.OUTPUT: to_json(payload)}
    return {}


def error_attributes(error: Any) -> tuple[str, str] | None:
    """(error.type, description) of the SDK's ``SpanError`` (a message and a data dict)."""
    if not isinstance(error, dict):
        return None
    message = str(error.get("message") or "error")
    data = error.get("data")
    detail = data.get("error") if isinstance(data, dict) else None
    return message, f"{message}: {detail}" if detail else message
