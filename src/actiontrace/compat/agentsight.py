"""AgentSight-style ``track_action``: record an action that already happened as a span.

The span is started and ended through the core span starter with the action's own
timestamps, so it lands in the same traces, files and backends as decorated calls and
nests under whatever span is current.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Any, Dict, Optional

from opentelemetry.trace import Status, StatusCode

from .. import _vocabulary as A
from ..spans import _capture
from .._safety import tracing_failed
from ..context._session import current_session_attributes
from ..spans._starter import begin, end_span
from ._flatten import flatten
from ._timestamps import format_iso_ns, parse_iso_ns

# An ``error_msg`` is not an exception: there is no class to name, so the GenAI
# conventions' fallback value goes in ``error.type``.
_ERROR_TYPE_OTHER = "_OTHER"
# Given start, end and duration must agree to within this (rounding of a millisecond count).
_TOLERANCE_NS = 1_000_000


def _timing(started_at: object, ended_at: object, duration_ms: object, now_ns: int,
            errors: list[str]) -> tuple[int, int]:
    start: int | None = None
    end: int | None = None
    for field, value in (("started_at", started_at), ("ended_at", ended_at)):
        if value is None:
            continue
        try:
            ns = parse_iso_ns(value)
        except ValueError as exc:
            errors.append(f"{field}: {exc}")
            continue
        if field == "started_at":
            start = ns
        else:
            end = ns
    duration: int | None = None
    if duration_ms is not None:
        if isinstance(duration_ms, bool) or not isinstance(duration_ms, (int, float)) or duration_ms != duration_ms:
            errors.append(f"duration_ms: expected a number of milliseconds, got {duration_ms!r}")
        elif duration_ms < 0:
            errors.append(f"duration_ms: must not be negative, got {duration_ms!r}")
        else:
            duration = int(round(duration_ms * 1_000_000))
    if errors:
        return now_ns, now_ns
    if start is not None and end is not None:
        if end < start:
            errors.append(f"started_at/ended_at: ended_at ({ended_at}) is before started_at ({started_at})")
        elif duration is not None and abs((end - start) - duration) > _TOLERANCE_NS:
            errors.append(
                f"started_at/ended_at/duration_ms: the timestamps are {(end - start) / 1e6:g} ms apart "
                f"but duration_ms is {duration_ms!r}"
            )
        return start, end
    if start is not None:
        if duration is not None:
            return start, start + duration
        if start > now_ns:
            errors.append(f"started_at: {started_at} is in the future; give ended_at or duration_ms too")
        return start, max(start, now_ns)
    if end is not None:
        return (end - duration if duration is not None else end), end
    if duration is not None:
        return now_ns - duration, now_ns
    return now_ns, now_ns


class Tracker:
    """The object the AgentSight documentation calls ``tracker``: ``tracker.track_action(...)``.

    ``display_names`` maps action names (the analytics key, kept stable in code) to the
    labels shown to people; they are recorded as ``actiontrace.display_name``.
    ``api_key`` is accepted so existing constructors keep working; nothing is sent
    anywhere but the configured OpenTelemetry pipeline.
    """

    def __init__(self, api_key: str | None = None, *, display_names: Mapping[str, str] | None = None) -> None:
        self.api_key = api_key
        self.display_names: dict[str, str] = dict(display_names or {})

    def set_display_name(self, action_name: str, display_name: str) -> None:
        self.display_names[action_name] = display_name

    def track_action(
        self,
        action_name: str,
        started_at: Optional[str] = None,
        ended_at: Optional[str] = None,
        duration_ms: Optional[int] = None,
        tools_used: Optional[Dict[str, Any]] = None,
        response: Optional[str] = None,
        error_msg: Optional[str] = None,
        conversation_id: Optional[str] = None,
        metadata: Optional[Dict[str, Any]] = None,
    ) -> Dict[str, Any]:
        """Record one action as a span and return the AgentSight result dict.

        Timing: ``started_at``+``ended_at``, or either one plus ``duration_ms``, or
        ``duration_ms`` alone (ending now), or nothing (an instant, now). Raises
        ``ValueError`` naming every invalid field; nothing is recorded then.
        """
        now_ns = time.time_ns()
        errors: list[str] = []
        if not isinstance(action_name, str) or not action_name.strip():
            errors.append(f"action_name: expected a non-empty string, got {action_name!r}")
        for field, value in (("tools_used", tools_used), ("metadata", metadata)):
            if value is not None and not isinstance(value, Mapping):
                errors.append(f"{field}: expected a dict, got {type(value).__name__}")
        for field, text in (("error_msg", error_msg), ("conversation_id", conversation_id)):
            if text is not None and not isinstance(text, str):
                errors.append(f"{field}: expected a string, got {type(text).__name__}")
        start_ns, end_ns = _timing(started_at, ended_at, duration_ms, now_ns, errors)
        if errors:
            raise ValueError("track_action: invalid " + "; ".join(errors))

        cid = conversation_id or current_session_attributes().get(A.GEN_AI_CONVERSATION_ID) or uuid.uuid4().hex
        self._record(action_name, start_ns, end_ns, tools_used, response, error_msg, cid, metadata)
        return {
            "status": "success",
            "conversation_id": cid,
            "timestamp": format_iso_ns(start_ns),
            "action_name": action_name,
            "message": "Action tracked successfully",
        }

    def _record(self, action_name: str, start_ns: int, end_ns: int, tools_used: Optional[Mapping[str, Any]],
                response: Any, error_msg: Optional[str], cid: str, metadata: Optional[Mapping[str, Any]]) -> None:
        attrs: dict[str, Any] = {}
        try:
            display = self.display_names.get(action_name)
            if display:
                attrs[A.DISPLAY_NAME] = display
            if tools_used:
                attrs.update(flatten(A.TOOLS_USED_PREFIX, tools_used))
            if metadata:
                attrs.update(flatten(A.METADATA_PREFIX, metadata))
            if response is not None and _capture.capture_enabled():
                attrs[A.OUTPUT] = _capture.to_json(response)
        except Exception:
            tracing_failed("track_action attributes")
        span = begin(action_name, span_type="action", attributes=attrs, start_time=start_ns)
        try:
            if span.is_recording():
                # Set after start: the session processor's on_start stamps the ambient
                # session's conversation id, and an explicit one must win over it.
                # Outside a session the conversation is the session (what AgentSight groups by).
                ids = {A.GEN_AI_CONVERSATION_ID: cid}
                if A.SESSION_ID not in current_session_attributes():
                    ids[A.SESSION_ID] = cid
                span.set_attributes(ids)
                if error_msg is not None:
                    span.set_attribute(A.ERROR_TYPE, _ERROR_TYPE_OTHER)
                    span.set_status(Status(StatusCode.ERROR, error_msg))
        except Exception:
            tracing_failed("track_action span")
        end_span(span, end_time=end_ns)


_default = Tracker()


# Module-level ``track_action``: the shared default tracker's method, same signature.
track_action = _default.track_action


