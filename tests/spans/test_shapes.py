"""Every callable shape keeps its behaviour and introspection, and gets one span."""

# No `from __future__ import annotations`: the tests compare real annotation objects.

import asyncio
import functools
import inspect

import pytest
from opentelemetry.trace import SpanKind, StatusCode

import actiontrace

DECORATORS = [actiontrace.action, actiontrace.tool, actiontrace.agent, actiontrace.workflow, actiontrace.llm]


@pytest.mark.parametrize("decorator", DECORATORS)
def test_bare_and_called_forms_trace_a_sync_function(spans, decorator):
    @decorator
    def bare(x: int, y: int = 2) -> int:
        """Adds numbers."""
        return x + y

    @decorator(name="named")
    def called(x: int) -> int:
        return x * 2

    assert bare(1) == 3
    assert called(4) == 8
    finished = spans.get_finished_spans()
    assert len(finished) == 2
    assert all(s.end_time is not None for s in finished)


def test_span_names_and_genai_attributes(spans):
    @actiontrace.tool
    def search_database(query: str, limit: int = 10):
        """Search the product database.

        More text that is not the description."""
        return {"count": limit}

    @actiontrace.agent(name="support", id="a-1", description="Answers tickets")
    def support():
        return search_database("shoes", limit=3)

    @actiontrace.workflow
    def pipeline():
        return support()

    @actiontrace.llm(model="gpt-4o", provider="openai")
    def ask(prompt):
        actiontrace.record_usage(12, 7, response_model="gpt-4o-2024-08-06", finish_reasons=["stop"])
        return "answer"

    @actiontrace.action
    def plain():
        return ask("hi")

    pipeline()
    plain()
    by = {s.name: s for s in spans.get_finished_spans()}
    tool = by["execute_tool search_database"]
    assert tool.kind is SpanKind.INTERNAL
    assert tool.attributes["gen_ai.operation.name"] == "execute_tool"
    assert tool.attributes["gen_ai.tool.name"] == "search_database"
    assert tool.attributes["gen_ai.tool.description"] == "Search the product database."
    assert tool.attributes["gen_ai.tool.type"] == "function"
    assert tool.attributes["gen_ai.tool.call.arguments"] == '{"query":"shoes","limit":3}'
    assert tool.attributes["gen_ai.tool.call.result"] == '{"count":3}'
    agent = by["invoke_agent support"]
    assert agent.attributes["gen_ai.agent.name"] == "support"
    assert agent.attributes["gen_ai.agent.id"] == "a-1"
    assert agent.attributes["gen_ai.agent.description"] == "Answers tickets"
    assert agent.attributes["gen_ai.operation.name"] == "invoke_agent"
    wf = by["invoke_workflow pipeline"]
    assert wf.attributes["gen_ai.workflow.name"] == "pipeline"
    assert wf.attributes["gen_ai.operation.name"] == "invoke_workflow"
    chat = by["chat gpt-4o"]
    assert chat.kind is SpanKind.CLIENT
    assert chat.attributes["gen_ai.provider.name"] == "openai"
    assert chat.attributes["gen_ai.request.model"] == "gpt-4o"
    assert chat.attributes["gen_ai.usage.input_tokens"] == 12
    assert chat.attributes["gen_ai.usage.output_tokens"] == 7
    assert chat.attributes["gen_ai.response.model"] == "gpt-4o-2024-08-06"
    assert chat.attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert by["test_span_names_and_genai_attributes.<locals>.plain"].attributes["actiontrace.span.type"] == "action"
    # nesting follows the call stack
    assert tool.parent.span_id == agent.context.span_id
    assert agent.parent.span_id == wf.context.span_id
    assert wf.parent is None
    assert tool.attributes["actiontrace.path"] == "/pipeline/support/search_database"


def test_llm_model_taken_from_the_call(spans):
    @actiontrace.llm
    def complete(model: str, prompt: str):
        return prompt

    complete("gpt-4o-mini", "x")
    complete(model="o3", prompt="y")
    names = sorted(s.name for s in spans.get_finished_spans())
    assert names == ["chat gpt-4o-mini", "chat o3"]


def test_tool_call_id_helper_applies_to_the_next_tool_only(spans):
    @actiontrace.tool
    def inner():
        return 1

    @actiontrace.tool
    def outer():
        return inner()

    with actiontrace.tool_call_id("call_abc"):
        outer()
    outer()
    finished = spans.get_finished_spans()
    with_id = [s.name for s in finished if "gen_ai.tool.call.id" in s.attributes]
    assert with_id == ["execute_tool outer"]
    assert finished[1].attributes["gen_ai.tool.call.id"] == "call_abc"


