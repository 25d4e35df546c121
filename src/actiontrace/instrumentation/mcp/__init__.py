"""OpenTelemetry instrumentation of the official ``mcp`` Python SDK, client and server.

Usage::

    from actiontrace.instrumentation.mcp import MCPInstrumentor

    MCPInstrumentor().instrument()   # or actiontrace.configure(), which does it when mcp is installed

Every request and notification a ``ClientSession`` sends becomes a CLIENT span and every one a
server (``FastMCP`` or the low-level ``Server``) handles becomes a SERVER span, both named
``{mcp.method.name} {target}`` with the MCP semantic-convention attributes (v1.41). The client
puts the trace context (and baggage) in ``params._meta`` and the server takes it from there, so
both sides of a call share one trace over stdio, Streamable HTTP and SSE alike. See docs/mcp.md.

Transport attributes (``network.transport``, ``server.address``...) are learnt from the SDK's
transport helpers, so instrument before the application imports ``stdio_client`` and friends by
name (``configure()`` at start-up does). Instrumenting before mcp is imported costs nothing:
the wrapping happens when the application first imports it.

mcp 2.x emits its own client and server spans; there the instrumentor adds none and completes
the SDK's instead (the conventions' client span name, ``execute_tool`` and tool/prompt names),
so each request is still exactly one client and one server span.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, Collection

from opentelemetry import trace
from opentelemetry.instrumentation.instrumentor import BaseInstrumentor

from ..._version import __version__
from .package import _instruments

__all__ = ["MCPInstrumentor"]


def _targets() -> list[tuple[str, str, str, Any]]:
    """(module, class, method, wrapper) for every method we wrap."""
    from . import _client, _server

    return [
        ("mcp.client.session", "ClientSession", "send_request", _client.send_request),
        ("mcp.client.session", "ClientSession", "send_notification", _client.send_notification),
        ("mcp.client.session", "ClientSession", "__aenter__", _client.session_enter),
        ("mcp.client.session", "ClientSession", "__aexit__", _client.session_exit),
        ("mcp.server.lowlevel.server", "Server", "_handle_request", _server.handle_request),
        ("mcp.server.lowlevel.server", "Server", "_handle_notification", _server.handle_notification),
        ("mcp.server.lowlevel.server", "Server", "run", _server.run),
        ("mcp.shared.session", "RequestResponder", "respond", _server.respond),
    ]


def _major_version() -> int:
    from importlib.metadata import version

    try:
        return int(version("mcp").split(".")[0])
    except Exception:
        return 1


class MCPInstrumentor(BaseInstrumentor):
    """Instruments the ``mcp`` session and server classes, so sessions and servers made before
    and after are covered. ``uninstrument()`` puts every original back."""

    # (class, method, what the class itself held before: None when the method was inherited)
    _wrapped: list[tuple[type, str, Any]] = []
    _pending: Any = None  # the import hook, while mcp is not imported yet

    def instrumentation_dependencies(self) -> Collection[str]:
        return _instruments

    def _instrument(self, **kwargs: Any) -> None:
        from . import _import_hook

        provider = kwargs.get("tracer_provider")
        if "mcp" in sys.modules:
            self._activate(provider)
        else:  # configure() in an application that may never import mcp: wait until it does
            MCPInstrumentor._pending = _import_hook.when_imported("mcp", lambda: self._activate(provider))

    def _activate(self, provider: Any) -> None:
        from . import _calls

        if _major_version() >= 2:
            from ._native import complete_native_spans

            complete_native_spans(provider or trace.get_tracer_provider())
            _calls.state.active = True
            return
        self._wrap_sdk(provider)

    def _wrap_sdk(self, provider: Any) -> None:
        import wrapt

        from . import _calls, _transport

        _calls.state.tracer = trace.get_tracer(_calls.SCOPE, __version__, tracer_provider=provider)
        for module_name, cls_name, method, wrapper in _targets():
            try:
                cls = getattr(importlib.import_module(module_name), cls_name)
            except (ImportError, AttributeError):
                continue
            original = getattr(cls, method, None)
            # Another instrumentation's wrapt wrapper is wrapped again; ours only once.
            if original is None or getattr(original, "_self_wrapper", None) is wrapper:
                continue
            MCPInstrumentor._wrapped.append((cls, method, cls.__dict__.get(method)))
            setattr(cls, method, wrapt.FunctionWrapper(original, wrapper))
        _transport.patch()
        _calls.state.active = True

    def _uninstrument(self, **kwargs: Any) -> None:
        from . import _calls, _import_hook, _transport

        _import_hook.cancel(MCPInstrumentor._pending)
        MCPInstrumentor._pending = None
        _calls.state.active = False
        _transport.unpatch()
        while MCPInstrumentor._wrapped:
            cls, method, own = MCPInstrumentor._wrapped.pop()
            if own is None:
                delattr(cls, method)  # inherited: the base class's method shows through again
            else:
                setattr(cls, method, own)

    @staticmethod
    def wrapped_methods() -> list[str]:
        """``module.Class.method`` of every method currently wrapped."""
        return [f"{cls.__module__}.{cls.__qualname__}.{method}" for cls, method, _ in MCPInstrumentor._wrapped]
