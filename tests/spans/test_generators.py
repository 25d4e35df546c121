"""Generators and async generators: one span for the whole iteration, ended exactly once
however the iteration stops, and never current in the caller between yields."""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest
from opentelemetry import trace
from opentelemetry.trace import StatusCode

import actiontrace


@actiontrace.action
def numbers(n):
    for i in range(n):
        yield i
    return "done"


@actiontrace.action
async def anumbers(n):
    for i in range(n):
        await asyncio.sleep(0)
        yield i


def only(spans, name):
    found = [s for s in spans.get_finished_spans() if s.name.endswith(name)]
    assert len(found) == 1, [s.name for s in spans.get_finished_spans()]
    return found[0]


def test_exhaustion_records_items_and_completion(spans):
    assert list(numbers(3)) == [0, 1, 2]
    span = only(spans, "numbers")
    assert span.attributes["actiontrace.stream.items"] == 3
    assert span.attributes["actiontrace.stream.completed"] is True


def test_return_value_reaches_yield_from(spans):
    def outer():
        result = yield from numbers(2)
        return result

    gen = outer()
    assert list(gen) == [0, 1]
    only(spans, "numbers")


def test_early_break_and_close_end_once(spans):
    gen = numbers(10)
    for i in gen:
        if i == 2:
            break
    assert spans.get_finished_spans() == ()  # suspended, not ended yet
    gen.close()
    gen.close()
    span = only(spans, "numbers")
    assert span.attributes["actiontrace.stream.items"] == 3
    assert span.attributes["actiontrace.stream.completed"] is False
    assert span.status.status_code is StatusCode.UNSET


def test_dropped_generator_is_ended_by_gc(spans):
    gen = numbers(10)
    next(gen)
    del gen
    gc.collect()
    span = only(spans, "numbers")
    assert span.attributes["actiontrace.stream.completed"] is False


def test_never_started_generator_records_nothing(spans):
    gen = numbers(3)
    del gen
    gc.collect()
    assert spans.get_finished_spans() == ()


def test_error_inside_generator_ends_span_with_error(spans):
    @actiontrace.action
    def failing():
        yield 1
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        list(failing())
    span = only(spans, "failing")
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "RuntimeError"


def test_send_and_throw_reach_the_body(spans):
    @actiontrace.action
    def echo():
        received = []
        try:
            while True:
                try:
                    value = yield len(received)
                    received.append(value)
                except ValueError:
                    received.append("caught")
        except GeneratorExit:
            raise

    gen = echo()
    assert next(gen) == 0
    assert gen.send("a") == 1
    assert gen.throw(ValueError("x")) == 2
    assert gen.send("b") == 3
    gen.close()
    assert only(spans, "echo").attributes["actiontrace.stream.items"] == 4


def test_span_is_not_current_between_yields(spans):
    seen_inside = []

    @actiontrace.action
    def producer():
        for i in range(3):
            seen_inside.append(trace.get_current_span().get_span_context().span_id)
            yield i

    with actiontrace.span("caller") as caller:
        for _ in producer():
            # the caller still sees its own span, and spans it starts are its children
            assert trace.get_current_span() is caller
            with actiontrace.span("sibling"):
                pass
    by = {s.name: s for s in spans.get_finished_spans() if s.name != "sibling"}
    prod = next(s for n, s in by.items() if n.endswith("producer"))
    assert set(seen_inside) == {prod.context.span_id}
    for sib in [s for s in spans.get_finished_spans() if s.name == "sibling"]:
        assert sib.parent.span_id == caller.get_span_context().span_id


def test_abandoned_generator_leaves_no_context_behind(spans, caplog):
    caplog.set_level(logging.ERROR)
    with actiontrace.span("root") as root:
        gen = numbers(5)
        next(gen)
        del gen
        gc.collect()
        assert trace.get_current_span() is root
        with actiontrace.span("after"):
            pass
    after = next(s for s in spans.get_finished_spans() if s.name == "after")
    assert after.parent.span_id == root.get_span_context().span_id
    assert "Failed to detach context" not in caplog.text


async def test_async_generator_exhaustion(spans):
    assert [i async for i in anumbers(3)] == [0, 1, 2]
    span = only(spans, "anumbers")
    assert span.attributes["actiontrace.stream.items"] == 3
    assert span.attributes["actiontrace.stream.completed"] is True


async def test_async_generator_aclose_after_break(spans):
    agen = anumbers(10)
    async for i in agen:
        if i == 1:
            break
    await agen.aclose()
    await agen.aclose()
    span = only(spans, "anumbers")
    assert span.attributes["actiontrace.stream.items"] == 2
    assert span.attributes["actiontrace.stream.completed"] is False


async def test_async_generator_consumer_cancelled(spans):
    started = asyncio.Event()

    @actiontrace.action
    async def slow():
        yield 1
        started.set()
        await asyncio.sleep(10)
        yield 2

    async def consume():
        async for _ in slow():
            pass

    task = asyncio.create_task(consume())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    span = only(spans, "slow")
    assert span.end_time is not None
    assert span.attributes["actiontrace.stream.completed"] is False
    assert span.attributes["error.type"] == "asyncio.exceptions.CancelledError"


async def test_async_generator_dropped_is_finalised_by_the_loop(spans):
    agen = anumbers(10)
    await agen.__anext__()
    del agen
    gc.collect()
    for _ in range(5):  # the loop schedules aclose() of collected async generators
        await asyncio.sleep(0)
    span = only(spans, "anumbers")
    assert span.attributes["actiontrace.stream.completed"] is False


async def test_async_generator_not_current_between_yields(spans):
    @actiontrace.action
    async def producer():
        for i in range(2):
            yield i

    with actiontrace.span("caller") as caller:
        async for _ in producer():
            assert trace.get_current_span() is caller
