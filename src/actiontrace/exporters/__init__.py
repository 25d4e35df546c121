"""Exporters that keep traces locally: OTLP/JSON lines in rotating files."""

from ._torn_lines import TornLineWarning, read_lines
from ._writer import RotatingJsonlWriter
from ._jsonl import JsonlSpanExporter
from ._otlp_json import SpanLineEncoder
from ..reading._decode import iter_spans_from_line

__all__ = [
    "JsonlSpanExporter",
    "RotatingJsonlWriter",
    "SpanLineEncoder",
    "TornLineWarning",
    "iter_spans_from_line",
    "read_lines",
]
