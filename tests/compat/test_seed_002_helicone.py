"""Seed 002 (Helicone agent tracing): every flow of the document — TrackedAgent,
AgentWithTools with the manual logger, the CompleteAgent loop with max_iterations,
multi-agent properties, error recovery, querying — expressed with actiontrace and
checked against the tree the document describes.

The document's LLM calls go through the OpenAI client with Helicone headers; here an
``@actiontrace.llm`` function stands in for the model (scripted, offline) and the
headers become ``actiontrace.session(...)`` arguments. The classes are otherwise the
document's code.
"""

from __future__ import annotations

import json
import os
import random
import string
import time
from types import SimpleNamespace

import pytest
from opentelemetry.trace import SpanKind, StatusCode

import actiontrace
from actiontrace import _vocabulary as A
from actiontrace.reading._query import query
from actiontrace.exporters import JsonlSpanExporter
from actiontrace.seeds import HeliconeManualLogger, ResultRecorder, log_request

P = A.PROPERTY_PREFIX


# --- a scripted stand-in for the model ------------------------------------------

def _tool_call(call_id, name, arguments):
    return SimpleNamespace(id=call_id, type="function",
                           function=SimpleNamespace(name=name, arguments=json.dumps(arguments)))


class ScriptedModel:
    """Asks for fetch_weather once, then answers; with ``stubborn`` it always asks."""

    def __init__(self, stubborn: bool = False) -> None:
        self.stubborn = stubborn
        self.calls = 0

    def reply(self, messages):
        self.calls += 1
        last = messages[-1]
        role = last["role"] if isinstance(last, dict) else "assistant"
        if role == "tool" and not self.stubborn:
            return SimpleNamespace(content="It is 72F and sunny in San Francisco.", tool_calls=None)
        call = _tool_call(f"call_{self.calls}", "fetch_weather", {"location": "San Francisco"})
        return SimpleNamespace(content=None, tool_calls=[call])


MODEL = ScriptedModel()


@actiontrace.llm
def chat_completion(model: str, messages: list, tools: list | None = None):
    actiontrace.record_usage(input_tokens=20, output_tokens=5, response_model=model)
    return SimpleNamespace(choices=[SimpleNamespace(message=MODEL.reply(messages))])


def by_name(spans):
    out = {}
    for s in spans.get_finished_spans():
        out.setdefault(s.name, []).append(s)
    return out


def children_of(spans, parent):
    return [s for s in spans.get_finished_spans() if s.parent and s.parent.span_id == parent.context.span_id]


# --- Step 1: TrackedAgent -------------------------------------------------------

class TrackedAgent:
    def __init__(self):
        random_id = ''.join(random.choices(string.ascii_lowercase + string.digits, k=9))
        self.session_id = f"agent-{int(time.time())}-{random_id}"

    def make_request(self, path: str, messages: list):
        # The document's extra_headers, as a session:
        #   Helicone-Session-Id / -Name / -Path, Helicone-Property-Agent-Version
        with actiontrace.session(self.session_id, name="AI Agent", path=path,
                                 properties={"Agent-Version": "v1.0"}):
            return chat_completion(model="gpt-4o", messages=messages)


def test_tracked_agent_session_paths_make_a_decision_tree(spans):
    agent = TrackedAgent()
    for path in ("/classify-query", "/tools/search-database", "/tools/search-database/format-results"):
        agent.make_request(path, [{"role": "user", "content": "find my order"}])
    calls = by_name(spans)["chat gpt-4o"]
    assert [s.attributes[A.SESSION_PATH] for s in calls] == [
        "/classify-query", "/tools/search-database", "/tools/search-database/format-results"]
    for span in calls:
        assert span.attributes[A.SESSION_ID] == agent.session_id
        assert span.attributes[A.SESSION_NAME] == "AI Agent"
        assert span.attributes[P + "Agent-Version"] == "v1.0"
        assert span.kind is SpanKind.CLIENT


