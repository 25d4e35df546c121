"""The decorators ``action``, ``tool``, ``llm``, ``agent`` and ``workflow``.

Each works bare (``@tool``) or called (``@tool(name=...)``) on every callable shape:
sync and async functions, generators and async generators, methods, classmethods and
staticmethods. ``wrapt`` keeps the signature, docstring, ``inspect`` answers and
descriptor binding of the original; the return value and exceptions pass through as
they are.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

from opentelemetry import context as context_api

from . import _kinds
from ._calls import Binder, Call, detach
from ._generators import traced_async_generator, traced_generator


def _underlying(fn: Any) -> Any:
    return fn.__func__ if isinstance(fn, (classmethod, staticmethod)) else fn


def _make_wrapper(fn: Any, spec: _kinds.SpanSpec) -> Any:
    target = _underlying(fn)
    binder = Binder(target)

    if inspect.isasyncgenfunction(target):

        def wrapper(wrapped, instance, args, kwargs):
            parent = context_api.get_current()
            agen = wrapped(*args, **kwargs)
            return traced_async_generator(lambda: Call(spec).start(binder, instance, args, kwargs, parent), agen)

    elif inspect.isgeneratorfunction(target):

        def wrapper(wrapped, instance, args, kwargs):
            parent = context_api.get_current()
            gen = wrapped(*args, **kwargs)
            return traced_generator(lambda: Call(spec).start(binder, instance, args, kwargs, parent), gen)

    elif inspect.iscoroutinefunction(target):

        async def wrapper(wrapped, instance, args, kwargs):
            call = Call(spec).start(binder, instance, args, kwargs)
            token = call.attach()
            try:
                result = await wrapped(*args, **kwargs)
            except BaseException as exc:
                detach(token)
                call.finish(exc)
                raise
            detach(token)
            call.set_output(result)
            call.finish()
            return result

    else:

        def wrapper(wrapped, instance, args, kwargs):
            call = Call(spec).start(binder, instance, args, kwargs)
            token = call.attach()
            try:
                result = wrapped(*args, **kwargs)
            except BaseException as exc:
                detach(token)
                call.finish(exc)
                raise
            detach(token)
            call.set_output(result)
            call.finish()
            return result

    # Imported at the first decoration, not with the package: wrapt 2.x loads asyncio and
    # importlib.metadata, which would otherwise add ~100 ms to `import actiontrace`.
    import wrapt

    return wrapt.FunctionWrapper(fn, wrapper)


def _decorator(build_spec: Callable[..., _kinds.SpanSpec]):
    """Turn a spec builder into a decorator usable bare or with keyword options."""

    def decorator(fn: Any = None, /, **options: Any) -> Any:
        if fn is None:
            return lambda f: _make_wrapper(f, build_spec(_underlying(f), **options))
        if isinstance(fn, str):  # @action("name") — the seeds' positional name
            name = fn
            return lambda f: _make_wrapper(f, build_spec(_underlying(f), name=name, **options))
        return _make_wrapper(fn, build_spec(_underlying(fn), **options))

    return decorator


action = _decorator(_kinds.action_spec)
action.__doc__ = """Trace a unit of work. ``@action`` or ``@action(name=None, capture=None,
exclude=(), attributes=None)``; the span is named after the function's qualified name.
``capture`` is True/False/'input'/'output' (None follows ``configure(capture_content=...)``);
``exclude`` names arguments never recorded."""

tool = _decorator(_kinds.tool_spec)
tool.__doc__ = """Trace a tool: span ``execute_tool {name}`` with ``gen_ai.tool.*`` attributes.
``@tool(name=None, description=None, capture=None, exclude=(), attributes=None)``; the
description defaults to the docstring's first line. Give the model's tool-call id with
``with actiontrace.tool_call_id("call_..."):`` around the call."""

agent = _decorator(_kinds.agent_spec)
agent.__doc__ = """Trace an agent: span ``invoke_agent {name}`` with ``gen_ai.agent.*``.
``@agent(name=None, id=None, description=None, max_iterations=None, ...)``. Count loop
turns with ``actiontrace.iteration()``; token and cost totals of the LLM calls inside
are written on the span when it ends."""

workflow = _decorator(_kinds.workflow_spec)
workflow.__doc__ = """Trace a workflow: span ``invoke_workflow {name}`` with ``gen_ai.workflow.name``."""

llm = _decorator(_kinds.llm_spec)
llm.__doc__ = """Trace an LLM call made without an instrumented client: span ``{operation} {model}``,
kind CLIENT. ``@llm(model=None, provider='openai', operation='chat', ...)``; without a
fixed model, a ``model`` argument of the call names it. Inside, report what the
provider returned with ``actiontrace.record_usage(input_tokens=..., output_tokens=...,
response_model=...)``."""
