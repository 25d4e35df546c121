"""Per agent/workflow accumulators: token and cost totals rolled up from the LLM calls
inside, and an agent's iteration count against its limit."""

from __future__ import annotations

import threading
from typing import Any, cast

from opentelemetry import context as context_api

from .. import _vocabulary as A
from .._vocabulary import TOTALS_KEY


class Totals:
    """Totals for one agent or workflow span; adding also adds to the enclosing one."""

    __slots__ = ("parent", "input_tokens", "output_tokens", "cost_usd", "iterations", "max_iterations", "_lock")

    def __init__(self, parent: "Totals | None", max_iterations: int | None = None) -> None:
        self.parent = parent
        self.input_tokens = 0
        self.output_tokens = 0
        self.cost_usd = 0.0
        self.iterations = 0
        self.max_iterations = max_iterations
        self._lock = threading.Lock()  # LLM calls may finish in worker threads

    def add(self, input_tokens: int | None = None, output_tokens: int | None = None, cost_usd: float | None = None) -> None:
        node: Totals | None = self
        while node is not None:
            with node._lock:
                node.input_tokens += input_tokens or 0
                node.output_tokens += output_tokens or 0
                node.cost_usd += cost_usd or 0.0
            node = node.parent

    def attributes(self) -> dict[str, Any]:
        attrs: dict[str, Any] = {}
        if self.input_tokens or self.output_tokens:
            attrs[A.TOTAL_INPUT_TOKENS] = self.input_tokens
            attrs[A.TOTAL_OUTPUT_TOKENS] = self.output_tokens
        if self.cost_usd:
            attrs[A.TOTAL_COST_USD] = round(self.cost_usd, 10)
        if self.iterations or self.max_iterations is not None:
            attrs[A.AGENT_ITERATIONS] = self.iterations
        if self.max_iterations is not None:
            attrs[A.AGENT_MAX_ITERATIONS] = self.max_iterations
            attrs[A.AGENT_MAX_ITERATIONS_REACHED] = self.iterations >= self.max_iterations
        return attrs


def current(ctx: context_api.Context | None = None) -> Totals | None:
    return cast("Totals | None", context_api.get_value(TOTALS_KEY, ctx))


def with_totals(ctx: context_api.Context, max_iterations: int | None = None) -> tuple[Totals, context_api.Context]:
    """A new accumulator under the current one, set into ``ctx``."""
    totals = Totals(current(ctx), max_iterations)
    return totals, context_api.set_value(TOTALS_KEY, totals, ctx)


def iteration(count: int = 1) -> int:
    """Count an iteration of the enclosing agent's loop; returns the new count (0 outside an agent)."""
    totals = current()
    if totals is None:
        return 0
    with totals._lock:
        totals.iterations += count
        return totals.iterations