def test_session_headers_and_session_give_the_same_attributes(spans):
    headers = {
        "Helicone-Session-Id": "agent-1",
        "Helicone-Session-Name": "Customer Support Agent",
        "Helicone-Session-Path": "/initial-query",
        "Helicone-Property-Agent-Version": "v1.0",
    }
    log_request({"_type": "tool", "toolName": "noop", "input": {}}, lambda r: None, headers)
    with actiontrace.session("agent-1", name="Customer Support Agent", path="/initial-query",
                             properties={"Agent-Version": "v1.0"}):
        with actiontrace.span("same"):
            pass
    got = by_name(spans)
    keys = (A.SESSION_ID, A.GEN_AI_CONVERSATION_ID, A.SESSION_NAME, A.SESSION_PATH, P + "Agent-Version")
    via_headers = {k: got["execute_tool noop"][0].attributes.get(k) for k in keys}
    via_session = {k: got["same"][0].attributes.get(k) for k in keys}
    assert via_headers == via_session
    assert via_headers[A.SESSION_PATH] == "/initial-query"


# --- Step 2: AgentWithTools with the manual logger (the document's code) ------------

class AgentWithTools:
    def __init__(self):
        self.logger = HeliconeManualLogger(
            api_key=os.getenv("HELICONE_API_KEY"),
            headers={}
        )
        self.session_id = f"agent-{int(time.time())}"

    def execute_tool(self, tool_name: str, parameters: dict):
        """Track custom tool execution"""
        def tool_operation(result_recorder):
            try:
                # Execute your tool logic here
                if tool_name == "search_database":
                    result = self.search_database(**parameters)
                elif tool_name == "fetch_weather":
                    result = self.fetch_weather(**parameters)
                else:
                    result = {"error": f"Unknown tool: {tool_name}"}

                result_recorder.append_results(result)
                return result
            except Exception as e:
                error = {"error": str(e)}
                result_recorder.append_results(error)
                return error

        return self.logger.log_request(
            request={
                "_type": "tool",
                "toolName": tool_name,
                "input": parameters
            },
            operation=tool_operation,
            additional_headers={
                "Helicone-Session-Id": self.session_id,
                "Helicone-Session-Path": f"/tools/{tool_name}",
                "Helicone-Property-Tool-Category": self.get_tool_category(tool_name)
            }
        )

    def search_database(self, query: str, limit: int = 10):
        # Your database search logic
        return {"results": [...], "count": limit}

    def fetch_weather(self, location: str):
        # Your weather API logic
        return {"temp": 72, "condition": "sunny"}

    def get_tool_category(self, tool_name: str) -> str:
        categories = {
            "search_database": "data",
            "fetch_weather": "external-api",
            "send_email": "notification"
        }
        return categories.get(tool_name, "general")


def test_agent_with_tools_search_database(spans):
    agent = AgentWithTools()
    result = agent.execute_tool("search_database", {"query": "running shoes", "limit": 3})
    assert result == {"results": [...], "count": 3}
    (span,) = by_name(spans)["execute_tool search_database"]
    attrs = span.attributes
    assert attrs[A.SPAN_TYPE] == "tool"
    assert attrs[A.GEN_AI_TOOL_NAME] == "search_database"
    assert attrs[A.GEN_AI_OPERATION_NAME] == "execute_tool"
    assert json.loads(attrs[A.INPUT]) == {"query": "running shoes", "limit": 3}
    assert json.loads(attrs[A.GEN_AI_TOOL_CALL_ARGUMENTS]) == {"query": "running shoes", "limit": 3}
    output = json.loads(attrs[A.OUTPUT])
    assert output["count"] == 3 and len(output["results"]) == 1  # the document's literal [...]
    assert attrs[A.GEN_AI_TOOL_CALL_RESULT] == attrs[A.OUTPUT]
    assert attrs[A.SESSION_ID] == agent.session_id
    assert attrs[A.SESSION_PATH] == "/tools/search_database"
    assert attrs[P + "Tool-Category"] == "data"
    assert span.status.status_code is StatusCode.UNSET


