"""GenAI events: one ``gen_ai.client.inference.operation.details`` log record per inference.

Emitted through the OpenTelemetry Logs API, in the context of the call's span (so the record
carries its trace and span ids), with the request and response attributes the conventions list
for the event and, when the content mode puts content in events, the input and output
messages, system instructions and tool definitions as structured values (AnyValue lists and
maps, not JSON strings).

Off by default. :data:`on` is the one bool the call core checks per call; everything else here
runs only when it is True. :func:`setup` decides it: ``configure()`` calls it with its
LoggerProvider and content mode; an instrumentation being enabled calls it from the
environment (``OTEL_INSTRUMENTATION_GENAI_EMIT_EVENT``, else whether
``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`` names events), unless ``configure()``
already decided. Where the content goes per call: the provider's capture switch says whether it
goes on the span; this module says whether it goes in the event.
"""

from __future__ import annotations

import time
from typing import Any

from opentelemetry import trace

from .. import _settings
from .. import _vocabulary as A
from .._safety import log_once
from .._settings import ContentMode

CONTENT_KEYS = (A.GEN_AI_INPUT_MESSAGES, A.GEN_AI_OUTPUT_MESSAGES, A.GEN_AI_SYSTEM_INSTRUCTIONS,
                A.GEN_AI_TOOL_DEFINITIONS)
# What of a call's attributes the event carries: the GenAI ones, the server's and the error type.
_EVENT_PREFIXES = ("gen_ai.", "server.", A.ERROR_TYPE)

on = False  # events are emitted: the call core's one check


class _State:
    def __init__(self) -> None:
        self.logger_provider: Any = None  # None: the global one, looked up per logger
        self.content = False  # content goes in events
        self.configured = False  # decided by configure(): enabling an instrumentation keeps it
        self.redact = True  # the records go to a pipeline that does not redact: redact before emitting
        self.loggers: dict[str, Any] = {}


_state = _State()


def setup(*, logger_provider: Any = None, mode: ContentMode | None = None, emit: bool | None = None,
          configured: bool = False, redacting: bool = False) -> bool:
    """Decide whether events are emitted, into which LoggerProvider (None: the global one) and
    with content or not; returns the decision. ``mode`` None: the environment's (else
    ``NO_CONTENT``); ``emit`` None: ``OTEL_INSTRUMENTATION_GENAI_EMIT_EVENT``, else whether the
    mode puts content in events. A call that is not ``configured`` leaves configure()'s decision.
    ``redacting``: every processor of the provider redacts (configure()'s own); else each record is
    redacted before it is emitted, so a pipeline we did not build (zero-code, the application's)
    never sees a secret either."""
    global on
    if _state.configured and not configured:
        return on
    if mode is None:
        mode = _settings.genai_content_mode() or ContentMode.NO_CONTENT
    if emit is None:
        emit = _settings.genai_emit_event()
    if emit is None:
        emit = mode.in_event
    _state.logger_provider = logger_provider
    _state.content = bool(emit) and mode.in_event
    _state.configured = configured
    _state.redact = not redacting
    _state.loggers = {}
    on = bool(emit)
    return on


def reset() -> None:
    """Events off and every decision forgotten (``shutdown()``, tests)."""
    global on
    on = False
    _state.__init__()


def content_in_events() -> bool:
    return on and _state.content


def _logger(scope: str) -> Any:
    logger = _state.loggers.get(scope)
    if logger is None:
        from opentelemetry import _logs

        from .._version import __version__

        provider = _state.logger_provider
        if provider is None:
            logger = _logs.get_logger(scope, __version__)  # follows the global provider, even a later one
        else:
            logger = provider.get_logger(scope, __version__)
        _state.loggers[scope] = logger
    return logger


class Pending:
    """What a call started with events on keeps for its event: the request's attributes (content
    structured) and whether content also goes on the span."""

    __slots__ = ("request", "span_content")

    def __init__(self, request: dict, span_content: bool) -> None:
        self.request = request
        self.span_content = span_content


def _event_attributes(attrs: dict) -> dict:
    return {k: v for k, v in attrs.items() if k.startswith(_EVENT_PREFIXES)}


def begin(call: Any, kwargs: dict, attrs: dict) -> Pending | None:
    """Called by a starting call (before its content is encoded for the span): keep the request
    side of the event. Content for the event alone is read here, and the call then reads the
    response's content too (``call.capture``). Never raises (None: no event for this call)."""
    try:
        span_content = bool(call.capture)
        request = _event_attributes(attrs)
        if _state.content and not span_content:
            content = call.operation.request_attributes(kwargs, True)
            request.update((k, content[k]) for k in CONTENT_KEYS if k in content)
            call.capture = True
        elif not _state.content:
            for key in CONTENT_KEYS:
                request.pop(key, None)
        return Pending(request, span_content)
    except Exception:
        log_once("genai.events.begin", "actiontrace: could not prepare a GenAI event; the call is unaffected")
        return None


def finish(call: Any, attrs: dict, end_time: int | None) -> None:
    """Called once as the call's outcome is recorded, before ``attrs`` go on the span: content
    read for the event alone leaves ``attrs``, and the event is emitted. Never raises."""
    pending = call.event
    taken = {}
    if not pending.span_content:
        for key in CONTENT_KEYS:
            if key in attrs:
                taken[key] = attrs.pop(key)
    try:
        record = pending.request
        record.update(_event_attributes(attrs))
        if _state.content:
            record.update(taken)
        else:
            for key in CONTENT_KEYS:
                record.pop(key, None)
        _emit(call, record, end_time or time.time_ns())
    except Exception:
        log_once("genai.events.emit", "actiontrace: could not emit a GenAI event; the call is unaffected")


def _emit(call: Any, attributes: dict, timestamp: int) -> None:
    logger = _logger(getattr(call.provider, "scope", None) or A.EVENTS_SCOPE)
    if _state.redact:
        from ..redaction._logs import redacted_attributes

        attributes = redacted_attributes(attributes)
    logger.emit(timestamp=timestamp, observed_timestamp=time.time_ns(),
                context=trace.set_span_in_context(call.span), event_name=A.GEN_AI_INFERENCE_DETAILS_EVENT,
                attributes=attributes)
