"""Optional W3C baggage propagation of session values to other services.

Off by default (baggage travels in request headers to every downstream service,
so it is opt-in): ``configure(session_baggage=True)`` or ``ACTIONTRACE_SESSION_BAGGAGE=true``.
When on, ``session()`` also puts its values in the OpenTelemetry baggage, which the
W3C propagator sends on outgoing requests; a service receiving them stamps them on
its spans through ``SessionSpanProcessor``.
"""

from __future__ import annotations

from typing import Any, Mapping

from opentelemetry import baggage
from opentelemetry import context as context_api

from .. import _settings
from .. import _vocabulary as A

_PREFIXES = (A.SESSION_ID, A.USER_ID, A.GEN_AI_CONVERSATION_ID, A.SESSION_NAME, A.SESSION_PATH, A.PROPERTY_PREFIX)

enabled: bool = _settings.SESSION_BAGGAGE.read()


def _ours(key: str) -> bool:
    return key.startswith(_PREFIXES)


def attach(attributes: Mapping[str, Any]):
    """Put session values in the baggage of the current context; returns a token or None."""
    if not enabled:
        return None
    ctx = context_api.get_current()
    for key, value in attributes.items():
        if _ours(key):
            ctx = baggage.set_baggage(key, str(value), ctx)
    return context_api.attach(ctx)


def detach(token) -> None:
    if token is not None:
        context_api.detach(token)


def session_attributes(ctx) -> dict[str, Any]:
    """Session values that arrived as baggage (e.g. from an upstream service)."""
    if not enabled:
        return {}
    return {k: v for k, v in baggage.get_all(ctx).items() if _ours(k)}
