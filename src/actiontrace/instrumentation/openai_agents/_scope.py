"""While the SDK has one of its spans (or its trace) current, the matching OpenTelemetry span
is current too: model calls, ``@actiontrace`` decorators and other instrumentations inside a
tool or an agent then nest under it.

The SDK makes its spans current in ``Scope.set_current_span`` and undoes it in
``Scope.reset_current_span`` with the token it got, in the same task; our context is
attached and detached at exactly those two points, so it follows the SDK's own discipline
(spans the SDK starts without making them current leave our context alone too).
"""

from __future__ import annotations

from typing import Any

from opentelemetry import context as context_api

from ..._safety import log_once

_originals: dict[str, Any] = {}
# id of the SDK's token -> (its token, ours); tokens are unhashable, and holding the token keeps its id unique
_tokens: dict[int, tuple[Any, Any]] = {}
_MAX_TOKENS = 4096  # tokens of spans the SDK never reset: bounded, never a leak


def _attaching(original: Any, nodes: dict, key: str) -> Any:
    """``nodes``: the processor's SDK id -> node; ``key``: the id's attribute on the item."""
    func = original.__func__

    def set_current(cls: Any, item: Any) -> Any:
        token = func(cls, item)
        try:
            node = nodes.get(getattr(item, key, None))
            if node is not None and node.own:
                if len(_tokens) >= _MAX_TOKENS:
                    _tokens.clear()
                _tokens[id(token)] = (token, context_api.attach(node.ctx))
        except Exception:
            log_once("openai_agents.attach", "actiontrace: could not make an Agents SDK span current")
        return token

    return classmethod(set_current)


def _detaching(original: Any) -> Any:
    func = original.__func__

    def reset_current(cls: Any, token: Any) -> Any:
        held = _tokens.pop(id(token), None)
        if held is not None and held[0] is token:
            try:
                context_api.detach(held[1])
            except Exception:
                log_once("openai_agents.detach", "actiontrace: could not detach an Agents SDK span")
        return func(cls, token)

    return classmethod(reset_current)


def install(spans: dict, traces: dict) -> None:
    """``spans``/``traces``: the processor's nodes by the SDK's span and trace ids."""
    from agents.tracing.scope import Scope

    if _originals:
        return
    for name in ("set_current_span", "reset_current_span", "set_current_trace", "reset_current_trace"):
        _originals[name] = Scope.__dict__[name]
    Scope.set_current_span = _attaching(_originals["set_current_span"], spans, "span_id")
    Scope.reset_current_span = _detaching(_originals["reset_current_span"])
    Scope.set_current_trace = _attaching(_originals["set_current_trace"], traces, "trace_id")
    Scope.reset_current_trace = _detaching(_originals["reset_current_trace"])


def uninstall() -> None:
    from agents.tracing.scope import Scope

    for name, original in _originals.items():
        setattr(Scope, name, original)
    _originals.clear()
    _tokens.clear()
