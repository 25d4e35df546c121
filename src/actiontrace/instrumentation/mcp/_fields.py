"""Field readers: what an MCP request, its result and its transport say, as span attributes.

Every reader takes whatever the SDK (or a caller) handed over and answers with plain values or
None; none raises, so a malformed request or result is reported as far as it can be and the
call itself is never disturbed.
"""

from __future__ import annotations

from typing import Any

from ... import _vocabulary as A
from ...spans import _capture
from ..._naming import mcp_span_name as span_name

TOOLS_CALL = "tools/call"
PROMPTS_GET = "prompts/get"
EXECUTE_TOOL = A.Operation.EXECUTE_TOOL.value
_URI_METHODS = ("resources/read", "resources/subscribe", "resources/unsubscribe",
                "notifications/resources/updated")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def method_of(request: Any) -> str | None:
    """The JSON-RPC method of a request model (``ClientRequest`` root or its inner model)."""
    return _text(getattr(request, "method", None))


def request_attributes(method: str, params: Any, request_id: Any) -> tuple[str, dict[str, Any]]:
    """The span name and the attributes a request gives at start, on either side."""
    attrs: dict[str, Any] = {A.MCP_METHOD_NAME: method}
    target = None
    if method == TOOLS_CALL:
        target = _text(getattr(params, "name", None))
        attrs[A.GEN_AI_OPERATION_NAME] = EXECUTE_TOOL
        if target:
            attrs[A.GEN_AI_TOOL_NAME] = target
    elif method == PROMPTS_GET:
        target = _text(getattr(params, "name", None))
        if target:
            attrs[A.GEN_AI_PROMPT_NAME] = target
    elif method in _URI_METHODS:
        uri = getattr(params, "uri", None)
        if uri is not None:
            attrs[A.MCP_RESOURCE_URI] = str(uri)
    if request_id is not None and isinstance(request_id, (int, str)) and not isinstance(request_id, bool):
        attrs[A.JSONRPC_REQUEST_ID] = str(request_id)
    return span_name(method, target), attrs


def arguments_json(method: str, params: Any) -> str | None:
    """Captured, redacted tool arguments (``tools/call`` only, and only when capture is on)."""
    if method != TOOLS_CALL or not _capture.capture_enabled():
        return None
    arguments = getattr(params, "arguments", None)
    return None if arguments is None else _capture.to_json(arguments)


def _dump(model: Any) -> Any:
    dump = getattr(model, "model_dump", None)
    return dump(mode="json", by_alias=True, exclude_none=True) if callable(dump) else model


def result_json(method: str, result: Any) -> str | None:
    """Captured, redacted tool result: the structured content when there is one, else the content."""
    if method != TOOLS_CALL or not _capture.capture_enabled():
        return None
    structured = getattr(result, "structuredContent", None)
    if structured is not None:
        return _capture.to_json(structured)
    content = getattr(result, "content", None)
    if content is None:
        return None
    return _capture.to_json([_dump(item) for item in content] if isinstance(content, list) else content)


def unwrap_result(result: Any) -> Any:
    """A ``ServerResult`` (a root model) holds the result itself in ``root``."""
    if type(result).__name__ in ("ServerResult", "ClientResult"):
        return getattr(result, "root", result)
    return result


def tool_error(result: Any) -> str | None:
    """The status message of a ``CallToolResult`` with ``isError`` set, else None."""
    if getattr(result, "isError", False) is not True:
        return None
    content = getattr(result, "content", None)
    if isinstance(content, list):
        for item in content:
            text = getattr(item, "text", None)
            if isinstance(text, str):
                return text[:1024]
    return A.MCP_TOOL_ERROR


def error_data(error: Any) -> tuple[str, str] | None:
    """``(code, message)`` of a JSON-RPC ``ErrorData``, else None."""
    if type(error).__name__ != "ErrorData":  # by name: a missing attribute on a pydantic model is slow
        return None
    code = getattr(error, "code", None)
    if not isinstance(code, int) or isinstance(code, bool):
        return None
    message = getattr(error, "message", None)
    return str(code), message if isinstance(message, str) else ""


def meta_carrier(meta: Any) -> dict[str, str]:
    """The string entries of a request's ``params._meta`` (a model with extra keys, or a dict)."""
    if meta is None:
        return {}
    values = meta if isinstance(meta, dict) else getattr(meta, "model_extra", None)
    if not isinstance(values, dict):
        return {}
    return {k: v for k, v in values.items() if isinstance(k, str) and isinstance(v, str)}


def http_request_attributes(request: Any) -> dict[str, Any]:
    """Server side of Streamable HTTP/SSE: the Starlette request the message arrived in."""
    attrs: dict[str, Any] = {}
    scope = getattr(request, "scope", None)
    if not isinstance(scope, dict) or scope.get("type") != "http":
        return attrs
    attrs[A.NETWORK_TRANSPORT] = "tcp"
    attrs[A.NETWORK_PROTOCOL_NAME] = "http"
    version = scope.get("http_version")
    if isinstance(version, str):
        attrs[A.NETWORK_PROTOCOL_VERSION] = version
    client = scope.get("client")
    if isinstance(client, (tuple, list)) and len(client) == 2:
        host, port = client
        if isinstance(host, str):
            attrs[A.CLIENT_ADDRESS] = host
            if isinstance(port, int):
                attrs[A.CLIENT_PORT] = port
    for name, value in scope.get("headers") or ():
        if name == b"mcp-session-id":
            attrs[A.MCP_SESSION_ID] = value.decode("latin-1")
    return attrs
