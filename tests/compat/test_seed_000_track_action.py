"""Seed 000 (AgentSight ``track_action``): the document's examples run literally, then
timing rules, nesting, errors and invalid input."""

from __future__ import annotations

import calendar
import json
import re
import time

import pytest
from opentelemetry.trace import StatusCode

import actiontrace
from actiontrace import _vocabulary as A
from actiontrace.seeds import Tracker, track_action


def _ns(y, mo, d, h, mi, s, frac_ns=0):
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0)) * 1_000_000_000 + frac_ns


@pytest.fixture
def tracker():
    return Tracker()


def only_span(spans):
    finished = spans.get_finished_spans()
    assert len(finished) == 1, [s.name for s in finished]
    return finished[0]


# --- the document's examples, verbatim ---------------------------------------

def test_mathematical_function_tracking(spans, tracker):
    result = tracker.track_action(
        action_name="calculator_multiply",
        started_at="2024-01-15T10:30:00Z",
        ended_at="2024-01-15T10:30:00.050Z",
        duration_ms=50,
        tools_used={
            "function": "multiply",
            "parameters": {"a": 12, "b": 5}
        },
        response="60"
    )
    assert result["status"] == "success"
    assert result["action_name"] == "calculator_multiply"
    assert result["timestamp"] == "2024-01-15T10:30:00Z"
    assert result["message"] == "Action tracked successfully"
    assert re.fullmatch(r"[0-9a-f]{32}", result["conversation_id"])

    span = only_span(spans)
    assert span.name == "calculator_multiply"
    assert span.start_time == _ns(2024, 1, 15, 10, 30, 0)
    assert span.end_time - span.start_time == 50_000_000
    attrs = span.attributes
    assert attrs[A.SPAN_TYPE] == "action"
    assert attrs[A.TOOLS_USED_PREFIX + "function"] == "multiply"
    assert attrs[A.TOOLS_USED_PREFIX + "parameters.a"] == 12
    assert attrs[A.TOOLS_USED_PREFIX + "parameters.b"] == 5
    assert json.loads(attrs[A.OUTPUT]) == "60"
    assert attrs[A.GEN_AI_CONVERSATION_ID] == result["conversation_id"]
    assert attrs[A.SESSION_ID] == result["conversation_id"]
    assert span.status.status_code is StatusCode.UNSET
    assert span.parent is None


def test_weather_api_function_call(spans, tracker):
    before = time.time_ns()
    result = tracker.track_action(
        action_name="weather_lookup",
        duration_ms=800,
        tools_used={
            "api": "OpenWeatherMap",
            "location": "San Francisco, CA",
            "parameters": {"units": "metric"}
        },
        response="Temperature: 18Â°C, Conditions: Sunny",
        metadata={
            "location_query": "San Francisco",
            "units": "celsius"
        }
    )
    after = time.time_ns()
    span = only_span(spans)
    # Only a duration: the action ended now and started 800 ms before.
    assert before <= span.end_time <= after
    assert span.end_time - span.start_time == 800_000_000
    attrs = span.attributes
    assert attrs[A.TOOLS_USED_PREFIX + "api"] == "OpenWeatherMap"
    assert attrs[A.TOOLS_USED_PREFIX + "location"] == "San Francisco, CA"
    assert attrs[A.TOOLS_USED_PREFIX + "parameters.units"] == "metric"
    assert attrs[A.METADATA_PREFIX + "location_query"] == "San Francisco"
    assert attrs[A.METADATA_PREFIX + "units"] == "celsius"
    assert json.loads(attrs[A.OUTPUT]) == "Temperature: 18Â°C, Conditions: Sunny"
    assert result["action_name"] == "weather_lookup"
    assert result["timestamp"].endswith("Z")


def test_database_query_function(spans, tracker):
    result = tracker.track_action(
        action_name="database_search",
        started_at="2024-01-15T10:30:00Z",
        ended_at="2024-01-15T10:30:00.200Z",
        duration_ms=200,
        tools_used={
            "database": "user_orders",
            "query_type": "SELECT",
            "filters": {"user_id": "123", "status": "active"}
        },
        response="Found 3 active orders"
    )
    span = only_span(spans)
    assert (span.start_time, span.end_time) == (_ns(2024, 1, 15, 10, 30, 0), _ns(2024, 1, 15, 10, 30, 0, 200_000_000))
    assert span.attributes[A.TOOLS_USED_PREFIX + "filters.user_id"] == "123"
    assert span.attributes[A.TOOLS_USED_PREFIX + "filters.status"] == "active"
    assert span.attributes[A.TOOLS_USED_PREFIX + "query_type"] == "SELECT"
    assert result["timestamp"] == "2024-01-15T10:30:00Z"