def test_agent_with_tools_fetch_weather_and_unknown_tool(spans):
    agent = AgentWithTools()
    assert agent.execute_tool("fetch_weather", {"location": "San Francisco"}) == {"temp": 72, "condition": "sunny"}
    assert agent.execute_tool("send_email", {"to": "a@example.com"}) == {"error": "Unknown tool: send_email"}
    got = by_name(spans)
    weather = got["execute_tool fetch_weather"][0].attributes
    assert json.loads(weather[A.OUTPUT]) == {"temp": 72, "condition": "sunny"}
    assert weather[P + "Tool-Category"] == "external-api"
    email = got["execute_tool send_email"][0].attributes
    assert json.loads(email[A.OUTPUT]) == {"error": "Unknown tool: send_email"}
    assert email[P + "Tool-Category"] == "notification"
    assert email[A.SESSION_PATH] == "/tools/send_email"


def test_agent_with_tools_caught_tool_error_is_the_recorded_result(spans):
    agent = AgentWithTools()
    result = agent.execute_tool("fetch_weather", {"city": "Paris"})  # wrong parameter name
    assert "unexpected keyword argument" in result["error"]
    span = by_name(spans)["execute_tool fetch_weather"][0]
    assert json.loads(span.attributes[A.OUTPUT]) == result
    assert span.status.status_code is StatusCode.UNSET  # the operation handled it


# --- Step 3: the CompleteAgent loop ------------------------------------------------

class CompleteAgent:
    def __init__(self):
        self.tool_executor = AgentWithTools()
        self.session_id = f"agent-{int(time.time())}"
        self.conversation_history = []

    @actiontrace.agent(name="CompleteAgent", max_iterations=5)
    def run(self, user_query: str) -> str:
        """Main agent loop with full tracing"""
        self.conversation_history.append({
            "role": "user",
            "content": user_query
        })

        max_iterations = 5
        for i in range(max_iterations):
            actiontrace.iteration()
            # Get LLM decision (the document's extra_headers, as a session)
            with actiontrace.session(self.session_id, name="Complete Agent", path=f"/iteration/{i}",
                                     properties={"Iteration": str(i)}):
                response = chat_completion(
                    model="gpt-4o",
                    messages=self.conversation_history,
                    tools=self.get_tool_definitions(),
                )

            message = response.choices[0].message

            # If no tool calls, we have final answer
            if not message.tool_calls:
                return message.content

            # Execute tool calls
            self.conversation_history.append(message)

            for tool_call in message.tool_calls:
                tool_result = self.tool_executor.execute_tool(
                    tool_call.function.name,
                    json.loads(tool_call.function.arguments)
                )

                self.conversation_history.append({
                    "role": "tool",
                    "tool_call_id": tool_call.id,
                    "content": json.dumps(tool_result)
                })

        return "Agent exceeded maximum iterations"

    def get_tool_definitions(self):
        return [
            {"type": "function", "function": {"name": "search_database", "description": "Search the product database",
                                              "parameters": {"type": "object", "properties": {
                                                  "query": {"type": "string"}, "limit": {"type": "integer"}},
                                                  "required": ["query"]}}},
            {"type": "function", "function": {"name": "fetch_weather", "description": "Get current weather for a location",
                                              "parameters": {"type": "object", "properties": {
                                                  "location": {"type": "string"}}, "required": ["location"]}}},
        ]


@pytest.fixture
def model():
    MODEL.stubborn, MODEL.calls = False, 0
    yield MODEL
    MODEL.stubborn, MODEL.calls = False, 0


