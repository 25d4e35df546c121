"""One traced call of a decorated function: start its span, capture arguments and
result, finish it. Shared by every callable shape (sync, async, generators)."""

from __future__ import annotations

import inspect
from contextvars import Token
from typing import Any

from opentelemetry import context as context_api
from opentelemetry import trace
from opentelemetry.trace import Span

from .. import _vocabulary as A
from .._vocabulary import TOOL_CALL_ID_KEY
from . import _capture
from .._naming import llm_span_name
from ..genai._providers import provider_for_model
from ._kinds import SpanSpec
from .._safety import tracing_failed
from ._totals import Totals, with_totals
from . import _starter
from ._starter import begin, end_span, record_error


class Binder:
    """Maps a call's positional and keyword arguments to parameter names, without the
    cost of ``inspect.Signature.bind`` on every call."""

    __slots__ = ("names", "var_positional", "method_like")

    def __init__(self, fn: Any) -> None:
        self.names: tuple[str, ...] = ()
        self.var_positional: str | None = None
        try:
            params = list(inspect.signature(fn).parameters.values())
        except (TypeError, ValueError):
            params = []
        positional = []
        for p in params:
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                positional.append(p.name)
            elif p.kind is p.VAR_POSITIONAL:
                self.var_positional = p.name
        self.method_like = bool(positional) and positional[0] in ("self", "cls")
        self.names = tuple(positional)

    def bind(
        self, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any], exclude: frozenset[str]
    ) -> dict[str, Any]:
        names = self.names
        if self.method_like:
            names = names[1:]
            if instance is None and args:  # called through the class: args[0] is self
                args = args[1:]
        bound = dict(zip(names, args))
        if len(args) > len(names):
            bound[self.var_positional or "args"] = list(args[len(names):])
        if kwargs:
            bound.update(kwargs)
        if exclude:
            for key in exclude:
                bound.pop(key, None)
        return bound


class _Unrecorded:
    """Calls whose span did not record (before configure(): no provider); configure() warns."""

    count = 0


unrecorded = _Unrecorded()


class Call:
    """The span of one call. ``start`` never raises; ``finish``/``fail`` end the span once."""

    __slots__ = ("spec", "span", "ctx", "totals")

    def __init__(self, spec: SpanSpec) -> None:
        self.spec = spec
        self.span: Span = trace.INVALID_SPAN
        self.ctx: context_api.Context | None = None
        self.totals: Totals | None = None

    def start(
        self,
        binder: Binder,
        instance: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        parent: context_api.Context | None = None,
    ) -> "Call":
        spec = self.spec
        try:
            if parent is None:
                # Looked up once and passed on: the SDK's start_span and sampler, the stamping
                # and set_span_in_context would each look the current context up again.
                parent = context_api.get_current()
            name = spec.name
            attrs = spec.attributes
            call_id = parent.get(TOOL_CALL_ID_KEY) if spec.genai_tool else None
            if call_id is not None or spec.model_from_call:
                attrs = dict(attrs)
                if call_id is not None:
                    attrs[A.GEN_AI_TOOL_CALL_ID] = str(call_id)
                if spec.model_from_call:
                    model = kwargs.get("model")
                    if model is None and "model" in binder.names:
                        model = binder.bind(instance, args, {}, frozenset()).get("model")
                    if isinstance(model, str) and model:
                        name = llm_span_name(spec.operation, model)
                        attrs[A.GEN_AI_REQUEST_MODEL] = model
                        provider = provider_for_model(model) if spec.provider_from_model else None
                        if provider:
                            attrs[A.GEN_AI_PROVIDER_NAME] = provider
            capture_input = _capture.settings.enabled if spec.capture_input is None else spec.capture_input
            captured = None
            if capture_input and _starter.samples_all:
                # The span will record: its arguments go in with its start attributes, one
                # SDK validation pass instead of a second, locked set_attributes (~11,000
                # instructions a call). Other samplers may drop the span: captured after.
                capture_input = False
                try:
                    captured = self._input(binder, instance, args, kwargs)
                except Exception:  # the span still starts, without them, as it would after
                    tracing_failed("Call.start")
            span = self.span = begin(name, span_type=spec.span_type, kind=spec.kind, attributes=attrs, context=parent,
                                     captured=captured)
            ctx = trace.set_span_in_context(span, parent)
            if call_id is not None:  # consumed: nested tools don't inherit it
                ctx = context_api.set_value(TOOL_CALL_ID_KEY, None, ctx)
            if spec.rolls_up:
                self.totals, ctx = with_totals(ctx, spec.max_iterations)
            self.ctx = ctx
            if not span.is_recording():
                unrecorded.count += 1
            elif capture_input:
                span.set_attributes(self._input(binder, instance, args, kwargs))
        except Exception:
            tracing_failed("Call.start")
        return self

    def _input(self, binder: Binder, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """The recorded arguments: one JSON text, under the GenAI name too for a tool."""
        data = _capture.to_json(binder.bind(instance, args, kwargs, self.spec.exclude))
        return {A.INPUT: data, A.GEN_AI_TOOL_CALL_ARGUMENTS: data} if self.spec.genai_tool else {A.INPUT: data}

    def attach(self) -> Token[context_api.Context] | None:
        """Make the span (and its totals) current; returns the token for :func:`detach`."""
        try:
            return context_api.attach(self.ctx) if self.ctx is not None else None
        except Exception:
            tracing_failed("Call.attach")
            return None

    def set_output(self, result: Any) -> None:
        span = self.span
        try:
            flag = self.spec.capture_output  # None: the global switch
            if (_capture.settings.enabled if flag is None else flag) and span.is_recording():
                data = _capture.to_json(result)
                if self.spec.genai_tool:
                    span.set_attributes({A.OUTPUT: data, A.GEN_AI_TOOL_CALL_RESULT: data})
                else:
                    span.set_attribute(A.OUTPUT, data)
        except Exception:
            tracing_failed("Call.set_output")

    def finish(self, exc: BaseException | None = None) -> None:
        if exc is not None:
            record_error(self.span, exc)
        if self.totals is not None:
            try:
                totals = self.totals.attributes()
                if totals and self.span.is_recording():
                    self.span.set_attributes(totals)
            except Exception:
                tracing_failed("Call.finish")
        end_span(self.span)


def detach(token: Token[context_api.Context] | None) -> None:
    """Undo :meth:`Call.attach` (a no-op for the None token of a failed attach)."""
    if token is not None:
        try:
            context_api.detach(token)
        except Exception:
            tracing_failed("detach")
