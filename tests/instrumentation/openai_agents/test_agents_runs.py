"""Real Agents SDK runs against the local OpenAI server: names, kinds, nesting, one chat span
per model call with and without our OpenAI client instrumentation, tool calls and errors."""

from __future__ import annotations

import pytest
from agents import Agent, RunConfig, Runner, function_tool
from agents.tracing import add_trace_processor
from agents.tracing.processor_interface import TracingProcessor
from opentelemetry.trace import SpanKind, StatusCode
from support.agents_replay import answer, chat_answer, chat_spans, chat_tool_call, named, one, parent_of, tool_call

from actiontrace.instrumentation.openai_agents._fields import iso_ns

SCOPE = "actiontrace.instrumentation.openai_agents"


@function_tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


@function_tool
def flaky_lookup(key: str) -> str:
    """Fails every time."""
    raise ValueError(f"no entry for {key}")


class _Times(TracingProcessor):
    """Keeps the SDK's own timestamps of each span, by its type."""

    def __init__(self) -> None:
        self.spans: dict[str, list] = {}

    def on_trace_start(self, trace) -> None: ...
    def on_trace_end(self, trace) -> None: ...
    def on_span_start(self, span) -> None: ...

    def on_span_end(self, span) -> None:
        self.spans.setdefault(span.span_data.type, []).append((span.started_at, span.ended_at))

    def shutdown(self) -> None: ...
    def force_flush(self) -> None: ...


async def test_single_agent_answer(server, bridge, spans, model):
    server.queue(answer("resp_1", "Hello there"))
    times = _Times()
    add_trace_processor(times)
    result = await Runner.run(Agent(name="greeter", instructions="Be kind.", model=model), "hi")
    assert result.final_output == "Hello there"

    workflow = one(spans, "invoke_workflow Agent workflow")
    agent = one(spans, "invoke_agent greeter")
    (chat,) = chat_spans(spans)
    assert workflow.parent is None and workflow.kind is SpanKind.INTERNAL
    assert workflow.instrumentation_scope.name == SCOPE
    assert workflow.attributes["gen_ai.operation.name"] == "invoke_workflow"
    assert workflow.attributes["actiontrace.openai_agents.trace_id"].startswith("trace_")
    assert parent_of(spans, agent) is workflow and agent.kind is SpanKind.INTERNAL
    assert agent.attributes["gen_ai.operation.name"] == "invoke_agent"
    assert agent.attributes["gen_ai.agent.name"] == "greeter"
    assert parent_of(spans, chat) is agent and chat.kind is SpanKind.CLIENT
    assert chat.name == "chat gpt-4o-mini"
    assert chat.attributes["gen_ai.response.id"] == "resp_1"
    assert chat.attributes["gen_ai.usage.input_tokens"] == 10
    assert agent.attributes["actiontrace.total.input_tokens"] == 10
    assert agent.attributes["actiontrace.agent.iterations"] == 1
    assert workflow.attributes["actiontrace.total.output_tokens"] == 4
    assert {s.context.trace_id for s in spans.get_finished_spans()} == {workflow.context.trace_id}
    # Timestamps are the SDK's own.
    (agent_times,) = times.spans["agent"]
    assert (agent.start_time, agent.end_time) == (iso_ns(agent_times[0]), iso_ns(agent_times[1]))
    (chat_times,) = times.spans["response"]
    assert (chat.start_time, chat.end_time) == (iso_ns(chat_times[0]), iso_ns(chat_times[1]))