def test_complete_agent_loop_produces_the_documented_tree(spans, model):
    # Usage
    agent = CompleteAgent()
    result = agent.run("What's the weather like in San Francisco?")
    assert result == "It is 72F and sunny in San Francisco."

    (root,) = by_name(spans)["invoke_agent CompleteAgent"]
    assert root.attributes[A.AGENT_ITERATIONS] == 2
    assert root.attributes[A.AGENT_MAX_ITERATIONS] == 5
    assert root.attributes[A.AGENT_MAX_ITERATIONS_REACHED] is False
    assert root.attributes[A.TOTAL_INPUT_TOKENS] == 40
    kids = children_of(spans, root)
    assert [s.name for s in kids] == ["chat gpt-4o", "execute_tool fetch_weather", "chat gpt-4o"]
    first, tool, second = kids
    assert first.attributes[A.SESSION_PATH] == "/iteration/0"
    assert first.attributes[P + "Iteration"] == "0"
    assert first.attributes[A.SESSION_NAME] == "Complete Agent"
    assert first.attributes[A.SESSION_ID] == agent.session_id
    assert second.attributes[A.SESSION_PATH] == "/iteration/1"
    assert second.attributes[P + "Iteration"] == "1"
    assert tool.attributes[A.SESSION_PATH] == "/tools/fetch_weather"
    assert tool.attributes[A.SESSION_ID] == agent.tool_executor.session_id
    assert json.loads(tool.attributes[A.INPUT]) == {"location": "San Francisco"}
    assert json.loads(tool.attributes[A.OUTPUT]) == {"temp": 72, "condition": "sunny"}
    assert first.end_time <= tool.start_time and tool.end_time <= second.start_time
    assert tool.attributes[A.PATH] == "/CompleteAgent/fetch_weather"


def test_complete_agent_hitting_max_iterations(spans, model):
    model.stubborn = True
    agent = CompleteAgent()
    assert agent.run("Loop forever") == "Agent exceeded maximum iterations"
    (root,) = by_name(spans)["invoke_agent CompleteAgent"]
    assert root.attributes[A.AGENT_ITERATIONS] == 5
    assert root.attributes[A.AGENT_MAX_ITERATIONS_REACHED] is True
    kids = children_of(spans, root)
    assert [s.attributes[A.SESSION_PATH] for s in kids if s.name == "chat gpt-4o"] == [
        f"/iteration/{i}" for i in range(5)]
    assert sum(s.name == "execute_tool fetch_weather" for s in kids) == 5


def test_how_often_agents_reach_max_iterations_is_one_query(spans, model, tmp_path):
    CompleteAgent().run("What's the weather like in San Francisco?")
    model.stubborn = True
    CompleteAgent().run("Loop forever")
    exporter = JsonlSpanExporter(tmp_path / "traces")
    exporter.export(spans.get_finished_spans())
    exporter.shutdown()
    agents = query(tmp_path / "traces", name="invoke_agent *")
    assert len(agents) == 2
    reached = [s for s in agents if s.attributes.get(A.AGENT_MAX_ITERATIONS_REACHED) is True]
    assert len(reached) == 1 and reached[0].attributes[A.AGENT_ITERATIONS] == 5


# --- Advanced patterns ----------------------------------------------------------------

