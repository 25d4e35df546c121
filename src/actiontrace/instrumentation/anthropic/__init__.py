"""OpenTelemetry instrumentation of the official ``anthropic`` Python client (0.x, 1.x, 2.x).

Usage::

    from actiontrace.instrumentation.anthropic import AnthropicInstrumentor

    AnthropicInstrumentor().instrument()       # or actiontrace.configure(), which does it for you
    client = anthropic.Anthropic()
    client.messages.create(model="claude-haiku-4-5", max_tokens=256, messages=[...])  # -> one "chat claude-haiku-4-5" span

Every Messages call (``create``, ``create(stream=True)``, ``stream()``, ``parse``, the ``beta``
ones, ``with_raw_response`` / ``with_streaming_response``) and every legacy Text Completions
call, sync or async, of ``Anthropic``, ``AnthropicBedrock``, ``AnthropicVertex`` and their async
clients becomes one CLIENT span following the OpenTelemetry GenAI conventions (Anthropic page),
scope ``actiontrace.instrumentation.anthropic``. ``count_tokens`` gets no span of ours: it is
no inference (a client with native spans keeps its own span for it).

``instrument()`` before anything imported ``anthropic`` waits for that import (``configure()``
then costs nothing to applications that have the client installed and never use it).

The client's own spans (``anthropic`` 1.x and later) are switched off for the calls traced
here, so each call has one span; ``uninstrument()`` switches them back on.

Options of ``instrument()``, as for OpenAI: ``suppress_http_instrumentation`` (default True):
HTTP client spans under a call are suppressed; ``capture_content`` (a bool, a content mode such
as ``"event_only"``, a callable asked per call, or None:
``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT``; ``configure()`` hands its own switch);
``tracer_provider``, ``meter_provider``, ``logger_provider`` (the GenAI events').
"""

from __future__ import annotations

from typing import Any, Collection

from opentelemetry.instrumentation.instrumentor import BaseInstrumentor

from .package import _instruments

__all__ = ["AnthropicInstrumentor"]

# (module, class): the clients' request methods, through which every API call goes.
_TARGETS = (("anthropic._base_client", "SyncAPIClient", False), ("anthropic._base_client", "AsyncAPIClient", True))


class AnthropicInstrumentor(BaseInstrumentor):
    """Instruments the ``anthropic`` client classes, so clients made before and after are covered."""

    _wrapped: list[tuple[type, str]] = []
    _pending: Any = None  # the import hook, while anthropic is not imported yet

    def instrumentation_dependencies(self) -> Collection[str]:
        return _instruments

    def _instrument(self, **kwargs: Any) -> None:
        import sys

        from opentelemetry import trace

        from ..._version import __version__
        from ...genai._call import capture_switch, content_mode_of
        from ...genai._metrics import Recorder
        from ..mcp import _import_hook
        from ._api import SCOPE, provider

        provider.enable(
            tracer=trace.get_tracer(SCOPE, __version__, tracer_provider=kwargs.get("tracer_provider")),
            capture=capture_switch(kwargs.get("capture_content")),
            content_mode=content_mode_of(kwargs.get("capture_content")),
            logger_provider=kwargs.get("logger_provider"),
            metrics=Recorder(kwargs.get("meter_provider")),
            suppress_http=bool(kwargs.get("suppress_http_instrumentation", True)),
        )
        if "anthropic" in sys.modules:
            self._activate()
        else:  # an application that may never import anthropic: wait until it does
            AnthropicInstrumentor._pending = _import_hook.when_imported("anthropic", self._activate)

    def _activate(self) -> None:
        import importlib

        import wrapt

        from ...genai._call import IN_CALL
        from . import _native, _wrappers
        from ._api import result_types

        provider = _wrappers.provider
        provider.result_types = result_types()
        for module_name, cls_name, is_async in _TARGETS:
            try:
                cls = getattr(importlib.import_module(module_name), cls_name)
            except (ImportError, AttributeError):
                continue
            if "request" not in cls.__dict__ or hasattr(cls.__dict__["request"], "__wrapped__"):
                continue
            wrapt.wrap_function_wrapper(cls, "request", _wrappers.async_request if is_async else _wrappers.sync_request)
            AnthropicInstrumentor._wrapped.append((cls, "request"))
        _native.disable(IN_CALL, _wrappers.SUPPRESSED)

    def _uninstrument(self, **kwargs: Any) -> None:
        from opentelemetry.instrumentation.utils import unwrap

        from ..mcp import _import_hook
        from . import _native, _wrappers

        _import_hook.cancel(AnthropicInstrumentor._pending)
        AnthropicInstrumentor._pending = None
        _wrappers.provider.disable()  # a wrapper still referenced somewhere passes through from now on
        _native.restore()
        while AnthropicInstrumentor._wrapped:
            cls, method = AnthropicInstrumentor._wrapped.pop()
            unwrap(cls, method)

    @staticmethod
    def wrapped_methods() -> list[str]:
        """``module.Class.method`` of every method currently wrapped."""
        return [f"{cls.__module__}.{cls.__qualname__}.{method}" for cls, method in AnthropicInstrumentor._wrapped]

    @staticmethod
    def native_spans_disabled() -> bool:
        """Whether the client's own spans are switched off (only clients that have them)."""
        from . import _native

        return _native.active()