async def test_function_tool_then_answer(server, bridge, client_spans, spans, model):
    server.queue(tool_call("resp_1", "get_weather", {"city": "Paris"}, call_id="call_w1"),
                 answer("resp_2", "It is sunny in Paris"))
    agent = Agent(name="weather", instructions="Use tools.", tools=[get_weather], model=model)
    result = await Runner.run(agent, "Weather in Paris?")
    assert result.final_output == "It is sunny in Paris"

    agent_span = one(spans, "invoke_agent weather")
    tool = one(spans, "execute_tool get_weather")
    chats = chat_spans(spans)
    assert len(chats) == len(server.received) == 2  # one chat span per model call, either way
    assert [parent_of(spans, c) for c in chats] == [agent_span, agent_span]
    assert {c.instrumentation_scope.name for c in chats} == {"actiontrace.instrumentation.openai" if client_spans else SCOPE}
    assert [c.attributes["gen_ai.response.finish_reasons"] for c in chats] == [("tool_calls",), ("stop",)]
    assert parent_of(spans, tool) is agent_span and tool.kind is SpanKind.INTERNAL
    assert tool.attributes["gen_ai.tool.name"] == "get_weather"
    assert tool.attributes["gen_ai.tool.type"] == "function"
    assert tool.attributes["gen_ai.tool.call.id"] == "call_w1"
    assert tool.attributes["gen_ai.tool.call.arguments"] == '{"city": "Paris"}'
    assert tool.attributes["gen_ai.tool.call.result"] == "sunny in Paris"
    assert tool.status.status_code is StatusCode.UNSET
    assert chats[0].end_time <= tool.start_time <= tool.end_time <= chats[1].start_time
    assert agent_span.attributes["actiontrace.total.input_tokens"] == 20
    assert agent_span.attributes["actiontrace.agent.iterations"] == 2


async def test_tool_calls_without_capture_keep_ids_not_content(server, bridge, spans, model, monkeypatch):
    from support.openai_replay import set_capture

    set_capture(monkeypatch, False)
    server.queue(tool_call("resp_1", "get_weather", {"city": "Oslo"}), answer("resp_2", "ok"))
    await Runner.run(Agent(name="weather", tools=[get_weather], model=model), "Weather in Oslo?")
    tool = one(spans, "execute_tool get_weather")
    assert tool.attributes["gen_ai.tool.call.id"] == "call_1"
    assert "gen_ai.tool.call.arguments" not in tool.attributes
    assert "gen_ai.tool.call.result" not in tool.attributes
    assert not any("gen_ai.input.messages" in c.attributes for c in chat_spans(spans))


async def test_handoff_to_a_specialist_that_calls_a_tool(server, bridge, client_spans, spans, model):
    specialist = Agent(name="meteorologist", instructions="Answer weather questions.", tools=[get_weather],
                       model=model)
    triage = Agent(name="triage", instructions="Route.", handoffs=[specialist], model=model)
    server.queue(tool_call("resp_1", "transfer_to_meteorologist", {}, call_id="call_h1"),
                 tool_call("resp_2", "get_weather", {"city": "Rome"}, call_id="call_w2"),
                 answer("resp_3", "Sunny in Rome"))
    result = await Runner.run(triage, "Weather in Rome?")
    assert result.final_output == "Sunny in Rome"

    workflow = one(spans, "invoke_workflow Agent workflow")
    first = one(spans, "invoke_agent triage")
    second = one(spans, "invoke_agent meteorologist")
    handoff = one(spans, "handoff triage -> meteorologist")
    tool = one(spans, "execute_tool get_weather")
    chats = chat_spans(spans)
    assert len(chats) == len(server.received) == 3
    assert [parent_of(spans, c) for c in chats] == [first, second, second]
    assert parent_of(spans, first) is workflow and parent_of(spans, second) is workflow
    assert parent_of(spans, handoff) is first
    assert handoff.attributes["actiontrace.handoff.from_agent"] == "triage"
    assert handoff.attributes["actiontrace.handoff.to_agent"] == "meteorologist"
    assert first.attributes["actiontrace.agent.handoffs"] == ("meteorologist",)
    assert parent_of(spans, tool) is second and tool.attributes["gen_ai.tool.call.id"] == "call_w2"
    assert workflow.attributes["actiontrace.total.input_tokens"] == 30
    assert first.attributes["actiontrace.total.input_tokens"] == 10
    assert second.attributes["actiontrace.total.input_tokens"] == 20
    assert {s.context.trace_id for s in spans.get_finished_spans()} == {workflow.context.trace_id}


