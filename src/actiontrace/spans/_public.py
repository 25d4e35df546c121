"""``actiontrace.span()``: the span starter as a public context manager."""

from __future__ import annotations

from typing import TYPE_CHECKING

from opentelemetry.trace import SpanKind

from ._starter import traced

if TYPE_CHECKING:
    from opentelemetry.util.types import AttributeValue


def span(
    name: str, kind: SpanKind = SpanKind.INTERNAL, *, span_type: str = "action", **attributes: AttributeValue
) -> traced:
    """``with actiontrace.span("plan", step=1) as s:`` (or ``async with``) — a span made
    current for the block, with the same error handling as the decorators. Yields the span."""
    return traced(name, span_type=span_type, kind=kind, attributes=attributes or None)
