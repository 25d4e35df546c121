"""What a type checker should see through actiontrace's public API: every line here must
check clean under ``mypy --strict`` (test_typing.py), and the file also runs (the same
test executes it), so the types it states are the ones the code really has at run time."""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Coroutine, Dict, Iterator

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Span
from typing_extensions import assert_type

import actiontrace
from actiontrace.reading._query import QueryResult  # not exported by name; query() returns it


@actiontrace.tool
def search_database(query: str, limit: int = 10) -> str:
    """Search the product database."""
    return f"{limit} results for {query}"


@actiontrace.tool(name="weather", description="Current weather", capture="input", exclude=["city"])
async def fetch_weather(city: str) -> dict[str, int]:
    return {"temp": 18}


@actiontrace.action
def words(text: str) -> Iterator[str]:
    yield from text.split()


@actiontrace.workflow(name="pipeline")
async def chunks(text: str) -> AsyncIterator[str]:
    for word in text.split():
        yield word


@actiontrace.llm(model="gpt-4o-mini", provider="openai", operation="chat")
def complete(prompt: str, *, temperature: float = 0.0) -> str:
    actiontrace.record_usage(input_tokens=12, output_tokens=3, response_model="gpt-4o-mini", finish_reasons=["stop"])
    return prompt.upper()


@actiontrace.record_action("summarise", tags=["demo"])
def summarise(text: str) -> int:
    return len(text)


class Shop:
    def __init__(self, name: str) -> None:
        self.name = name

    @actiontrace.tool
    def lookup(self, sku: str) -> float:
        return 9.5

    @actiontrace.tool(name="open_shop")
    @classmethod
    def create(cls, name: str) -> Shop:
        return cls(name)

    @classmethod
    @actiontrace.tool
    def create_inner(cls, name: str) -> Shop:
        return cls(name)

    @actiontrace.tool
    @staticmethod
    def price(sku: str, quantity: int = 1) -> float:
        return 2.0 * quantity

    @actiontrace.agent(name="clerk", max_iterations=3)
    async def serve(self, question: str) -> str:
        assert_type(actiontrace.iteration(), int)
        return question


@actiontrace.session(session_id="decorated", user_id="u-1")
def in_a_session(n: int) -> list[int]:
    return [n]


def check_decorators() -> None:
    assert_type(search_database("shoes"), str)
    assert_type(search_database("shoes", limit=3), str)
    pending = assert_type(fetch_weather("Paris"), Coroutine[Any, Any, dict[str, int]])
    assert_type(asyncio.run(pending), dict[str, int])
    assert_type(words("a b"), Iterator[str])
    assert list(words("a b")) == ["a", "b"]
    assert_type(chunks("a b"), AsyncIterator[str])
    assert_type(complete("hi", temperature=0.5), str)
    assert_type(summarise("text"), int)
    shop = Shop("corner")
    assert_type(shop.lookup("sku-1"), float)
    assert_type(Shop.create("corner"), Shop)
    assert_type(Shop.create_inner("corner"), Shop)
    assert_type(Shop.price("sku-1", quantity=2), float)
    assert_type(shop.price("sku-1"), float)
    assert_type(asyncio.run(shop.serve("hello?")), str)
    assert_type(in_a_session(1), list[int])
    assert search_database.__name__ == "search_database"  # still looks like the function it wraps


async def collect(text: str) -> list[str]:
    return [word async for word in chunks(text)]


def check_context_managers() -> None:
    with actiontrace.span("plan", step=1, kind_of="demo") as span:
        assert_type(span, Span)
    with actiontrace.session(session_id="s-1", name="Support", properties={"tier": "pro"}) as session:
        assert_type(session, actiontrace.session)
        assert_type(session.id, str | None)
        with actiontrace.properties(step=2), actiontrace.tool_call_id("call_1"):
            search_database("inside")
    assert_type(asyncio.run(collect("c d")), list[str])


def check_seed_apis() -> None:
    result = actiontrace.track_action(action_name="lookup", duration_ms=5, metadata={"sku": "a"})
    assert_type(result, Dict[str, Any])
    actiontrace.record(actiontrace.Event("refund", params={"id": 1}, result=actiontrace.EventState.SUCCESS))
    tracer = actiontrace.ActionTracer(max_entries=10)
    with tracer.trace("search", connector="db") as entry:
        assert_type(entry, actiontrace.TraceEntry)
    assert_type(tracer.entries, list[actiontrace.TraceEntry])
    reply = actiontrace.log_request({"_type": "tool", "toolName": "t"}, lambda recorder: 42)
    assert_type(reply, int)


def main() -> int:
    memory = InMemorySpanExporter()
    provider = actiontrace.configure(jsonl_path=None, metrics=False, handle_signals=False, instrument=[],
                                     span_processors=[SimpleSpanProcessor(memory)])
    assert_type(provider, TracerProvider)
    check_decorators()
    check_context_managers()
    check_seed_apis()
    assert_type(actiontrace.flush(), bool)
    assert_type(actiontrace.query([]), QueryResult)
    actiontrace.shutdown()
    names = sorted(span.name for span in memory.get_finished_spans())
    print("\n".join(names))
    return len(names)


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
