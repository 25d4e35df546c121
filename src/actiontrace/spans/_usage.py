"""Recording what an LLM call returned (tokens, response model, cost) from inside the call."""

from __future__ import annotations

from contextvars import Token
from typing import Any, Iterable, Literal

from opentelemetry import context as context_api
from opentelemetry import trace
from opentelemetry.trace import Span

from .. import _vocabulary as A
from .._vocabulary import TOOL_CALL_ID_KEY
from .._safety import tracing_failed
from ._totals import Totals, current
from ._totals import iteration as _iteration


def record_usage(
    input_tokens: int | None = None,
    output_tokens: int | None = None,
    *,
    response_model: str | None = None,
    response_id: str | None = None,
    finish_reasons: Iterable[str] | None = None,
    cache_read_input_tokens: int | None = None,
    reasoning_output_tokens: int | None = None,
    cost_usd: float | None = None,
    span: Span | None = None,
    totals: Totals | None = None,
) -> None:
    """Set ``gen_ai.usage.*``, ``gen_ai.response.*`` and ``actiontrace.cost.usd`` on the current
    (or given) LLM span and add tokens and cost to the enclosing agent/workflow totals.
    Values that are None are left out, never recorded as 0."""
    try:
        target = span if span is not None else trace.get_current_span()
        attrs: dict[str, Any] = {}
        for key, value in (
            (A.GEN_AI_USAGE_INPUT_TOKENS, input_tokens),
            (A.GEN_AI_USAGE_OUTPUT_TOKENS, output_tokens),
            (A.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, cache_read_input_tokens),
            (A.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, reasoning_output_tokens),
            (A.GEN_AI_RESPONSE_MODEL, response_model),
            (A.GEN_AI_RESPONSE_ID, response_id),
            (A.COST_USD, cost_usd),
        ):
            if value is not None:
                attrs[key] = value
        if finish_reasons is not None:
            attrs[A.GEN_AI_RESPONSE_FINISH_REASONS] = [str(r) for r in finish_reasons]
        if attrs and target.is_recording():
            target.set_attributes(attrs)
        rollup = totals if totals is not None else current()
        if rollup is not None:
            rollup.add(input_tokens, output_tokens, cost_usd)
    except Exception:
        tracing_failed("record_usage")


def iteration(count: int = 1) -> int:
    """Count one turn of the enclosing agent's loop (``actiontrace.agent.iterations``); with
    ``@agent(max_iterations=N)`` the span also says whether the limit was reached."""
    return _iteration(count)


class tool_call_id:
    """``with tool_call_id("call_abc"): search(...)`` gives the next ``@tool`` span started
    inside its ``gen_ai.tool.call.id``; the tool's own signature stays untouched."""

    def __init__(self, call_id: str) -> None:
        self._call_id = call_id
        self._token: Token[context_api.Context] | None = None

    def __enter__(self) -> "tool_call_id":
        self._token = context_api.attach(context_api.set_value(TOOL_CALL_ID_KEY, self._call_id))
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        if self._token is not None:
            context_api.detach(self._token)
        return False

    async def __aenter__(self) -> "tool_call_id":
        return self.__enter__()

    async def __aexit__(self, *exc: object) -> Literal[False]:
        return self.__exit__(*exc)