async def test_tool_that_raises_is_an_error_on_its_span(server, bridge, client_spans, spans, model):
    server.queue(tool_call("resp_1", "flaky_lookup", {"key": "k1"}), answer("resp_2", "I could not find it"))
    result = await Runner.run(Agent(name="looker", tools=[flaky_lookup], model=model), "Look up k1")
    assert result.final_output == "I could not find it"  # the SDK hands the error to the model

    tool = one(spans, "execute_tool flaky_lookup")
    assert tool.status.status_code is StatusCode.ERROR
    assert tool.attributes["error.type"] == "Error running tool (non-fatal)"
    assert [e.name for e in tool.events] == ["exception"]
    assert tool.attributes["gen_ai.tool.call.result"].startswith("An error occurred")  # what the model was told
    assert len(chat_spans(spans)) == 2
    assert one(spans, "invoke_agent looker").status.status_code is StatusCode.UNSET


@function_tool(failure_error_function=None)
def strict_lookup(key: str) -> str:
    """Fails, and the failure ends the run."""
    raise KeyError(key)


async def test_tool_error_that_ends_the_run(server, bridge, client_spans, spans, model):
    server.queue(tool_call("resp_1", "strict_lookup", {"key": "k2"}))
    with pytest.raises(Exception, match="strict_lookup"):
        await Runner.run(Agent(name="strict", tools=[strict_lookup], model=model), "Look up k2")

    tool = one(spans, "execute_tool strict_lookup")
    agent = one(spans, "invoke_agent strict")
    workflow = one(spans, "invoke_workflow Agent workflow")
    assert tool.status.status_code is StatusCode.ERROR and tool.attributes["error.type"] == "Error running tool"
    assert parent_of(spans, tool) is agent and parent_of(spans, agent) is workflow
    assert len(chat_spans(spans)) == 1
    assert all(s.end_time is not None for s in spans.get_finished_spans())


async def test_chat_completions_model(server, bridge, client_spans, spans, chat_model):
    server.queue(chat_tool_call("get_weather", {"city": "Lima"}, call_id="call_c9"), chat_answer("Warm in Lima"))
    agent = Agent(name="weather", tools=[get_weather], model=chat_model)
    result = await Runner.run(agent, "Weather in Lima?")
    assert result.final_output == "Warm in Lima"

    agent_span = one(spans, "invoke_agent weather")
    chats = chat_spans(spans)
    assert len(chats) == len(server.received) == 2
    assert all(parent_of(spans, c) is agent_span for c in chats)
    assert all(c.name == "chat gpt-4o-mini" and c.kind is SpanKind.CLIENT for c in chats)
    assert chats[0].attributes["gen_ai.usage.input_tokens"] == 12
    assert one(spans, "execute_tool get_weather").attributes["gen_ai.tool.call.id"] == "call_c9"
    if not client_spans:
        assert chats[0].attributes["gen_ai.response.finish_reasons"] == ("tool_calls",)
        assert "Lima" in chats[0].attributes["gen_ai.input.messages"]


async def test_bridge_made_chat_span_records_messages(server, bridge, spans, model):
    server.queue(answer("resp_1", "Bonjour", instructions="Answer in French."))
    await Runner.run(Agent(name="fr", instructions="Answer in French.", model=model), "Say hello")
    (chat,) = chat_spans(spans)
    assert '"Say hello"' in chat.attributes["gen_ai.input.messages"]
    assert '"Bonjour"' in chat.attributes["gen_ai.output.messages"]
    assert "Answer in French." in chat.attributes["gen_ai.system_instructions"]
    assert chat.attributes["gen_ai.request.model"] == "gpt-4o-mini"
    assert chat.attributes["actiontrace.cost.usd"] > 0


async def test_named_workflow_and_conversation_group(server, bridge, spans, model):
    server.queue(answer("resp_1", "done"))
    config = RunConfig(workflow_name="Support desk", group_id="conv-42")
    await Runner.run(Agent(name="helper", model=model), "help", run_config=config)
    workflow = one(spans, "invoke_workflow Support desk")
    assert workflow.attributes["gen_ai.workflow.name"] == "Support desk"
    assert workflow.attributes["gen_ai.conversation.id"] == "conv-42"
    assert not named(spans, "invoke_workflow Agent workflow")
