"""Secret redaction: the ``Redactor`` rules and the ``RedactingSpanProcessor`` that puts
them in front of every exporter. See ``docs/redaction.md``.

``RedactingSpanProcessor`` is loaded on first access so the capture layer can import
the rules without pulling in the OpenTelemetry SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._redactor import Redactor, default_redactor, set_default_redactor

if TYPE_CHECKING:
    from ._exporter import RedactingSpanExporter
    from ._processor import RedactingSpanProcessor

__all__ = ["Redactor", "RedactingSpanProcessor", "RedactingSpanExporter", "default_redactor", "set_default_redactor"]


def __getattr__(name: str) -> Any:
    if name == "RedactingSpanProcessor":
        from ._processor import RedactingSpanProcessor

        return RedactingSpanProcessor
    if name == "RedactingSpanExporter":
        from ._exporter import RedactingSpanExporter

        return RedactingSpanExporter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
