"""What each kind of Agents SDK span becomes: its name, span type, kind and attributes.

The SDK fills some fields only when its span ends (a function's output, a handoff's target,
a guardrail's outcome), so every kind has a start reader and an end reader.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from opentelemetry.trace import SpanKind

from ... import _vocabulary as A
from ...spans._capture import to_json
from . import _names

_EPOCH_ORDINAL = datetime(1970, 1, 1).toordinal()


def iso_ns(stamp: Any) -> int | None:
    """The SDK's ISO 8601 timestamp (UTC, microseconds) in nanoseconds since the epoch."""
    if not isinstance(stamp, str):
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    offset = moment.utcoffset()
    if offset is not None:
        moment = (moment - offset).replace(tzinfo=None)
    days = moment.toordinal() - _EPOCH_ORDINAL
    seconds = days * 86400 + moment.hour * 3600 + moment.minute * 60 + moment.second
    return seconds * 1_000_000_000 + moment.microsecond * 1000


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
    return Start(_names.workflow(name), "workflow", attrs, rolls_up=True)


def agent_start(data: Any) -> Start:
    name = getattr(data, "name", None)
    attrs: dict[str, Any] = {A.GEN_AI_OPERATION_NAME: A.Operation.INVOKE_AGENT.value}
    if name:
        attrs[A.GEN_AI_AGENT_NAME] = str(name)
    return Start(_names.agent(name), "agent", attrs, rolls_up=True)


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
    return Start(_names.tool(name), "tool", attrs)


def _captured(value: Any) -> str:
    return value if isinstance(value, str) else to_json(value)


def tool_end(data: Any, capture: bool) -> dict:
    attrs: dict[str, Any] = {}
    if capture:
        if getattr(data, "input", None) is not None:
            attrs[A.GEN_AI_TOOL_CALL_ARGUMENTS] = attrs[A.INPUT] = _captured(data.input)
        if getattr(data, "output", None) is not None:
            attrs[A.GEN_AI_TOOL_CALL_RESULT] = attrs[A.OUTPUT] = _captured(data.output)
    mcp = getattr(data, "mcp_data", None)
    if isinstance(mcp, dict) and mcp.get("server"):
        attrs[A.MCP_SERVER] = str(mcp["server"])
    return attrs


def handoff_start(data: Any) -> Start:
    source, target = getattr(data, "from_agent", None), getattr(data, "to_agent", None)
    attrs: dict[str, Any] = {}
    if source:
        attrs[A.HANDOFF_FROM_AGENT] = str(source)
    if target:
        attrs[A.HANDOFF_TO_AGENT] = str(target)
    return Start(_names.handoff(source, target), "action", attrs)


def handoff_end(data: Any) -> tuple[str, dict]:
    """The name again (the target is known only now) and the target."""
    source, target = getattr(data, "from_agent", None), getattr(data, "to_agent", None)
    return _names.handoff(source, target), ({A.HANDOFF_TO_AGENT: str(target)} if target else {})


def guardrail_start(data: Any) -> Start:
    name = getattr(data, "name", None)
    return Start(_names.guardrail(name), "action", {A.GUARDRAIL_NAME: str(name)} if name else {})


def guardrail_end(data: Any) -> dict:
    return {A.GUARDRAIL_TRIGGERED: bool(getattr(data, "triggered", False))}


def mcp_start(data: Any) -> Start:
    server = getattr(data, "server", None)
    return Start(_names.mcp_list_tools(server), "action", {A.MCP_SERVER: str(server)} if server else {})


def mcp_end(data: Any) -> dict:
    tools = _names_list(getattr(data, "result", None))
    return {A.MCP_TOOLS: tools} if tools else {}


def other_start(kind: str, data: Any) -> Start:
    name = getattr(data, "name", None)
    return Start(_names.other(kind, str(name) if name else None), "action", {A.AGENTS_SPAN_TYPE: kind})


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
