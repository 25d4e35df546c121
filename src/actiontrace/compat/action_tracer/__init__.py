"""ActionTracer: an in-memory ring of ``TraceEntry`` objects, fed by an SDK span processor,
with a JSON-lines exporter of its own."""

from ._entry import TraceEntry
from ._exporter import JSONLExporter
from ._tracer import ActionTracer

__all__ = ["ActionTracer", "JSONLExporter", "TraceEntry"]
