"""Span names: built here, and parsed back here, so writer and readers cannot drift apart.

The GenAI conventions name a span ``{gen_ai.operation.name} {subject}``: ``execute_tool {tool}``,
``invoke_agent {agent}``, ``invoke_workflow {workflow}``, and ``{operation} {model}`` for an LLM
call (the operation alone while the model is unknown). A plain action keeps the name it was
given; a seed ``ActionTracer`` entry is ``{action}.{operation}``. An MCP request is
``{mcp.method.name} {target}``; the Agents SDK's spans without a convention (handoffs, guardrails,
MCP tool listings, custom spans) are ``{kind} {subject}``.
"""

from __future__ import annotations

from . import _vocabulary as A

_TOOL = A.Operation.EXECUTE_TOOL.value + " "
_AGENT = A.Operation.INVOKE_AGENT.value + " "
_WORKFLOW = A.Operation.INVOKE_WORKFLOW.value + " "


def tool_span_name(tool: str | None) -> str:
    return _TOOL + tool if tool else _TOOL[:-1]


def agent_span_name(agent: str | None) -> str:
    return _AGENT + agent if agent else _AGENT[:-1]


def workflow_span_name(workflow: str | None) -> str:
    return _WORKFLOW + workflow if workflow else _WORKFLOW[:-1]


def llm_span_name(operation: str, model: str | None) -> str:
    return f"{operation} {model}" if model else operation


def entry_span_name(action: str, operation: str | None) -> str:
    """The span of a seed ``ActionTracer.trace(action, operation=...)`` entry."""
    return f"{action}.{operation}" if operation else action


def _subject(name: str, prefix: str) -> str:
    if name == prefix[:-1]:  # the builder's name for an empty subject
        return ""
    return name[len(prefix):] if name.startswith(prefix) else name


def tool_from_span_name(name: str) -> str:
    """The tool of an ``execute_tool {tool}`` span; any other name as it is."""
    return _subject(name, _TOOL)


def agent_from_span_name(name: str) -> str:
    """The agent of an ``invoke_agent {agent}`` span; any other name as it is."""
    return _subject(name, _AGENT)



# --- MCP (conventions' mcp.md): the target only for methods with a low-cardinality one ---
MCP_TARGETED = ("tools/call", "prompts/get")


def mcp_span_name(method: str, target: str | None = None) -> str:
    return f"{method} {target}" if target and method in MCP_TARGETED else method


def mcp_from_span_name(name: str) -> tuple[str, str | None]:
    """``(method, target)`` of a name built by :func:`mcp_span_name` (method names hold no space)."""
    method, _, target = name.partition(" ")
    return method, (target or None)


# --- the Agents SDK's span kinds that the conventions do not name ----------------------
def handoff_span_name(from_agent: str | None, to_agent: str | None) -> str:
    if to_agent:
        return f"handoff {from_agent or '?'} -> {to_agent}"
    return f"handoff {from_agent}" if from_agent else "handoff"


def guardrail_span_name(name: str | None) -> str:
    return f"guardrail {name}" if name else "guardrail"


def mcp_list_tools_span_name(server: str | None) -> str:
    return f"mcp_list_tools {server}" if server else "mcp_list_tools"


def sdk_span_name(kind: str, name: str | None) -> str:
    """Custom spans and the kinds without a mapping of their own (speech, transcription, ...)."""
    return name if kind == "custom" and name else (f"{kind} {name}" if name else kind)
