"""Session values and properties are stamped on every span started inside, including spans
from a plain OpenTelemetry tracer; nested sessions compose; decision paths follow ancestors."""

from __future__ import annotations

import asyncio

from opentelemetry import trace

import actiontrace
from actiontrace.context._session import session_from_headers


def test_session_stamps_spans_of_a_plain_tracer(spans):
    tracer = trace.get_tracer("someone-else")
    with actiontrace.session(session_id="s-1", name="Support", path="/initial-query", user_id="u-9",
                             properties={"tier": "pro", "attempt": 2}):
        with tracer.start_as_current_span("foreign"):
            pass
    (span,) = spans.get_finished_spans()
    a = span.attributes
    assert a["session.id"] == "s-1"
    assert a["gen_ai.conversation.id"] == "s-1"
    assert a["user.id"] == "u-9"
    assert a["actiontrace.session.name"] == "Support"
    assert a["actiontrace.session.path"] == "/initial-query"
    assert a["actiontrace.property.tier"] == "pro"
    assert a["actiontrace.property.attempt"] == 2


def test_nested_sessions_compose(spans):
    with actiontrace.session(session_id="outer", path="/agent", properties={"a": "1"}):
        with actiontrace.session(path="/tools", properties={"b": "2"}, user_id="u"):
            with actiontrace.properties(c="3"):
                with actiontrace.span("inner"):
                    pass
        with actiontrace.span("outer-span"):
            pass
    inner, outer = spans.get_finished_spans()
    assert inner.attributes["session.id"] == "outer"
    assert inner.attributes["actiontrace.session.path"] == "/agent/tools"
    assert {k: v for k, v in inner.attributes.items() if k.startswith("actiontrace.property.")} == {
        "actiontrace.property.a": "1", "actiontrace.property.b": "2", "actiontrace.property.c": "3"}
    assert inner.attributes["user.id"] == "u"
    assert outer.attributes["actiontrace.session.path"] == "/agent"
    assert "actiontrace.property.b" not in outer.attributes
    assert "user.id" not in outer.attributes


def test_inner_session_id_wins_and_generated_id(spans):
    with actiontrace.session() as s:
        generated = s.id
        with actiontrace.session(session_id="inner"):
            with actiontrace.span("a"):
                pass
        with actiontrace.span("b"):
            pass
    a, b = spans.get_finished_spans()
    assert a.attributes["session.id"] == "inner"
    assert b.attributes["session.id"] == generated and len(generated) == 36


def test_session_as_decorator_sync_and_async(spans):
    @actiontrace.session(session_id="deco")
    def run():
        with actiontrace.span("x"):
            pass

    @actiontrace.session(session_id="adeco")
    async def arun():
        with actiontrace.span("y"):
            await asyncio.sleep(0)

    run()
    asyncio.run(arun())
    x, y = spans.get_finished_spans()
    assert x.attributes["session.id"] == "deco"
    assert y.attributes["session.id"] == "adeco"


async def test_session_is_inherited_by_tasks(spans):
    async def child():
        with actiontrace.span("child"):
            await asyncio.sleep(0)

    async with actiontrace.session(session_id="tasks"):
        await asyncio.gather(child(), child())
    assert [s.attributes["session.id"] for s in spans.get_finished_spans()] == ["tasks", "tasks"]


def test_no_session_outside(spans):
    with actiontrace.span("bare"):
        pass
    (span,) = spans.get_finished_spans()
    assert "session.id" not in span.attributes
    assert span.attributes["actiontrace.path"] == "/bare"


def test_decision_path_from_ancestors(spans):
    @actiontrace.tool(name="search-database")
    def search():
        with actiontrace.span("format-results"):
            pass

    @actiontrace.agent(name="classify-query")
    def classify():
        search()

    classify()
    paths = {s.name: s.attributes["actiontrace.path"] for s in spans.get_finished_spans()}
    assert paths == {
        "format-results": "/classify-query/search-database/format-results",
        "execute_tool search-database": "/classify-query/search-database",
        "invoke_agent classify-query": "/classify-query",
    }


