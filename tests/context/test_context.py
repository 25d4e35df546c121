"""Parentage across asyncio tasks, gather, executors and to_thread."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading

import actiontrace
from actiontrace import propagate_context_to_threads


@actiontrace.tool
def work(i):
    return threading.get_ident()


@actiontrace.tool
async def awork(i):
    await asyncio.sleep(0.001 * (3 - i))
    return i


def children_of(spans, parent_name):
    finished = spans.get_finished_spans()
    parent = next(s for s in finished if s.name == parent_name)
    return [s for s in finished if s.parent is not None and s.parent.span_id == parent.context.span_id]


async def test_gather_and_create_task_children(spans):
    async with actiontrace.span("root"):
        await asyncio.gather(*(awork(i) for i in range(3)))
        task = asyncio.create_task(awork(0))
        await task
    assert len(children_of(spans, "root")) == 4


async def test_to_thread_keeps_parent(spans):
    with actiontrace.span("root"):
        ident = await asyncio.to_thread(work, 1)
    assert ident != threading.get_ident()
    assert len(children_of(spans, "root")) == 1


def test_thread_pool_executor_keeps_parent(spans):
    propagate_context_to_threads()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        with actiontrace.span("root"):
            futures = [pool.submit(work, i) for i in range(4)]
            idents = {f.result() for f in futures}
            assert list(pool.map(work, range(3)))
    assert threading.get_ident() not in idents
    assert len(children_of(spans, "root")) == 7


async def test_run_in_executor_keeps_parent(spans):
    propagate_context_to_threads()
    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        with actiontrace.span("root"):
            await loop.run_in_executor(pool, work, 1)
    assert len(children_of(spans, "root")) == 1


def test_sibling_spans_are_not_nested(spans):
    with actiontrace.span("root"):
        work(1)
        work(2)
    assert len(children_of(spans, "root")) == 2
