"""MCP span names, built and parsed in one place: ``{mcp.method.name} {target}``, where the
target is the tool name for ``tools/call`` and the prompt name for ``prompts/get``."""

from __future__ import annotations

# Methods whose span name carries a low-cardinality target; resource URIs never do.
TARGETED = ("tools/call", "prompts/get")


def span_name(method: str, target: str | None = None) -> str:
    return f"{method} {target}" if target and method in TARGETED else method


def parse_span_name(name: str) -> tuple[str, str | None]:
    """``(method, target)`` of a name built by :func:`span_name` (method names hold no space)."""
    method, _, target = name.partition(" ")
    return method, (target or None)