@actiontrace.agent(name="research-agent")
def research_agent(question: str) -> str:
    with actiontrace.properties(**{"Agent-Name": "research-agent", "Agent-Role": "researcher",
                                   "Parent-Agent": "coordinator"}):
        reply = chat_completion(model="gpt-4o", messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content or "no answer"


@actiontrace.agent(name="coordinator")
def coordinator(question: str, shared_session_id: str) -> str:
    with actiontrace.session(shared_session_id, properties={"Agent-Name": "coordinator", "Agent-Role": "planner"}):
        return research_agent(question)


def test_multi_agent_properties_and_parentage(spans, model):
    with actiontrace.session("shared-123"):
        coordinator("What is the weather?", "shared-123")
    got = by_name(spans)
    (coord,) = got["invoke_agent coordinator"]
    (research,) = got["invoke_agent research-agent"]
    (call,) = got["chat gpt-4o"]
    assert research.parent.span_id == coord.context.span_id
    assert call.parent.span_id == research.context.span_id
    assert {coord.attributes[A.SESSION_ID], research.attributes[A.SESSION_ID], call.attributes[A.SESSION_ID]} == {"shared-123"}
    assert research.attributes[P + "Agent-Name"] == "coordinator"  # set by the coordinator's scope
    assert call.attributes[P + "Agent-Name"] == "research-agent"
    assert call.attributes[P + "Agent-Role"] == "researcher"
    assert call.attributes[P + "Parent-Agent"] == "coordinator"


def test_multi_agent_properties_through_headers(spans):
    headers = {
        "Helicone-Session-Id": "shared-123",
        "Helicone-Property-Agent-Name": "research-agent",
        "Helicone-Property-Agent-Role": "researcher",
        "Helicone-Property-Parent-Agent": "coordinator",
    }
    log_request({"_type": "tool", "toolName": "lookup", "input": {"q": 1}}, lambda r: r.append_results({"ok": True}),
                headers)
    attrs = by_name(spans)["execute_tool lookup"][0].attributes
    assert attrs[A.SESSION_ID] == "shared-123"
    assert attrs[P + "Agent-Name"] == "research-agent"
    assert attrs[P + "Parent-Agent"] == "coordinator"


class FlakyAgent(AgentWithTools):
    """An agent whose api_call tool raises out of the logger (the recovery path's trigger)."""

    def execute_tool(self, tool_name, parameters):
        def op(result_recorder):
            raise ConnectionError(f"{tool_name} unreachable")

        return self.logger.log_request(
            request={"_type": "tool", "toolName": tool_name, "input": parameters},
            operation=op,
            additional_headers={"Helicone-Session-Id": self.session_id, "Helicone-Session-Path": f"/tools/{tool_name}"},
        )


def test_error_recovery_path(spans, model):
    agent = FlakyAgent()
    session_id = agent.session_id
    params = {"endpoint": "/v1/items"}
    try:
        result = agent.execute_tool("api_call", params)
    except Exception as e:
        # Log the error (the document's headers, as a session)
        with actiontrace.session(session_id, path="/error-recovery",
                                 properties={"Error-Type": type(e).__name__,
                                             "Recovery-Strategy": "retry-with-fallback"}):
            chat_completion(model="gpt-4o", messages=[{"role": "system", "content": f"Error recovery for: {e}"}])
        result = None
    assert result is None
    got = by_name(spans)
    (tool,) = got["execute_tool api_call"]
    assert tool.status.status_code is StatusCode.ERROR
    assert tool.attributes[A.ERROR_TYPE] == "ConnectionError"
    assert any(e.name == "exception" for e in tool.events)
    (recovery,) = got["chat gpt-4o"]
    assert recovery.attributes[A.SESSION_ID] == session_id
    assert recovery.attributes[A.SESSION_PATH] == "/error-recovery"
    assert recovery.attributes[P + "Error-Type"] == "ConnectionError"
    assert recovery.attributes[P + "Recovery-Strategy"] == "retry-with-fallback"


# --- querying (the document's session query endpoint, locally) ------------------------

def test_query_sessions_by_property(spans, tmp_path):
    tracked = TrackedAgent()
    tracked.make_request("/classify-query", [{"role": "user", "content": "hi"}])
    AgentWithTools().execute_tool("fetch_weather", {"location": "Paris"})
    exporter = JsonlSpanExporter(tmp_path / "traces")
    exporter.export(spans.get_finished_spans())
    exporter.shutdown()
    result = query(tmp_path / "traces", properties={"Agent-Version": "v1.0"})
    assert [s.name for s in result] == ["chat gpt-4o"]
    (session,) = result.sessions
    assert session.session_id == tracked.session_id
    assert session.name == "AI Agent"
    assert session.properties["Agent-Version"] == "v1.0"


# --- log_request behaviour --------------------------------------------------------------

def test_log_request_returns_the_operation_result_and_records_the_return_when_nothing_appended(spans):
    out = log_request({"_type": "tool", "toolName": "calc", "input": {"a": 1}}, lambda recorder: 42)
    assert out == 42
    attrs = by_name(spans)["execute_tool calc"][0].attributes
    assert json.loads(attrs[A.OUTPUT]) == 42


def test_append_results_merges_dicts_and_keeps_other_values():
    recorder = ResultRecorder({"_type": "tool"})
    recorder.append_results({"a": 1})
    recorder.append_results({"b": 2})
    assert recorder.get_results() == {"a": 1, "b": 2}
    recorder.append_results([1, 2])
    assert recorder.get_results() == {"a": 1, "b": 2, "result": [1, 2]}


def test_log_request_exception_is_recorded_and_reraised_unchanged(spans):
    boom = RuntimeError("tool crashed")

    def op(recorder):
        recorder.append_results({"partial": True})
        raise boom

    with pytest.raises(RuntimeError) as info:
        log_request({"_type": "tool", "toolName": "crashy", "input": {}}, op)
    assert info.value is boom
    span = by_name(spans)["execute_tool crashy"][0]
    assert span.status.status_code is StatusCode.ERROR
    assert json.loads(span.attributes[A.OUTPUT]) == {"partial": True}


def test_spans_inside_the_operation_are_children_with_the_header_session(spans):
    @actiontrace.tool
    def inner_lookup(q):
        return q

    def op(recorder):
        recorder.append_results({"v": inner_lookup("x")})
        return "done"

    with actiontrace.session("ambient", path="/outer"):
        log_request({"_type": "tool", "toolName": "outer_tool", "input": {}}, op,
                    {"helicone-session-id": "from-header", "HELICONE-SESSION-PATH": "/tools/outer_tool"})
        with actiontrace.span("after"):
            pass
    got = by_name(spans)
    (outer,) = got["execute_tool outer_tool"]
    (inner,) = got["execute_tool inner_lookup"]
    assert inner.parent.span_id == outer.context.span_id
    for span in (outer, inner):
        assert span.attributes[A.SESSION_ID] == "from-header"
        assert span.attributes[A.SESSION_PATH] == "/tools/outer_tool"
    # the ambient session is back after the request
    assert got["after"][0].attributes[A.SESSION_ID] == "ambient"
    assert got["after"][0].attributes[A.SESSION_PATH] == "/outer"


def test_logger_headers_merge_with_additional_headers(spans):
    logger = HeliconeManualLogger(api_key="unused", headers={"Helicone-Property-Env": "test",
                                                            "Helicone-Session-Id": "default-session"})
    logger.log_request({"_type": "tool", "toolName": "t", "input": {}}, lambda r: None,
                       {"Helicone-Session-Id": "override"})
    attrs = by_name(spans)["execute_tool t"][0].attributes
    assert attrs[A.SESSION_ID] == "override"
    assert attrs[P + "Env"] == "test"


async def test_log_request_with_an_async_operation(spans):
    async def op(recorder):
        recorder.append_results({"temp": 72})
        return "ok"

    assert await log_request({"_type": "tool", "toolName": "async_tool", "input": {"x": 1}}, op,
                             {"Helicone-Session-Id": "s-async"}) == "ok"
    attrs = by_name(spans)["execute_tool async_tool"][0].attributes
    assert json.loads(attrs[A.OUTPUT]) == {"temp": 72}
    assert attrs[A.SESSION_ID] == "s-async"


def test_log_request_with_a_model_request_is_a_chat_span(spans):
    log_request({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]},
                lambda r: r.append_results({"choices": []}))
    (span,) = by_name(spans)["chat gpt-4o-mini"]
    assert span.kind is SpanKind.CLIENT
    assert span.attributes[A.GEN_AI_REQUEST_MODEL] == "gpt-4o-mini"


def test_log_request_needs_a_callable(spans):
    with pytest.raises(TypeError):
        log_request({"_type": "tool", "toolName": "x"}, "not callable")
    assert spans.get_finished_spans() == ()