def test_return_value_shape(spans):
    result = track_action("calculator_add", started_at="2024-01-15T10:30:00Z", duration_ms=3,
                          conversation_id="generated_or_provided_id")
    assert result == {
        "status": "success",
        "conversation_id": "generated_or_provided_id",
        "timestamp": "2024-01-15T10:30:00Z",
        "action_name": "calculator_add",
        "message": "Action tracked successfully",
    }
    assert only_span(spans).attributes[A.GEN_AI_CONVERSATION_ID] == "generated_or_provided_id"


# --- timing ------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-01-15T12:30:00+02:00", _ns(2024, 1, 15, 10, 30, 0)),
        ("2024-01-15T05:00:00-05:30", _ns(2024, 1, 15, 10, 30, 0)),
        ("2024-01-15T12:30:00+0200", _ns(2024, 1, 15, 10, 30, 0)),
        ("2024-01-15T10:30:00.123456789Z", _ns(2024, 1, 15, 10, 30, 0, 123_456_789)),
        ("2024-01-15T10:30:00.5z", _ns(2024, 1, 15, 10, 30, 0, 500_000_000)),
        ("2024-01-15 10:30:00,25Z", _ns(2024, 1, 15, 10, 30, 0, 250_000_000)),
        ("2024-01-15T10:30:00", _ns(2024, 1, 15, 10, 30, 0)),  # no offset: UTC
        ("2024-01-15T10:30Z", _ns(2024, 1, 15, 10, 30, 0)),
    ],
)
def test_iso_forms(spans, tracker, text, expected):
    tracker.track_action("t", started_at=text, duration_ms=1)
    assert only_span(spans).start_time == expected


def test_ended_at_plus_duration(spans, tracker):
    result = tracker.track_action("t", ended_at="2024-01-15T10:30:01Z", duration_ms=250)
    span = only_span(spans)
    assert span.end_time == _ns(2024, 1, 15, 10, 30, 1)
    assert span.start_time == _ns(2024, 1, 15, 10, 30, 0, 750_000_000)
    assert result["timestamp"] == "2024-01-15T10:30:00.750Z"


def test_started_at_alone_ends_now(spans, tracker):
    before = time.time_ns()
    tracker.track_action("t", started_at="2024-01-15T10:30:00Z")
    span = only_span(spans)
    assert span.start_time == _ns(2024, 1, 15, 10, 30, 0)
    assert span.end_time >= before


def test_nothing_given_is_an_instant_now(spans, tracker):
    before = time.time_ns()
    tracker.track_action("t")
    span = only_span(spans)
    assert span.start_time == span.end_time >= before


def test_fractional_duration(spans, tracker):
    tracker.track_action("t", started_at="2024-01-15T10:30:00Z", duration_ms=0.5)
    span = only_span(spans)
    assert span.end_time - span.start_time == 500_000


# --- nesting, sessions, errors -------------------------------------------------

def test_nests_under_the_current_span(spans, tracker):
    with actiontrace.span("answer") as parent:
        tracker.track_action("calculator_multiply", duration_ms=5)
    by = {s.name: s for s in spans.get_finished_spans()}
    child = by["calculator_multiply"]
    assert child.parent.span_id == parent.get_span_context().span_id
    assert child.context.trace_id == parent.get_span_context().trace_id
    assert child.attributes[A.PATH] == "/answer/calculator_multiply"


def test_inside_a_session_uses_its_conversation(spans, tracker):
    with actiontrace.session("conv-42", name="support"):
        result = tracker.track_action("lookup")
    span = only_span(spans)
    assert result["conversation_id"] == "conv-42"
    assert span.attributes[A.SESSION_ID] == "conv-42"
    assert span.attributes[A.SESSION_NAME] == "support"