def test_helicone_headers_map_to_session_attributes():
    attrs = session_from_headers({
        "Helicone-Session-Id": "sid",
        "helicone-session-name": "Customer Support Agent",
        "Helicone-Session-Path": "/tools/search-database",
        "Helicone-Property-Agent-Name": "research-agent",
        "Helicone-Auth": "Bearer x",
        "Content-Type": "application/json",
    })
    assert attrs == {
        "session.id": "sid",
        "gen_ai.conversation.id": "sid",
        "actiontrace.session.name": "Customer Support Agent",
        "actiontrace.session.path": "/tools/search-database",
        "actiontrace.property.Agent-Name": "research-agent",
    }
    assert session_from_headers({"Authorization": "x"}) == {}


def test_agent_totals_and_iterations_roll_up(spans):
    @actiontrace.llm(model="m")
    def think():
        actiontrace.record_usage(100, 20, cost_usd=0.01)

    @actiontrace.agent(name="inner")
    def inner():
        think()

    @actiontrace.agent(name="outer", max_iterations=3)
    def outer():
        for _ in range(2):
            actiontrace.iteration()
            think()
        inner()

    outer()
    by = {s.name: s.attributes for s in spans.get_finished_spans()}
    assert by["invoke_agent inner"]["actiontrace.total.input_tokens"] == 100
    o = by["invoke_agent outer"]
    assert o["actiontrace.total.input_tokens"] == 300
    assert o["actiontrace.total.output_tokens"] == 60
    assert abs(o["actiontrace.total.cost.usd"] - 0.03) < 1e-9
    assert o["actiontrace.agent.iterations"] == 2
    assert o["actiontrace.agent.max_iterations_reached"] is False
    assert "gen_ai.usage.input_tokens" in by["chat m"]


def test_session_baggage_is_opt_in_and_round_trips(spans):
    from opentelemetry import baggage, context
    from opentelemetry.baggage.propagation import W3CBaggagePropagator

    from actiontrace.context import _baggage

    carrier: dict = {}
    with actiontrace.session(session_id="no-bag"):
        W3CBaggagePropagator().inject(carrier)
    assert carrier == {}

    _baggage.enabled = True
    try:
        with actiontrace.session(session_id="bag-1", properties={"tier": "pro"}):
            W3CBaggagePropagator().inject(carrier)
        assert "session.id=bag-1" in carrier["baggage"]
        # the receiving service: baggage extracted from headers stamps its spans
        incoming = W3CBaggagePropagator().extract(carrier)
        token = context.attach(incoming)
        try:
            assert baggage.get_baggage("session.id") == "bag-1"
            with actiontrace.span("downstream"):
                pass
        finally:
            context.detach(token)
    finally:
        _baggage.enabled = False
    (span,) = spans.get_finished_spans()
    assert span.attributes["session.id"] == "bag-1"
    assert span.attributes["actiontrace.property.tier"] == "pro"


def test_stamps_on_foreign_spans_obey_the_sdk_limits():
    # Stamps skip the SDK's re-validation only where they fit; past a limit the SDK applies it.
    from opentelemetry.sdk.trace import SpanLimits, TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    def run(limits):
        memory = InMemorySpanExporter()
        provider = TracerProvider(span_limits=limits)
        provider.add_span_processor(actiontrace.SessionSpanProcessor())
        provider.add_span_processor(SimpleSpanProcessor(memory))
        with actiontrace.session(session_id="session-one", name="Support", user_id="u-9"):
            provider.get_tracer("someone-else").start_span("foreign", attributes={"own": "value"}).end()
        provider.shutdown()
        (span,) = memory.get_finished_spans()
        return span

    roomy = run(SpanLimits(max_span_attributes=6))
    assert dict(roomy.attributes) == {
        "own": "value", "session.id": "session-one", "gen_ai.conversation.id": "session-one",
        "actiontrace.session.name": "Support", "user.id": "u-9", "actiontrace.path": "/foreign"}
    assert roomy.dropped_attributes == 0

    full = run(SpanLimits(max_span_attributes=3))
    assert len(full.attributes) == 3 and full.dropped_attributes == 3
    assert full.attributes["actiontrace.path"] == "/foreign"  # the SDK keeps the newest

    short = run(SpanLimits(max_attribute_length=4))
    assert short.attributes["session.id"] == "sess" and short.attributes["actiontrace.path"] == "/for"
    assert short.attributes["own"] == "valu"
