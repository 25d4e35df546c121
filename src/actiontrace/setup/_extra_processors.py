"""How ``configure(span_processors=[...])`` puts the application's processors behind redaction.

An SDK ``BatchSpanProcessor`` only queues a span on the calling thread and hands batches to
its exporter on its own worker thread; redacting in front of that exporter
(``RedactingSpanExporter``) gives the exporter exactly what a ``RedactingSpanProcessor``
around the processor would, without costing the application's thread the redaction pass
(~40,000 instructions a span). Any other processor may read a span on the calling thread
(a ``SimpleSpanProcessor`` exports there), so it keeps the ``RedactingSpanProcessor`` wrapping.
"""

from __future__ import annotations

from typing import Any, Optional


def _batch_exporter_slot(processor: Any) -> Any:
    """The SDK's batch machinery holding the exporter of an exact ``BatchSpanProcessor``, or None.

    Exact type only: a subclass may look at spans in its own ``on_end``, before the queue.
    """
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    if type(processor) is not BatchSpanProcessor:
        return None
    # The exporter lives on the SDK's BatchProcessor (``span_exporter`` reads it there);
    # an SDK that keeps it elsewhere falls back to wrapping the processor.
    batch = getattr(processor, "_batch_processor", None)
    if batch is None or getattr(batch, "_exporter", None) is None:
        return None
    return batch


def behind_redaction(processor: Any, max_value_len: Optional[int]) -> Any:
    """``processor`` made to hand its exporter only redacted spans: for an SDK batch processor
    its exporter is wrapped in place (the application's reference keeps working: its
    ``force_flush``/``shutdown`` reach the same queue), else the processor is wrapped."""
    from ..redaction import RedactingSpanExporter, RedactingSpanProcessor

    batch = _batch_exporter_slot(processor)
    if batch is None:
        return RedactingSpanProcessor(processor, max_value_len=max_value_len)
    # One attribute store: the worker thread reads it per batch, so even a batch queued
    # before this line is exported redacted.
    batch._exporter = RedactingSpanExporter(batch._exporter, max_value_len=max_value_len)
    return processor
