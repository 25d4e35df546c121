"""mcp 2.x traces itself: one CLIENT span per request sent (``MCP send {method} {target}``) and one
SERVER span per request handled, with ``params._meta`` propagation. Adding spans of our own would
double them, so on 2.x the SDK's spans are completed instead, as they start: the client span gets
the conventions' name and the ``execute_tool``/tool/prompt attributes, both get our span type.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.sdk.trace import SpanProcessor
from opentelemetry.trace import SpanKind

from ... import _vocabulary as A
from ..._safety import tracing_failed
from ...context import _stamping
from . import _calls
from ._fields import PROMPTS_GET, TOOLS_CALL
from ..._naming import mcp_from_span_name as parse_span_name
from ..._naming import mcp_span_name as span_name

SDK_SCOPE = "mcp-python-sdk"
_SEND_PREFIX = "MCP send "


def completion(name: str, kind: SpanKind, attributes: Any) -> tuple[str | None, dict[str, Any]]:
    """The new name (None: keep it) and the attributes to add to an SDK span starting."""
    attributes = attributes or {}
    method = attributes.get(A.MCP_METHOD_NAME)
    if not isinstance(method, str):
        return None, {}
    add: dict[str, Any] = {A.SPAN_TYPE: "tool" if method == TOOLS_CALL else "mcp"}
    if kind != SpanKind.CLIENT:
        return None, add
    _, target = parse_span_name(name[len(_SEND_PREFIX):] if name.startswith(_SEND_PREFIX) else name)
    if target and target.startswith(method + " "):
        target = target[len(method) + 1:]
    if method == TOOLS_CALL:
        add[A.GEN_AI_OPERATION_NAME] = A.Operation.EXECUTE_TOOL.value
        if target:
            add[A.GEN_AI_TOOL_NAME] = target
    elif method == PROMPTS_GET and target:
        add[A.GEN_AI_PROMPT_NAME] = target
    return span_name(method, target), add


class NativeSpanCompleter(SpanProcessor):
    """Renames and completes the mcp SDK's own spans in ``on_start`` while instrumented."""

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        if not _calls.state.active:
            return
        try:
            scope = span.instrumentation_scope
            if scope is None or scope.name != SDK_SCOPE:
                return
            name, add = completion(span.name, span.kind, span.attributes)
            if name is not None and name != span.name:
                span.update_name(name)
            if add:
                span.set_attributes(add)
            if A.PATH in (span.attributes or {}):  # stamped before the rename: its last segment is stale
                stamped = _stamping.stamps(span.name, span.attributes, parent_context)
                span.set_attribute(A.PATH, stamped[A.PATH])
        except Exception:
            tracing_failed("mcp.native_span")

    def on_end(self, span: Any) -> None:
        pass

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


_added_to: set[int] = set()


def complete_native_spans(provider: Any) -> bool:
    """Add the completer to ``provider`` once (an SDK TracerProvider); False when it cannot be."""
    add = getattr(provider, "add_span_processor", None)
    if add is None:
        return False
    if id(provider) not in _added_to:
        add(NativeSpanCompleter())
        _added_to.add(id(provider))
    return True
