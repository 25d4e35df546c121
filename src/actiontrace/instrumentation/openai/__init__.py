"""OpenTelemetry instrumentation of the official ``openai`` Python client (1.x, 2.x, 3.x).

Usage::

    from actiontrace.instrumentation.openai import OpenAIInstrumentor

    OpenAIInstrumentor().instrument()          # or actiontrace.configure(), which does it for you
    client = openai.OpenAI()
    client.chat.completions.create(model="gpt-4o-mini", messages=[...])   # -> one "chat gpt-4o-mini" span

Every Chat Completions ``create``/``parse``, Responses ``create``/``parse``/``retrieve`` (and so
``stream``), Embeddings ``create`` and legacy Completions ``create`` call, sync or async, plain,
``with_raw_response`` or ``with_streaming_response``, becomes one CLIENT span following the
OpenTelemetry GenAI semantic conventions, started through actiontrace's span starter. The span's
lifecycle (usage, cost, roll-ups, metrics, streams) is the provider-neutral ``actiontrace.genai``
core; this package holds the wrappers' targets and the OpenAI field readers.

Options of ``instrument()``:

- ``tracer_provider`` / ``meter_provider``: where the spans (scope
  ``actiontrace.instrumentation.openai``) and the GenAI metrics go; default the global ones
  (metrics: the provider ``actiontrace.configure()`` built, else the global one).
- ``capture_content``: where message content goes: True/False, a content mode (``"event_only"``,
  ``"span_and_event"``, ...: docs/configuration.md), or a zero-argument callable asked per call
  whether it goes on the span (``actiontrace.configure()`` hands over its own switch). Default: the
  OpenTelemetry GenAI variable ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`` (off when unset).
- ``logger_provider``: where the GenAI events go (default: the global one), when the mode or
  ``OTEL_INSTRUMENTATION_GENAI_EMIT_EVENT`` turns them on.
- ``suppress_http_instrumentation`` (default True): HTTP client spans (httpx) under an OpenAI call
  are suppressed, so one call is one span.
- ``stream_include_usage`` (default False): add ``stream_options={"include_usage": True}`` to
  streamed chat/legacy completion requests that lack it, so streamed spans get token counts.
  Off by default because some OpenAI-compatible servers reject the field.

Prices for ``actiontrace.cost.usd`` come from a shipped table; change them with :func:`set_prices`.
"""

from __future__ import annotations

import importlib
from typing import Any, Collection

from opentelemetry.instrumentation.instrumentor import BaseInstrumentor

from ...genai._cost import prices_version, set_prices
from .package import _instruments

__all__ = ["OpenAIInstrumentor", "set_prices", "prices_version"]

SCOPE = __name__  # the tracer scope of every OpenAI span: "actiontrace.instrumentation.openai"


def _targets() -> list[tuple[str, str, str, Any, bool]]:
    """(module, class, method, operation, is_async) for every method we wrap."""
    from . import _chat, _completions, _embeddings, _responses

    targets = []
    for module, base, operation, methods in (
        ("openai.resources.chat.completions", "Completions", _chat, ("create", "parse")),
        ("openai.resources.beta.chat.completions", "Completions", _chat, ("parse",)),  # 1.x before parse left beta
        ("openai.resources.responses", "Responses", _responses, ("create", "parse", "retrieve")),
        ("openai.resources.embeddings", "Embeddings", _embeddings, ("create",)),
        ("openai.resources.completions", "Completions", _completions, ("create",)),
    ):
        for method in methods:
            targets.append((module, base, method, operation, False))
            targets.append((module, "Async" + base, method, operation, True))
    return targets


def _enable(kwargs: dict) -> Any:
    """Hand the provider its dependencies, made from the ``instrument()`` options."""
    from opentelemetry import trace

    from ..._version import __version__
    from ...genai._call import capture_switch, content_mode_of
    from ...genai._metrics import Recorder
    from ._provider import provider

    provider.enable(
        tracer=trace.get_tracer(SCOPE, __version__, tracer_provider=kwargs.get("tracer_provider")),
        capture=capture_switch(kwargs.get("capture_content")),
        content_mode=content_mode_of(kwargs.get("capture_content")), logger_provider=kwargs.get("logger_provider"),
        metrics=Recorder(kwargs.get("meter_provider")),
        suppress_http=bool(kwargs.get("suppress_http_instrumentation", True)),
        stream_include_usage=bool(kwargs.get("stream_include_usage", False)),
    )
    return provider


class OpenAIInstrumentor(BaseInstrumentor):
    """Instruments the ``openai`` client classes, so clients made before and after are covered."""

    _wrapped: list[tuple[type, str]] = []

    def instrumentation_dependencies(self) -> Collection[str]:
        return _instruments

    def instrument(self, **kwargs: Any) -> Any:
        """Instrument; called again while instrumented, its options apply (never silently kept)."""
        if not self.is_instrumented_by_opentelemetry:
            return super().instrument(**kwargs)
        from ._provider import provider

        provider.set_options(kwargs)
        return None

    def _instrument(self, **kwargs: Any) -> None:
        import wrapt

        from ...genai._wrappers import async_wrapper, sync_wrapper

        provider = _enable(kwargs)
        seen: set[int] = set()
        for module_name, cls_name, method, operation, is_async in _targets():
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            cls = getattr(module, cls_name, None)
            original = cls.__dict__.get(method) if isinstance(cls, type) else None
            if original is None or id(original) in seen:
                continue
            seen.add(id(original))
            factory = async_wrapper if is_async else sync_wrapper
            wrapt.wrap_function_wrapper(cls, method, factory(provider, operation))
            OpenAIInstrumentor._wrapped.append((cls, method))

    def _uninstrument(self, **kwargs: Any) -> None:
        from opentelemetry.instrumentation.utils import unwrap

        from ._provider import provider

        provider.disable()  # wrappers captured earlier (cached bound methods) pass through from now on
        while OpenAIInstrumentor._wrapped:
            cls, method = OpenAIInstrumentor._wrapped.pop()
            unwrap(cls, method)

    @staticmethod
    def wrapped_methods() -> list[str]:
        """``module.Class.method`` of every method currently wrapped."""
        return [f"{cls.__module__}.{cls.__qualname__}.{method}" for cls, method in OpenAIInstrumentor._wrapped]
