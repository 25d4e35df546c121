"""The client's own spans (``anthropic`` 1.x and later, scope ``com.anthropic.sdk.python``),
switched off where they would double ours.

Those clients start a CLIENT span per API call when they have a tracer, which their
``BaseClient._tracer`` property gives. While instrumented, that property answers ``None``
during a call we trace (and while instrumentation is suppressed, which the client's span
ignores), so such a call has exactly one span, ours. Calls we do not trace (files, models,
``count_tokens``...) keep the client's span. ``restore()`` puts the property back. Clients of the
0.x line have no such spans and nothing is changed.
"""

from __future__ import annotations

from typing import Any, Callable

from opentelemetry import context as context_api

_saved: tuple[type, Any] | None = None  # (class, the original property)


def disable(in_call: Any, suppressed: tuple) -> bool:
    """Install the gate; ``in_call`` is the context key set while our span is current,
    ``suppressed`` the keys of ``suppress_instrumentation``. True when the client has native spans."""
    global _saved
    if _saved is not None:
        return True
    try:
        from anthropic import _base_client
    except ImportError:
        return False
    base = getattr(_base_client, "BaseClient", None)
    original = base.__dict__.get("_tracer") if isinstance(base, type) else None
    if not isinstance(original, property) or original.fget is None:
        return False
    getter: Callable[[Any], Any] = original.fget

    def _tracer(client: Any) -> Any:
        ctx = context_api.get_current()
        if ctx.get(in_call) or any(ctx.get(key) for key in suppressed):
            return None
        return getter(client)

    _tracer.__doc__ = original.__doc__
    setattr(base, "_tracer", property(_tracer, original.fset, original.fdel, original.__doc__))
    _saved = (base, original)
    return True


def restore() -> None:
    global _saved
    if _saved is None:
        return
    base, original = _saved
    setattr(base, "_tracer", original)
    _saved = None


def active() -> bool:
    return _saved is not None
