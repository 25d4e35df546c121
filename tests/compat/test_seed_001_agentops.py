"""Seed 001 (AgentOps ``record_action`` / ``record(Event(...))``): the document's calls
literally, the replay graph of nested calls, and the Event fields and coercions."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from opentelemetry.trace import SpanKind, StatusCode

import actiontrace
from actiontrace import _vocabulary as A
from actiontrace.seeds import ActionType, Client, Event, EventState, record, record_action

ao_client = Client()


def by_name(spans):
    return {s.name: s for s in spans.get_finished_spans()}


# --- record_action decorator --------------------------------------------------

def test_record_action_as_in_the_document(spans):
    @ao_client.record_action('sample function being record')
    def sample_function(a, b=2):
        time.sleep(0.002)
        return {"sum": a + b}

    assert sample_function(1, b=5) == {"sum": 6}
    span = by_name(spans)["sample function being record"]
    attrs = span.attributes
    assert json.loads(attrs[A.INPUT]) == {"a": 1, "b": 5}
    assert json.loads(attrs[A.OUTPUT]) == {"sum": 6}
    assert attrs[A.EVENT_TYPE] == "sample function being record"
    assert attrs[A.ACTION_TYPE] == "action"
    assert span.end_time - span.start_time >= 2_000_000  # the duration is the call's
    assert sample_function.__name__ == "sample_function"


def test_record_action_tags(spans):
    @record_action("tagged", tags=["my_tag", "other"])
    def f():
        return 1

    f()
    assert by_name(spans)["tagged"].attributes[A.TAGS] == ("my_tag", "other")


def test_replay_graph_nested_calls_are_children(spans):
    """A decorated function making several (LLM) calls: each is a child in the replay graph."""

    @actiontrace.llm(model="gpt-4")
    def openai_call(prompt: str) -> str:
        actiontrace.record_usage(input_tokens=10, output_tokens=3)
        return prompt.upper()

    @record_action("summarise")
    def summarise(text):
        return openai_call(text[:5])

    @ao_client.record_action("pipeline", tags=["replay"])
    def pipeline(text):
        first = openai_call(text)
        second = openai_call(first)
        return summarise(second)

    assert pipeline("hello world") == "HELLO"
    finished = spans.get_finished_spans()
    root = next(s for s in finished if s.name == "pipeline")
    children = [s for s in finished if s.parent and s.parent.span_id == root.context.span_id]
    assert [s.name for s in children] == ["chat gpt-4", "chat gpt-4", "summarise"]
    inner = next(s for s in finished if s.name == "summarise")
    grandchildren = [s for s in finished if s.parent and s.parent.span_id == inner.context.span_id]
    assert [s.name for s in grandchildren] == ["chat gpt-4"]
    assert {s.context.trace_id for s in finished} == {root.context.trace_id}
    assert grandchildren[0].attributes[A.PATH] == "/pipeline/summarise/chat gpt-4"
    assert root.parent is None


def test_record_action_exception_is_recorded_and_reraised(spans):
    @record_action("failing")
    def boom():
        raise KeyError("missing")

    with pytest.raises(KeyError, match="missing"):
        boom()
    span = by_name(spans)["failing"]
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes[A.ERROR_TYPE] == "KeyError"


async def test_record_action_async(spans):
    @record_action("async op")
    async def op(x):
        await asyncio.sleep(0)
        return x * 2

    assert await op(4) == 8
    assert json.loads(by_name(spans)["async op"].attributes[A.OUTPUT]) == 8


@pytest.mark.parametrize("bad", ["", None, 3])
def test_record_action_needs_an_event_type(bad):
    with pytest.raises(ValueError, match="event_type"):
        record_action(bad)


# --- record(Event(...)) -----------------------------------------------------------

def test_record_event_as_in_the_document(spans):
    before = time.time()
    event = Event("event_type1")
    after = time.time()
    ao_client.record(event)

    assert before <= event.timestamp <= after  # seconds since the epoch, at creation
    assert event.result is EventState.INDETERMINATE
    assert event.action_type is ActionType.ACTION
    span = by_name(spans)["event_type1"]
    assert span.start_time == int(event.timestamp * 1e9)
    assert span.end_time >= span.start_time
    assert span.attributes[A.SPAN_TYPE] == "event"
    assert span.attributes[A.EVENT_TYPE] == "event_type1"
    assert span.attributes[A.EVENT_RESULT] == "Indeterminate"
    assert span.attributes[A.ACTION_TYPE] == "action"
    assert span.status.status_code is StatusCode.UNSET
    assert span.kind is SpanKind.INTERNAL


def test_event_with_all_arguments(spans):
    event = Event(
        "API Call",
        params={"url": "https://example.com", "method": "GET"},
        returns="200 OK",
        result=EventState.SUCCESS,
        action_type=ActionType.API,
        tags=["my_tag"],
    )
    record(event)
    span = by_name(spans)["API Call"]
    assert json.loads(span.attributes[A.INPUT]) == {"url": "https://example.com", "method": "GET"}
    assert json.loads(span.attributes[A.OUTPUT]) == "200 OK"
    assert span.attributes[A.ACTION_TYPE] == "api"
    assert span.attributes[A.TAGS] == ("my_tag",)
    assert span.status.status_code is StatusCode.OK


def test_model_without_action_type_is_an_llm_chat_span(spans):
    event = Event("OpenAI Call", model="gpt-4", prompt="What is 2+2?", returns="4")
    assert event.action_type is ActionType.LLM
    record(event)
    span = by_name(spans)["chat gpt-4"]
    assert span.kind is SpanKind.CLIENT
    assert span.attributes[A.SPAN_TYPE] == "llm"
    assert span.attributes[A.GEN_AI_REQUEST_MODEL] == "gpt-4"
    assert span.attributes[A.GEN_AI_OPERATION_NAME] == "chat"
    assert span.attributes[A.EVENT_TYPE] == "OpenAI Call"
    messages = json.loads(span.attributes[A.GEN_AI_INPUT_MESSAGES])
    assert messages == [{"role": "user", "parts": [{"type": "text", "content": "What is 2+2?"}]}]


def test_model_with_explicit_action_type_is_not_coerced(spans):
    event = Event("scripted", model="gpt-4", action_type=ActionType.ACTION)
    assert event.action_type is ActionType.ACTION
    record(event)
    assert "scripted" in by_name(spans)


def test_fail_sets_status_error(spans):
    record(Event("tool run", result=EventState.FAIL, returns="exit 1"))
    span = by_name(spans)["tool run"]
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes[A.EVENT_RESULT] == "Fail"


def test_string_values_are_coerced():
    event = Event("e", result="Success", action_type="screenshot")
    assert event.result is EventState.SUCCESS and event.action_type is ActionType.SCREENSHOT
    assert Event("e", result="fail").result is EventState.FAIL
    assert Event("e", action_type="LLM").action_type is ActionType.LLM


@pytest.mark.parametrize("kwargs", [{"result": "Maybe"}, {"action_type": "video"}])
def test_invalid_enum_values_raise(kwargs):
    with pytest.raises(ValueError):
        Event("e", **kwargs)


def test_event_type_is_required():
    with pytest.raises(ValueError, match="event_type"):
        Event("")


def test_record_nests_under_the_current_span(spans):
    with actiontrace.span("agent step") as parent:
        record(Event("inner"))
    span = by_name(spans)["inner"]
    assert span.parent.span_id == parent.get_span_context().span_id


def test_record_rejects_non_events(spans):
    with pytest.raises(TypeError):
        record({"event_type": "x"})
    assert spans.get_finished_spans() == ()


def test_event_timing_spans_creation_to_record(spans):
    event = Event("slow")
    time.sleep(0.003)
    record(event)
    span = by_name(spans)["slow"]
    assert span.end_time - span.start_time >= 3_000_000
    assert event.end_timestamp is not None and event.end_timestamp >= event.timestamp


def test_client_tags_apply_to_every_event(spans):
    client = Client(tags=["team-a"])
    client.record(Event("e1", tags=["x"]))

    @client.record_action("decorated")
    def f():
        return None

    f()
    got = by_name(spans)
    assert got["e1"].attributes[A.TAGS] == ("team-a", "x")
    assert got["decorated"].attributes[A.TAGS] == ("team-a",)


def test_event_inside_session_gets_session_attributes(spans):
    with actiontrace.session("s-1", properties={"tier": "pro"}):
        record(Event("in session"))
    attrs = by_name(spans)["in session"].attributes
    assert attrs[A.SESSION_ID] == "s-1"
    assert attrs[A.PROPERTY_PREFIX + "tier"] == "pro"
