"""What the OpenAI instrumentation hands the GenAI call core: the client readers (provider
name, server, Helicone session headers), which returned objects are streams, and the
``stream_include_usage`` request edit."""

from __future__ import annotations

import importlib
from typing import Any

from ...genai._call import Provider
from ...genai._streams import ResultTypes
from . import _chat, _completions
from ...genai._fields import given


def _classes(module: str, name: str) -> tuple:
    """``(module.name,)`` of the installed client; empty where this client version lacks it."""
    try:
        return (getattr(importlib.import_module(module), name),)
    except (ImportError, AttributeError):
        return ()


def _result_types() -> ResultTypes:
    return ResultTypes(_classes("openai", "Stream"), _classes("openai", "AsyncStream"),
                       _classes("openai._legacy_response", "LegacyAPIResponse"),
                       _classes("openai._response", "APIResponse"), _classes("openai._response", "AsyncAPIResponse"))


def _include_usage(operation: Any, kwargs: dict) -> None:
    """Ask for token counts in streamed chat/legacy completions that did not say."""
    if (operation is _chat or operation is _completions) and kwargs.get("stream") is True \
            and not given(kwargs.get("stream_options")):
        kwargs["stream_options"] = {"include_usage": True}


class OpenAIProvider(Provider):
    label = "OpenAI"
    scope = "actiontrace.instrumentation.openai"  # its tracer's scope (the package's SCOPE)

    def enable(self, *, stream_include_usage: bool = False, **dependencies: Any) -> None:
        """The core's ``enable()`` plus the OpenAI option; reads the installed client's classes."""
        self.result_types = _result_types()
        self.prepare = _include_usage if stream_include_usage else None
        super().enable(**dependencies)

    def set_options(self, options: dict) -> None:
        """``instrument()`` called again while instrumented: the options it names apply now."""
        if "suppress_http_instrumentation" in options:
            self.suppress_http = bool(options["suppress_http_instrumentation"])
        if "stream_include_usage" in options:
            self.prepare = _include_usage if options["stream_include_usage"] else None

    def name(self, client: Any) -> str:
        return "azure.ai.openai" if "azure" in type(client).__name__.lower() else "openai"



provider = OpenAIProvider()  # one per process, as the instrumentor is; its wrappers hold it