def test_explicit_conversation_wins_over_session_but_session_stays(spans, tracker):
    with actiontrace.session("sess-1"):
        result = tracker.track_action("lookup", conversation_id="conv-9")
    span = only_span(spans)
    assert result["conversation_id"] == "conv-9"
    assert span.attributes[A.GEN_AI_CONVERSATION_ID] == "conv-9"
    assert span.attributes[A.SESSION_ID] == "sess-1"


def test_error_msg_sets_status_error(spans, tracker):
    result = tracker.track_action("weather_lookup", duration_ms=30, error_msg="timeout after 30ms")
    span = only_span(spans)
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == "timeout after 30ms"
    assert span.attributes[A.ERROR_TYPE] == "_OTHER"
    assert result["status"] == "success"  # the tracking succeeded; the action failed


def test_display_names(spans):
    tracker = Tracker(display_names={"calculator_multiply": "Calculator: multiply"})
    tracker.set_display_name("weather_lookup", "Weather")
    tracker.track_action("calculator_multiply")
    tracker.track_action("weather_lookup")
    tracker.track_action("other")
    names = {s.name: s.attributes.get(A.DISPLAY_NAME) for s in spans.get_finished_spans()}
    assert names == {"calculator_multiply": "Calculator: multiply", "weather_lookup": "Weather", "other": None}


def test_non_scalar_values_become_json(spans, tracker):
    tracker.track_action("t", tools_used={"ids": [1, 2, 3], "mixed": [1, "a"], "none": None, "obj": {1, 2}.__class__})
    attrs = only_span(spans).attributes
    assert attrs[A.TOOLS_USED_PREFIX + "ids"] == (1, 2, 3)
    assert json.loads(attrs[A.TOOLS_USED_PREFIX + "mixed"]) == [1, "a"]
    assert A.TOOLS_USED_PREFIX + "none" not in attrs
    assert isinstance(json.loads(attrs[A.TOOLS_USED_PREFIX + "obj"]), str)


def test_response_follows_the_capture_switch(spans, tracker, monkeypatch):
    from actiontrace.spans import _capture

    monkeypatch.setattr(_capture.settings, "enabled", False)
    tracker.track_action("t", response="secret answer", tools_used={"function": "f"})
    attrs = only_span(spans).attributes
    assert A.OUTPUT not in attrs
    assert attrs[A.TOOLS_USED_PREFIX + "function"] == "f"


# --- invalid input raises, naming the fields, and records nothing --------------

@pytest.mark.parametrize(
    "kwargs, fields",
    [
        ({"started_at": "yesterday"}, ["started_at"]),
        ({"ended_at": "2024-13-45T10:30:00Z"}, ["ended_at"]),
        ({"started_at": "2024-01-15T10:30:01Z", "ended_at": "2024-01-15T10:30:00Z"}, ["started_at", "ended_at"]),
        ({"started_at": "2024-01-15T10:30:00Z", "ended_at": "2024-01-15T10:30:00.050Z", "duration_ms": 500},
         ["started_at", "ended_at", "duration_ms"]),
        ({"duration_ms": -1}, ["duration_ms"]),
        ({"duration_ms": "50"}, ["duration_ms"]),
        ({"duration_ms": True}, ["duration_ms"]),
        ({"tools_used": ["multiply"]}, ["tools_used"]),
        ({"metadata": "x"}, ["metadata"]),
        ({"error_msg": 500}, ["error_msg"]),
        ({"started_at": "2999-01-01T00:00:00Z"}, ["started_at"]),
        ({"started_at": "bad", "duration_ms": -5, "metadata": 3}, ["started_at", "duration_ms", "metadata"]),
    ],
)
def test_invalid_input_raises_value_error(spans, tracker, kwargs, fields):
    with pytest.raises(ValueError) as info:
        tracker.track_action("calculator_multiply", **kwargs)
    for field in fields:
        assert field in str(info.value)
    assert spans.get_finished_spans() == ()


@pytest.mark.parametrize("name", ["", "   ", None, 42])
def test_invalid_action_name(spans, name):
    with pytest.raises(ValueError, match="action_name"):
        track_action(name)
    assert spans.get_finished_spans() == ()


def test_timestamps_within_a_millisecond_of_duration_are_consistent(spans, tracker):
    tracker.track_action("t", started_at="2024-01-15T10:30:00Z", ended_at="2024-01-15T10:30:00.0504Z", duration_ms=50)
    assert only_span(spans).end_time - only_span(spans).start_time == 50_400_000
