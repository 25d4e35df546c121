"""The one span starter. Decorators, facades and the GenAI instrumentations all start spans
here, so a span's error handling and base attributes live in one place."""

from __future__ import annotations

from contextvars import Token
from types import TracebackType
from typing import Any, Literal, Mapping

from opentelemetry import context as context_api
from opentelemetry import trace
from opentelemetry.trace import INVALID_SPAN, Span, SpanKind, Status, StatusCode

from .. import _settings
from .. import _vocabulary as A
from ..context import _stamping
from .._safety import tracing_failed
from .._version import __version__

INTERNAL = SpanKind.INTERNAL
CLIENT = SpanKind.CLIENT

# A ProxyTracer until the application sets the global provider; then the provider's own
# tracer, which is what the proxy forwards to anyway (one frame less a span). The global
# provider can be set only once, so the tracer never has to change back.
_tracer: trace.Tracer = trace.get_tracer(_stamping.TRACER_NAME, __version__)
_Proxy = trace.ProxyTracer


def _resolved_tracer() -> trace.Tracer:
    global _tracer, samples_all
    # Where OTEL_PYTHON_TRACER_PROVIDER is set, get_tracer_provider() would load that provider,
    # which the proxy never does by itself: keep the proxy then.
    if _settings.TRACER_PROVIDER.raw() is None:
        provider = trace.get_tracer_provider()
        if not isinstance(provider, trace.ProxyTracerProvider):
            _tracer = provider.get_tracer(_stamping.TRACER_NAME, __version__)
            samples_all = _samples_all(_tracer)
    return _tracer


def _samples_all(tracer: Any) -> bool:
    """Whether ``tracer`` is an SDK tracer whose sampler records every span but those of a
    parent sampled out (the SDK's default and ``always_on``): then a call's captured
    arguments are worth working out before its span starts (see ``_calls``)."""
    sampler = getattr(tracer, "sampler", None)  # public on the SDK's Tracer; absent elsewhere
    if sampler is None:
        return False
    try:
        from opentelemetry.sdk.trace import sampling
    except ImportError:
        return False
    return sampler is sampling.DEFAULT_ON or sampler is sampling.ALWAYS_ON


# Decided with the tracer: True only once it is an SDK tracer that samples everything.
samples_all = type(_tracer) is not _Proxy and _samples_all(_tracer)


def begin(
    name: str,
    *,
    span_type: str = "action",
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: Mapping[str, Any] | None = None,
    start_time: int | None = None,
    context: context_api.Context | None = None,
    tracer: trace.Tracer | None = None,
    captured: Mapping[str, Any] | None = None,
) -> Span:
    """Start a span (not made current) on ``tracer`` (default: the decorators' tracer, scope
    ``actiontrace``; an instrumentation passes its own). Attributes go in at start so samplers
    and ``on_start`` processors see them, session values and path included (``_stamping``);
    ``captured`` (a call's recorded arguments) come after those, where setting them just
    after the start would have put them. Never raises: a failure yields a non-recording span."""
    attrs = {A.SPAN_TYPE: span_type}
    if attributes:
        attrs.update(attributes)
    try:
        if _stamping.active():
            attrs.update(_stamping.stamps(name, attrs, context))
    except Exception:
        tracing_failed("stamp")
    if captured:
        attrs.update(captured)
    try:
        if tracer is None:
            tracer = _tracer if type(_tracer) is not _Proxy else _resolved_tracer()
        return tracer.start_span(name, context=context, kind=kind, attributes=attrs, start_time=start_time)
    except Exception:
        tracing_failed("begin")
        return INVALID_SPAN


def error_type(exc: BaseException) -> str:
    cls = type(exc)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def record_error(span: Span, exc: BaseException) -> None:
    """Exception event, ``error.type`` and status ERROR. GeneratorExit is a normal close, not an error."""
    if isinstance(exc, GeneratorExit) or not span.is_recording():
        return
    try:
        kind = error_type(exc)
        span.record_exception(exc, escaped=True)
        span.set_attribute(A.ERROR_TYPE, kind)
        span.set_status(Status(StatusCode.ERROR, f"{kind}: {exc}"))
    except Exception:
        tracing_failed("record_error")


def end_span(span: Span, end_time: int | None = None) -> None:
    """End ``span``; the SDK ignores (and warns on) a second end, so guard that here."""
    try:
        if getattr(span, "end_time", None) is None:
            span.end(end_time=end_time)
    except Exception:
        tracing_failed("end_span")


class traced:
    """Context manager (sync and async) that starts a span, makes it current, records an
    escaping exception and re-raises it untouched, and ends the span. Yields the span."""

    __slots__ = ("_name", "_span_type", "_kind", "_attributes", "_start_time", "_token", "span")

    def __init__(
        self,
        name: str,
        *,
        span_type: str = "action",
        kind: SpanKind = SpanKind.INTERNAL,
        attributes: Mapping[str, Any] | None = None,
        start_time: int | None = None,
    ) -> None:
        self._name = name
        self._span_type = span_type
        self._kind = kind
        self._attributes = attributes
        self._start_time = start_time
        self._token: Token[context_api.Context] | None = None
        self.span: Span = INVALID_SPAN

    def __enter__(self) -> Span:
        self.span = begin(
            self._name,
            span_type=self._span_type,
            kind=self._kind,
            attributes=self._attributes,
            start_time=self._start_time,
        )
        try:
            self._token = context_api.attach(trace.set_span_in_context(self.span))
        except Exception:
            tracing_failed("attach")
        return self.span

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> Literal[False]:
        if exc is not None:
            record_error(self.span, exc)
        if self._token is not None:
            try:
                context_api.detach(self._token)
            except Exception:
                tracing_failed("detach")
            self._token = None
        end_span(self.span)
        return False

    async def __aenter__(self) -> Span:
        return self.__enter__()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> Literal[False]:
        return self.__exit__(exc_type, exc, tb)
