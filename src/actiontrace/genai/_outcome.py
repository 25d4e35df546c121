"""What a finished call contributes to its span, as a provider's response reader reports it."""

from __future__ import annotations

from typing import Any

from ._tokens import Usage


class Outcome:
    """Response attributes (a dict made for this call, which the call may extend), token
    usage, and the model the response names (it names the span when the request did not)."""

    __slots__ = ("attributes", "usage", "model")

    def __init__(self, attributes: dict[str, Any] | None = None, usage: Usage | None = None,
                 model: str | None = None) -> None:
        self.attributes = {} if attributes is None else attributes
        self.usage = usage
        self.model = model
