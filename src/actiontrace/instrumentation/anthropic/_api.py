"""What the Anthropic instrumentation hands the GenAI call core: the provider (client readers:
provider name, server, Helicone session headers; which returned objects are streams and raw
responses) and the two operations a call can be, Messages and Text Completions."""

from __future__ import annotations

import importlib
from typing import Any

from ...genai._call import Provider
from ...genai._streams import ResultTypes
from . import _fields as F
from ._accumulate import MessageStreamAccumulator

SCOPE = "actiontrace.instrumentation.anthropic"  # an actiontrace.* scope: stamped by the starter

# Client classes whose name says which platform serves them, for clients without the
# ``_gen_ai_provider_name`` that 1.x clients carry.
_PLATFORMS = (("bedrock", "aws.bedrock"), ("vertex", "gcp.vertex_ai"))


def provider_of(client: Any) -> str:
    name = getattr(client, "_gen_ai_provider_name", None)
    if isinstance(name, str) and name:
        return name
    cls = type(client).__name__.lower()
    for marker, provider in _PLATFORMS:
        if marker in cls:
            return provider
    return "anthropic"


def _classes(module: str, name: str) -> tuple:
    try:
        return (getattr(importlib.import_module(module), name),)
    except (ImportError, AttributeError):
        return ()


def result_types() -> ResultTypes:
    """0.x: ``with_raw_response`` gives a ``LegacyAPIResponse``; 1.x and later give an
    ``APIResponse`` for both views (the wrapper tells them apart by the request's header)."""
    return ResultTypes(_classes("anthropic", "Stream"), _classes("anthropic", "AsyncStream"),
                       _classes("anthropic._legacy_response", "LegacyAPIResponse"),
                       _classes("anthropic._response", "APIResponse"),
                       _classes("anthropic._response", "AsyncAPIResponse"))


class AnthropicProvider(Provider):
    label = "Anthropic"
    scope = SCOPE

    def client(self, resource: Any) -> Any:
        return resource  # the wrapped method is the client's own request()

    def name(self, client: Any) -> str:
        return provider_of(client)



class Api:
    """One API (Messages or Text Completions), as the core's ``Operation``."""

    __slots__ = ("operation_name",)

    def __init__(self, operation: str) -> None:
        self.operation_name = operation

    @staticmethod
    def request_attributes(kwargs: dict, capture: bool) -> dict[str, Any]:
        return F.request_attributes(kwargs, capture)

    def response_outcome(self, value: Any, capture: bool) -> Any:
        if self.operation_name == F.TEXT_COMPLETION:
            return F.completion_outcome(value, capture)
        return F.message_outcome(value, capture)

    def stream_accumulator(self) -> MessageStreamAccumulator:
        return MessageStreamAccumulator(self.operation_name)


MESSAGES = Api(F.CHAT)
COMPLETIONS = Api(F.TEXT_COMPLETION)
provider = AnthropicProvider()  # one per process, as the instrumentor is; its wrappers hold it
