"""AgentOps-style events: ``@record_action(event_type)`` and ``record(Event(...))``.

``record_action`` is the core ``action`` decorator with the event type as span name,
so nested decorated or instrumented calls become its children (the "replay graph").
``record`` emits an ``Event`` as a span through the core span starter, timed from the
event's creation to the moment it is recorded.
"""

from __future__ import annotations

import enum
import time
from typing import Any, Dict, List, Optional, TypeVar, Union

from opentelemetry.trace import SpanKind, Status, StatusCode

from .. import _vocabulary as A
from ..spans import _capture
from ..spans._decorators import Decorator
from ..spans._decorators import action as _action
from .._naming import llm_span_name
from .._safety import tracing_failed
from ..spans._starter import begin, end_span


class EventState(str, enum.Enum):
    SUCCESS = "Success"
    FAIL = "Fail"
    INDETERMINATE = "Indeterminate"


class ActionType(str, enum.Enum):
    ACTION = "action"
    LLM = "llm"
    API = "api"
    SCREENSHOT = "screenshot"


E = TypeVar("E", EventState, ActionType)


def _coerce(enum_cls: type[E], value: object, field: str) -> E:
    if isinstance(value, enum_cls):
        return value
    if isinstance(value, str):
        for member in enum_cls:
            if value.lower() in (member.value.lower(), member.name.lower()):
                return member
    choices = ", ".join(repr(m.value) for m in enum_cls)
    raise ValueError(f"Event {field} must be one of {choices}, got {value!r}")


class Event:
    """A discrete event. ``timestamp`` (epoch seconds) is set at creation; ``end_timestamp``
    when it is recorded, unless set before. With ``model`` set and no ``action_type``,
    the action type is ``ActionType.LLM``."""

    def __init__(
        self,
        event_type: str,
        params: Optional[Dict[str, Any]] = None,
        returns: Optional[Any] = None,
        result: Union[EventState, str] = EventState.INDETERMINATE,
        action_type: Union[ActionType, str, None] = None,
        model: Optional[str] = None,
        prompt: Optional[Any] = None,
        tags: Optional[List[str]] = None,
    ) -> None:
        if not isinstance(event_type, str) or not event_type:
            raise ValueError(f"Event event_type must be a non-empty string, got {event_type!r}")
        self.event_type = event_type
        self.params = params
        self.returns = returns
        self.result = _coerce(EventState, result, "result")
        if action_type is None:
            action_type = ActionType.LLM if model else ActionType.ACTION
        self.action_type = _coerce(ActionType, action_type, "action_type")
        self.model = None if model is None else str(getattr(model, "value", model))
        self.prompt = prompt
        self.tags = None if tags is None else [str(t) for t in ([tags] if isinstance(tags, str) else tags)]
        self.timestamp: float = time.time()
        self.end_timestamp: Optional[float] = None

    def __repr__(self) -> str:
        return (f"Event(event_type={self.event_type!r}, result={self.result.value!r}, "
                f"action_type={self.action_type.value!r}, model={self.model!r}, tags={self.tags!r})")


def _prompt_messages(prompt: Any) -> str:
    # A plain prompt becomes one user message in the GenAI message format.
    if isinstance(prompt, str):
        prompt = [{"role": "user", "parts": [{"type": "text", "content": prompt}]}]
    return _capture.to_json(prompt)


def _event_span(event: Event, default_tags: List[str]) -> None:
    is_llm = event.action_type is ActionType.LLM
    attrs: Dict[str, Any] = {
        A.EVENT_TYPE: event.event_type,
        A.EVENT_RESULT: event.result.value,
        A.ACTION_TYPE: event.action_type.value,
    }
    tags = default_tags + (event.tags or [])
    if tags:
        attrs[A.TAGS] = tags
    if is_llm:
        attrs[A.GEN_AI_OPERATION_NAME] = A.Operation.CHAT.value
        if event.model:
            attrs[A.GEN_AI_REQUEST_MODEL] = event.model
    if _capture.capture_enabled():
        if event.params is not None:
            attrs[A.INPUT] = _capture.to_json(event.params)
        if event.returns is not None:
            attrs[A.OUTPUT] = _capture.to_json(event.returns)
        if event.prompt is not None:
            attrs[A.GEN_AI_INPUT_MESSAGES] = _prompt_messages(event.prompt)
    name = llm_span_name(A.Operation.CHAT.value, event.model) if is_llm else event.event_type
    start_ns = int(event.timestamp * 1e9)
    end = event.end_timestamp if event.end_timestamp is not None else time.time()
    span = begin(
        name,
        span_type="llm" if is_llm else "event",
        kind=SpanKind.CLIENT if is_llm else SpanKind.INTERNAL,
        attributes=attrs,
        start_time=start_ns,
    )
    if event.result is EventState.FAIL:
        span.set_status(Status(StatusCode.ERROR, f"{event.event_type}: {EventState.FAIL.value}"))
    elif event.result is EventState.SUCCESS:
        span.set_status(Status(StatusCode.OK))
    end_span(span, end_time=max(start_ns, int(end * 1e9)))


class Client:
    """The object the AgentOps documentation calls ``ao_client``. ``api_key`` is accepted
    so existing code keeps working (nothing is sent anywhere but the OpenTelemetry
    pipeline); ``tags`` are added to every event and decorated action of this client."""

    def __init__(self, api_key: str | None = None, *, tags: Optional[List[str]] = None) -> None:
        self.api_key = api_key
        self.tags = [str(t) for t in (tags or [])]

    def record(self, event: Event) -> None:
        """Emit ``event`` as a span, nested under the current span. ``FAIL`` sets status ERROR."""
        if not isinstance(event, Event):
            raise TypeError(f"record() takes an Event, got {type(event).__name__}")
        if event.end_timestamp is None:
            event.end_timestamp = time.time()
        try:
            _event_span(event, self.tags)
        except Exception:
            tracing_failed("record(Event)")

    def record_action(self, event_type: str, tags: Optional[List[str]] = None) -> Decorator:
        """Decorator: each call becomes a span named ``event_type`` with the arguments,
        the return value and the duration; spans started inside are its children."""
        if not isinstance(event_type, str) or not event_type:
            raise ValueError(f"record_action event_type must be a non-empty string, got {event_type!r}")
        attrs: Dict[str, Any] = {A.EVENT_TYPE: event_type, A.ACTION_TYPE: ActionType.ACTION.value}
        all_tags = self.tags + [str(t) for t in ([tags] if isinstance(tags, str) else (tags or []))]
        if all_tags:
            attrs[A.TAGS] = all_tags
        return _action(name=event_type, attributes=attrs)


_default = Client()


def record(event: Event) -> None:
    """Module-level ``record`` (a shared default :class:`Client`)."""
    _default.record(event)


def record_action(event_type: str, tags: Optional[List[str]] = None) -> Decorator:
    """Module-level ``@record_action(event_type, tags=None)``."""
    return _default.record_action(event_type, tags)


record.__doc__ = Client.record.__doc__
record_action.__doc__ = Client.record_action.__doc__
