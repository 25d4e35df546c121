"""Span names: built here, and parsed back here, so writer and readers cannot drift apart.

The GenAI conventions name a span ``{gen_ai.operation.name} {subject}``: ``execute_tool {tool}``,
``invoke_agent {agent}``, ``invoke_workflow {workflow}``, and ``{operation} {model}`` for an LLM
call (the operation alone while the model is unknown). A plain action keeps the name it was
given; a seed ``ActionTracer`` entry is ``{action}.{operation}``.
"""

from __future__ import annotations

from . import _vocabulary as A

_TOOL = A.Operation.EXECUTE_TOOL.value + " "
_AGENT = A.Operation.INVOKE_AGENT.value + " "
_WORKFLOW = A.Operation.INVOKE_WORKFLOW.value + " "


def tool_span_name(tool: str) -> str:
    return _TOOL + tool


def agent_span_name(agent: str) -> str:
    return _AGENT + agent


def workflow_span_name(workflow: str) -> str:
    return _WORKFLOW + workflow


def llm_span_name(operation: str, model: str | None) -> str:
    return f"{operation} {model}" if model else operation


def entry_span_name(action: str, operation: str | None) -> str:
    """The span of a seed ``ActionTracer.trace(action, operation=...)`` entry."""
    return f"{action}.{operation}" if operation else action


def _subject(name: str, prefix: str) -> str:
    return name[len(prefix):] if name.startswith(prefix) else name


def tool_from_span_name(name: str) -> str:
    """The tool of an ``execute_tool {tool}`` span; any other name as it is."""
    return _subject(name, _TOOL)


def agent_from_span_name(name: str) -> str:
    """The agent of an ``invoke_agent {agent}`` span; any other name as it is."""
    return _subject(name, _AGENT)

