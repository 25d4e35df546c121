"""The decorators ``action``, ``tool``, ``llm``, ``agent`` and ``workflow``.

Each works bare (``@tool``) or called (``@tool(name=...)``) on every callable shape:
sync and async functions, generators and async generators, methods, classmethods and
staticmethods. ``wrapt`` keeps the signature, docstring, ``inspect`` answers and
descriptor binding of the original; the return value and exceptions pass through as
they are.

For type checkers each decorator returns exactly what it was given (the overloads say
so), so a decorated function keeps its parameters and return type; the overloads are
typing only, the runtime path is one implementation per decorator.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, Callable, Iterable, Literal, Mapping, ParamSpec, Protocol, TypeVar, overload

from opentelemetry import context as context_api

from . import _kinds
from ._calls import Binder, Call, detach
from ._generators import traced_async_generator, traced_generator

if TYPE_CHECKING:
    from opentelemetry.util.types import AttributeValue

# Any function shape (a staticmethod object is callable too); classmethods have their own overload.
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")

Capture = Literal["input", "output"] | bool | None
_Wrapper = Callable[[Any, Any, tuple[Any, ...], dict[str, Any]], Any]


class Decorator(Protocol):
    """What a called decorator (``@tool(...)``) returns: the same kind of object it is given."""

    @overload
    def __call__(self, fn: F, /) -> F: ...
    @overload
    def __call__(self, fn: classmethod[T, P, R], /) -> classmethod[T, P, R]: ...


def _underlying(fn: Any) -> Any:
    return fn.__func__ if isinstance(fn, (classmethod, staticmethod)) else fn


def _async_generator_wrapper(spec: _kinds.SpanSpec, binder: Binder) -> _Wrapper:
    def wrapper(wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        parent = context_api.get_current()
        agen = wrapped(*args, **kwargs)
        return traced_async_generator(lambda: Call(spec).start(binder, instance, args, kwargs, parent), agen)

    return wrapper


def _generator_wrapper(spec: _kinds.SpanSpec, binder: Binder) -> _Wrapper:
    def wrapper(wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        parent = context_api.get_current()
        gen = wrapped(*args, **kwargs)
        return traced_generator(lambda: Call(spec).start(binder, instance, args, kwargs, parent), gen)

    return wrapper


def _coroutine_wrapper(spec: _kinds.SpanSpec, binder: Binder) -> _Wrapper:
    async def wrapper(wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
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

    return wrapper


def _function_wrapper(spec: _kinds.SpanSpec, binder: Binder) -> _Wrapper:
    def wrapper(wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
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

    return wrapper


def _make_wrapper(fn: Any, spec: _kinds.SpanSpec) -> Any:
    target = _underlying(fn)
    binder = Binder(target)
    if inspect.isasyncgenfunction(target):
        wrapper = _async_generator_wrapper(spec, binder)
    elif inspect.isgeneratorfunction(target):
        wrapper = _generator_wrapper(spec, binder)
    elif inspect.iscoroutinefunction(target):
        wrapper = _coroutine_wrapper(spec, binder)
    else:
        wrapper = _function_wrapper(spec, binder)

    # Imported at the first decoration, not with the package: wrapt 2.x loads asyncio and
    # importlib.metadata, which would otherwise add ~100 ms to `import actiontrace`.
    import wrapt

    return wrapt.FunctionWrapper(fn, wrapper)


def _decorate(build_spec: Callable[..., _kinds.SpanSpec], fn: Any, options: dict[str, Any]) -> Any:
    """``@kind`` (fn is the function), ``@kind(**options)`` (fn is None) or ``@kind("name")``."""
    if fn is None:
        return lambda f: _make_wrapper(f, build_spec(_underlying(f), **options))
    if isinstance(fn, str):  # @action("name") — the seeds' positional name
        name = fn
        return lambda f: _make_wrapper(f, build_spec(_underlying(f), name=name, **options))
    return _make_wrapper(fn, build_spec(_underlying(fn), **options))


@overload
def action(fn: F, /) -> F: ...
@overload
def action(fn: classmethod[T, P, R], /) -> classmethod[T, P, R]: ...
@overload
def action(
    *,
    name: str | None = ...,
    capture: Capture = ...,
    exclude: Iterable[str] | None = ...,
    attributes: Mapping[str, AttributeValue] | None = ...,
) -> Decorator: ...
@overload
def action(name: str, /, **options: Any) -> Decorator: ...
def action(fn: Any = None, /, **options: Any) -> Any:
    """Trace a unit of work. ``@action`` or ``@action(name=None, capture=None,
    exclude=(), attributes=None)``; the span is named after the function's qualified name.
    ``capture`` is True/False/'input'/'output' (None follows ``configure(capture_content=...)``);
    ``exclude`` names arguments never recorded."""
    return _decorate(_kinds.action_spec, fn, options)


@overload
def tool(fn: F, /) -> F: ...
@overload
def tool(fn: classmethod[T, P, R], /) -> classmethod[T, P, R]: ...
@overload
def tool(
    *,
    name: str | None = ...,
    description: str | None = ...,
    capture: Capture = ...,
    exclude: Iterable[str] | None = ...,
    attributes: Mapping[str, AttributeValue] | None = ...,
) -> Decorator: ...
@overload
def tool(name: str, /, **options: Any) -> Decorator: ...
def tool(fn: Any = None, /, **options: Any) -> Any:
    """Trace a tool: span ``execute_tool {name}`` with ``gen_ai.tool.*`` attributes.
    ``@tool(name=None, description=None, capture=None, exclude=(), attributes=None)``; the
    description defaults to the docstring's first line. Give the model's tool-call id with
    ``with actiontrace.tool_call_id("call_..."):`` around the call."""
    return _decorate(_kinds.tool_spec, fn, options)


@overload
def agent(fn: F, /) -> F: ...
@overload
def agent(fn: classmethod[T, P, R], /) -> classmethod[T, P, R]: ...
@overload
def agent(
    *,
    name: str | None = ...,
    id: str | None = ...,
    description: str | None = ...,
    max_iterations: int | None = ...,
    capture: Capture = ...,
    exclude: Iterable[str] | None = ...,
    attributes: Mapping[str, AttributeValue] | None = ...,
) -> Decorator: ...
@overload
def agent(name: str, /, **options: Any) -> Decorator: ...
def agent(fn: Any = None, /, **options: Any) -> Any:
    """Trace an agent: span ``invoke_agent {name}`` with ``gen_ai.agent.*``.
    ``@agent(name=None, id=None, description=None, max_iterations=None, ...)``. Count loop
    turns with ``actiontrace.iteration()``; token and cost totals of the LLM calls inside
    are written on the span when it ends."""
    return _decorate(_kinds.agent_spec, fn, options)


@overload
def workflow(fn: F, /) -> F: ...
@overload
def workflow(fn: classmethod[T, P, R], /) -> classmethod[T, P, R]: ...
@overload
def workflow(
    *,
    name: str | None = ...,
    capture: Capture = ...,
    exclude: Iterable[str] | None = ...,
    attributes: Mapping[str, AttributeValue] | None = ...,
) -> Decorator: ...
@overload
def workflow(name: str, /, **options: Any) -> Decorator: ...
def workflow(fn: Any = None, /, **options: Any) -> Any:
    """Trace a workflow: span ``invoke_workflow {name}`` with ``gen_ai.workflow.name``."""
    return _decorate(_kinds.workflow_spec, fn, options)


@overload
def llm(fn: F, /) -> F: ...
@overload
def llm(fn: classmethod[T, P, R], /) -> classmethod[T, P, R]: ...
@overload
def llm(
    *,
    model: str | None = ...,
    provider: str | None = ...,
    operation: str = ...,
    name: str | None = ...,
    capture: Capture = ...,
    exclude: Iterable[str] | None = ...,
    attributes: Mapping[str, AttributeValue] | None = ...,
) -> Decorator: ...
@overload
def llm(name: str, /, **options: Any) -> Decorator: ...
def llm(fn: Any = None, /, **options: Any) -> Any:
    """Trace an LLM call made without an instrumented client: span ``{operation} {model}``,
    kind CLIENT. ``@llm(model=None, provider=None, operation='chat', ...)``; without a
    fixed model, a ``model`` argument of the call names it. ``provider`` sets
    ``gen_ai.provider.name``; without it the model's family implies it (``claude-*`` ->
    ``anthropic``, ``gpt-*`` -> ``openai``, ...; see ``actiontrace.genai._providers``) or, for a
    family no one provider serves, it is left out. Inside, report what the provider returned
    with ``actiontrace.record_usage(input_tokens=..., output_tokens=..., response_model=...)``;
    the cost of a priced model is worked out from the same table as instrumented calls'."""
    return _decorate(_kinds.llm_spec, fn, options)
