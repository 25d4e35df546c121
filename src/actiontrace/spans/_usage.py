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
from ..genai._cost import cost_usd as _cost_of
from ..genai._providers import provider_for_model
from ..genai._tokens import Usage
from ..genai._tokens import count as _token_count
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
    Values that are None are left out, never recorded as 0. Without ``cost_usd``, the cost is
    priced from the response model (else the span's request model) through the same table
    as instrumented calls; an unpriced model gets none."""
    try:
        target = span if span is not None else trace.get_current_span()
        if cost_usd is None and (input_tokens is not None or output_tokens is not None):
            cost_usd = _price(target, response_model, input_tokens, output_tokens, cache_read_input_tokens,
                              reasoning_output_tokens)
        provider = _provider_of(target, response_model)
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
        if provider:
            attrs[A.GEN_AI_PROVIDER_NAME] = provider
        if attrs and target.is_recording():
            target.set_attributes(attrs)
        rollup = totals if totals is not None else current()
        if rollup is not None:
            rollup.add(input_tokens, output_tokens, cost_usd)
    except Exception:
        tracing_failed("record_usage")


def _started_attributes(target: Span) -> Any:
    # An SDK span reads its attributes back; another API's span may not: then nothing is known.
    attrs = getattr(target, "attributes", None)
    return attrs if attrs is not None and hasattr(attrs, "get") else {}


def _provider_of(target: Span, response_model: str | None) -> str | None:
    """The provider a response model implies, for an LLM span that started without one."""
    if not response_model or not target.is_recording():
        return None
    started = _started_attributes(target)
    if started.get(A.SPAN_TYPE) != "llm" or started.get(A.GEN_AI_PROVIDER_NAME) is not None:
        return None
    return provider_for_model(response_model)


def _price(target: Span, response_model: str | None, input_tokens: int | None, output_tokens: int | None,
           cached: int | None, reasoning: int | None) -> float | None:
    """The cost of reported tokens, as an instrumented call's would be priced; None if unpriced."""
    started = _started_attributes(target)
    model = response_model or started.get(A.GEN_AI_RESPONSE_MODEL) or started.get(A.GEN_AI_REQUEST_MODEL)
    usage = Usage(_token_count(input_tokens), _token_count(output_tokens),
                  cache_read_input_tokens=_token_count(cached), reasoning_tokens=_token_count(reasoning))
    return _cost_of(model if isinstance(model, str) else None, usage)


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
