"""Span names for the Agents SDK's spans (GenAI names where the conventions have them)."""

from __future__ import annotations


def workflow(name: str | None) -> str:
    return f"invoke_workflow {name}" if name else "invoke_workflow"


def agent(name: str | None) -> str:
    return f"invoke_agent {name}" if name else "invoke_agent"


def tool(name: str | None) -> str:
    return f"execute_tool {name}" if name else "execute_tool"


def chat(model: str | None) -> str:
    return f"chat {model}" if model else "chat"


def handoff(from_agent: str | None, to_agent: str | None) -> str:
    if to_agent:
        return f"handoff {from_agent or '?'} -> {to_agent}"
    return f"handoff {from_agent}" if from_agent else "handoff"


def guardrail(name: str | None) -> str:
    return f"guardrail {name}" if name else "guardrail"


def mcp_list_tools(server: str | None) -> str:
    return f"mcp_list_tools {server}" if server else "mcp_list_tools"


def other(kind: str, name: str | None) -> str:
    """Custom spans and the kinds without a mapping of their own (speech, transcription, ...)."""
    return name if kind == "custom" and name else (f"{kind} {name}" if name else kind)
