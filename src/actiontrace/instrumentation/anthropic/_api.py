"""The two Anthropic APIs a call can be, as the call core sees them: the operation name, the
request and response readers, the stream accumulator, the client and its provider name,
and this instrumentation's own tracer (scope ``actiontrace.instrumentation.anthropic``)."""

from __future__ import annotations

from typing import Any

from opentelemetry import trace

from ..._version import __version__
from ...context import _stamping
from . import _fields as F
from ._accumulate import MessageStreamAccumulator

SCOPE = _stamping.starter_scope("actiontrace.instrumentation.anthropic")  # stamped by the starter
_TRACER = trace.get_tracer(SCOPE, __version__)

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


class Api:
    """One API (Messages or Text Completions); the wrapped ``request`` belongs to the client itself."""

    __slots__ = ("OPERATION", "TRACER")

    def __init__(self, operation: str) -> None:
        self.OPERATION = operation
        self.TRACER = _TRACER

    @staticmethod
    def client_of(client: Any) -> Any:
        return client

    @staticmethod
    def provider_name(client: Any) -> str:
        return provider_of(client)

    @staticmethod
    def request_attributes(kwargs: dict, capture: bool) -> dict[str, Any]:
        return F.request_attributes(kwargs, capture)

    def response_outcome(self, value: Any, capture: bool) -> Any:
        if self.OPERATION == F.TEXT_COMPLETION:
            return F.completion_outcome(value, capture)
        return F.message_outcome(value, capture)

    def accumulator(self) -> MessageStreamAccumulator:
        return MessageStreamAccumulator(self.OPERATION)


MESSAGES = Api(F.CHAT)
COMPLETIONS = Api(F.TEXT_COMPLETION)
