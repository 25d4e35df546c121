"""Where a run's spans go: under the caller's span and session, through run_sync and
run_streamed (consumed or abandoned), with a guardrail that trips; and uninstrument()."""

from __future__ import annotations

import asyncio

import pytest
from agents import (Agent, GuardrailFunctionOutput, InputGuardrailTripwireTriggered, Runner, function_tool,
                    input_guardrail)
from agents.tracing import get_trace_provider, set_trace_processors
from agents.tracing.scope import Scope
from opentelemetry import trace
from opentelemetry.trace import StatusCode
from support.agents_replay import answer, chat_spans, named, one, parent_of, streamed_answer, tool_call

import actiontrace
from actiontrace.instrumentation.openai_agents import OpenAIAgentsInstrumentor, _current_processors


@function_tool
def add(a: int, b: int) -> int:
    """Adds two numbers."""
    return a + b


def test_run_sync_under_a_workflow_and_inside_a_session(server, bridge, client_spans, spans, model):
    server.queue(tool_call("resp_1", "add", {"a": 2, "b": 3}), answer("resp_2", "5"))
    agent = Agent(name="calculator", tools=[add], model=model)

    @actiontrace.workflow(name="billing")
    def handle() -> str:
        return Runner.run_sync(agent, "2 + 3?").final_output

    with actiontrace.session(session_id="sess-7", user_id="u-1"):
        assert handle() == "5"

    outer = one(spans, "invoke_workflow billing")
    run = one(spans, "invoke_workflow Agent workflow")
    assert parent_of(spans, run) is outer
    finished = spans.get_finished_spans()
    assert {s.context.trace_id for s in finished} == {outer.context.trace_id}
    assert all(s.attributes.get("session.id") == "sess-7" for s in finished), [s.name for s in finished]
    assert all(s.attributes.get("user.id") == "u-1" for s in finished)
    assert len(chat_spans(spans)) == len(server.received) == 2
    tool = one(spans, "execute_tool add")
    assert tool.attributes["actiontrace.path"] == "/billing/Agent workflow/calculator/add"
    assert outer.attributes["actiontrace.total.input_tokens"] == 20  # rolled up through the run's spans


async def test_spans_made_inside_a_tool_nest_under_it(server, bridge, spans, model):
    @function_tool
    def lookup(term: str) -> str:
        """Looks a term up."""
        with actiontrace.span("database query"):
            return term.upper()

    server.queue(tool_call("resp_1", "lookup", {"term": "otel"}), answer("resp_2", "OTEL"))
    await Runner.run(Agent(name="librarian", tools=[lookup], model=model), "look up otel")
    query = one(spans, "database query")
    assert parent_of(spans, query) is one(spans, "execute_tool lookup")
    assert trace.get_current_span() is trace.INVALID_SPAN  # nothing left current after the run


async def test_run_streamed_consumed_fully(server, bridge, client_spans, spans, model):
    server.queue(streamed_answer("resp_s1", ["Once ", "upon ", "a ", "time."]))
    with trace.get_tracer("test").start_as_current_span("request") as request:
        result = Runner.run_streamed(Agent(name="teller", model=model), "Tell a story")
        deltas = [e async for e in result.stream_events() if e.type == "raw_response_event"]
    assert result.final_output == "Once upon a time."
    assert deltas

    run = one(spans, "invoke_workflow Agent workflow")
    agent = one(spans, "invoke_agent teller")
    (chat,) = chat_spans(spans)
    assert run.parent.span_id == request.get_span_context().span_id
    assert parent_of(spans, agent) is run and parent_of(spans, chat) is agent
    assert chat.attributes["gen_ai.response.id"] == "resp_s1"
    assert chat.attributes["gen_ai.usage.output_tokens"] == 4


async def test_run_streamed_abandoned_midway(server, bridge, client_spans, spans, model):
    server.set_chunk_delay(0.05)
    server.queue(streamed_answer("resp_s2", ["word "] * 30))
    result = Runner.run_streamed(Agent(name="rambler", model=model), "Talk")
    async for event in result.stream_events():
        if event.type == "raw_response_event" and getattr(event.data, "type", "") == "response.output_text.delta":
            result.cancel()
            break
    async for _ in result.stream_events():  # drain what the cancelled run still hands out
        pass
    for _ in range(100):  # the run's task winds down in the background
        if named(spans, "invoke_workflow Agent workflow"):
            break
        await asyncio.sleep(0.02)
    one(spans, "invoke_workflow Agent workflow")
    agent = one(spans, "invoke_agent rambler")
    chats = chat_spans(spans)
    assert len(chats) == 1 and parent_of(spans, chats[0]) is agent
    assert trace.get_current_span() is trace.INVALID_SPAN


async def test_guardrail_that_trips(server, bridge, client_spans, spans, model):
    @input_guardrail
    async def no_secrets(context, agent, text) -> GuardrailFunctionOutput:
        return GuardrailFunctionOutput(output_info={"reason": "password"}, tripwire_triggered="password" in str(text))

    server.queue(answer("resp_g", "never shown"))
    agent = Agent(name="guarded", input_guardrails=[no_secrets], model=model)
    with pytest.raises(InputGuardrailTripwireTriggered):
        await Runner.run(agent, "my password is hunter2")

    guardrail = one(spans, "guardrail no_secrets")
    agent_span = one(spans, "invoke_agent guarded")
    assert guardrail.attributes["actiontrace.guardrail.name"] == "no_secrets"
    assert guardrail.attributes["actiontrace.guardrail.triggered"] is True
    assert guardrail.status.status_code is StatusCode.UNSET  # it ran fine: tripping is its outcome
    assert parent_of(spans, guardrail) is agent_span
    assert agent_span.status.status_code is StatusCode.ERROR  # the run ended on the tripwire
    assert len(chat_spans(spans)) == len(server.received) <= 1


async def test_guardrail_that_passes(server, bridge, spans, model):
    @input_guardrail
    async def polite(context, agent, text) -> GuardrailFunctionOutput:
        return GuardrailFunctionOutput(output_info=None, tripwire_triggered=False)

    server.queue(answer("resp_p", "Hi"))
    await Runner.run(Agent(name="guarded", input_guardrails=[polite], model=model), "hello")
    guardrail = one(spans, "guardrail polite")
    assert guardrail.attributes["actiontrace.guardrail.triggered"] is False
    assert guardrail.status.status_code is StatusCode.UNSET


async def test_uninstrument_restores_the_sdk(server, spans, model):
    class Keep:
        def __init__(self) -> None:
            self.ended = 0

        def on_trace_start(self, t) -> None: ...
        def on_trace_end(self, t) -> None: ...
        def on_span_start(self, s) -> None: ...

        def on_span_end(self, s) -> None:
            self.ended += 1

        def shutdown(self) -> None: ...
        def force_flush(self) -> None: ...

    keep = Keep()
    set_trace_processors([keep])
    methods = dict(Scope.__dict__)
    instrumentor = OpenAIAgentsInstrumentor()
    instrumentor.instrument()
    assert _current_processors(get_trace_provider()) != [keep]  # replaced while instrumented
    instrumentor.uninstrument()
    assert _current_processors(get_trace_provider()) == [keep]
    assert dict(Scope.__dict__) == methods

    server.queue(answer("resp_u", "plain"))
    try:
        await Runner.run(Agent(name="plain", model=model), "hi")
    finally:
        set_trace_processors([])
    assert keep.ended >= 1  # the SDK traces on, to its own processors only
    assert spans.get_finished_spans() == ()