def test_introspection_is_preserved():
    @actiontrace.tool
    def f(a: int, b: str = "x", *args, c: float = 1.0, **kw) -> dict:
        """Doc of f."""
        return {}

    async def g0(q: str) -> str:
        return q

    g = actiontrace.agent(g0)

    @actiontrace.action
    def gen(n: int):
        yield n

    @actiontrace.action
    async def agen(n: int):
        yield n

    assert str(inspect.signature(f)) == "(a: int, b: str = 'x', *args, c: float = 1.0, **kw) -> dict"
    assert f.__name__ == "f" and f.__doc__ == "Doc of f." and f.__wrapped__.__name__ == "f"
    assert inspect.iscoroutinefunction(g) and not inspect.iscoroutinefunction(f)
    assert inspect.isgeneratorfunction(gen)
    assert inspect.isasyncgenfunction(agen)
    assert inspect.signature(g) == inspect.signature(g0)
    assert g.__wrapped__ is g0


def test_fastapi_style_introspection_sees_original_parameters():
    @actiontrace.tool
    def endpoint(item_id: int, q: str | None = None):
        return item_id

    params = inspect.signature(endpoint).parameters
    assert list(params) == ["item_id", "q"]
    assert params["item_id"].annotation is int
    hints = endpoint.__annotations__
    assert hints["item_id"] is int


def test_functools_wrapped_functions(spans):
    def logged(fn):
        @functools.wraps(fn)
        def inner(*a, **k):
            return fn(*a, **k)

        return inner

    @actiontrace.tool
    @logged
    def lookup(city: str) -> str:
        """Look up a city."""
        return city.upper()

    assert lookup("paris") == "PARIS"
    assert str(inspect.signature(lookup)) == "(city: str) -> str"
    (span,) = spans.get_finished_spans()
    assert span.attributes["gen_ai.tool.description"] == "Look up a city."
    assert span.attributes["actiontrace.input"] == '{"city":"paris"}'


class Service:
    factor = 3

    def __init__(self):
        self.calls = 0

    @actiontrace.tool
    def method(self, x):
        self.calls += 1
        return x * self.factor

    @actiontrace.tool
    @classmethod
    def klass(cls, x):
        return x + cls.factor

    @classmethod
    @actiontrace.tool
    def klass_outer(cls, x):
        return x - cls.factor

    @actiontrace.tool
    @staticmethod
    def static(x):
        return -x

    @staticmethod
    @actiontrace.tool
    def static_outer(x):
        return x * 10

    @actiontrace.action
    async def amethod(self, x):
        await asyncio.sleep(0)
        return x + 1


async def test_methods_classmethods_staticmethods(spans):
    s = Service()
    assert s.method(2) == 6 and s.calls == 1
    assert Service.method(s, 2) == 6 and s.calls == 2
    assert Service.klass(1) == 4 and s.klass(1) == 4
    assert Service.klass_outer(5) == 2
    assert Service.static(3) == -3 and s.static(3) == -3
    assert Service.static_outer(2) == 20
    assert await s.amethod(1) == 2
    inputs = [s_.attributes["actiontrace.input"] for s_ in spans.get_finished_spans()]
    # self/cls never captured
    assert inputs == ['{"x":2}'] * 2 + ['{"x":1}'] * 2 + ['{"x":5}', '{"x":3}', '{"x":3}', '{"x":2}', '{"x":1}']


async def test_async_function_keeps_result_and_nests(spans):
    @actiontrace.tool
    async def fetch_weather(location: str):
        await asyncio.sleep(0.001)
        return {"temp": 72}

    @actiontrace.agent
    async def weather_agent():
        return await fetch_weather("SF")

    assert await weather_agent() == {"temp": 72}
    tool, agent = spans.get_finished_spans()
    assert tool.parent.span_id == agent.context.span_id
    assert tool.attributes["actiontrace.output"] == '{"temp":72}'


def test_public_span_context_manager(spans):
    with actiontrace.span("plan", step=1, kind=SpanKind.CLIENT) as s:
        assert s.is_recording()
        with actiontrace.span("inner"):
            pass
    inner, plan = spans.get_finished_spans()
    assert plan.attributes["step"] == 1 and plan.kind is SpanKind.CLIENT
    assert inner.parent.span_id == plan.context.span_id


async def test_public_span_async_with(spans):
    async with actiontrace.span("async-plan") as s:
        await asyncio.sleep(0)
        s.set_attribute("done", True)
    (span,) = spans.get_finished_spans()
    assert span.attributes["done"] is True


def test_span_records_error_and_reraises(spans):
    with pytest.raises(KeyError):
        with actiontrace.span("broken"):
            raise KeyError("k")
    (span,) = spans.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "KeyError"
