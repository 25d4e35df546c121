"""``JsonlSpanExporter``: ended spans as OTLP/JSON lines in rotating local files."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from ._writer import RotatingJsonlWriter
from ._otlp_json import SpanLineEncoder, max_value_chars_from_env

logger = logging.getLogger("actiontrace.exporters")


class JsonlSpanExporter(SpanExporter):
    """Writes each span as one OTLP/JSON line (``{"resourceSpans":[...]}``).

    Files live in the directory ``path`` (created ``0700``; its parent must
    exist): ``<prefix>-YYYY-MM-DD.jsonl`` per UTC day, ``.1.jsonl``, ``.2.jsonl``
    ... past ``max_bytes``; ``max_files`` / ``max_days`` delete the oldest.
    ``fsync`` is ``"never"`` (data reaches the kernel per batch; survives a
    process crash) or ``"batch"`` (also survives power loss).

    String values longer than ``max_value_chars`` (default:
    ``OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`` or 65536) are truncated with a marker
    holding the original length. ``encoder`` picks who writes the JSON text: ``"auto"``
    (orjson when it imports, from the ``fast`` extra, else the standard library),
    ``"orjson"`` (``ImportError`` without it) or ``"json"``; the bytes are the same
    either way, orjson only escapes long strings faster. ``export`` never raises: on any fault it
    drops the batch, logs (rate-limited) and returns ``FAILURE``; the next
    batch retries, so it recovers when the fault clears. Run it behind a
    ``BatchSpanProcessor`` (a batch is a few large writes).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = "./traces",
        *,
        prefix: str = "traces",
        rotate_daily: bool = True,
        max_bytes: int | None = None,
        max_files: int | None = None,
        max_days: int | None = None,
        fsync: str = "never",
        max_value_chars: int | None = None,
        clock: Callable[[], float] | None = None,
        encoder: str = "auto",
    ) -> None:
        encoder_class = _encoder_class(encoder)  # a bad name fails before any file is made
        self._writer = RotatingJsonlWriter(
            path,
            prefix=prefix,
            rotate_daily=rotate_daily,
            max_bytes=max_bytes,
            max_files=max_files,
            max_days=max_days,
            fsync=fsync,
            clock=clock,
        )
        if max_value_chars is None:
            max_value_chars = max_value_chars_from_env()
        self._encoder = encoder_class(max_value_chars)
        self._shutdown = False
        self._bad_span_logged = False
        self._encode_lock = threading.Lock()  # the encoder's head cache is not thread-safe

    @property
    def encoder(self) -> SpanLineEncoder:
        return self._encoder

    @property
    def directory(self) -> str:
        return self._writer.directory

    @property
    def writer(self) -> RotatingJsonlWriter:
        return self._writer

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if self._shutdown:
            return SpanExportResult.FAILURE
        try:
            lines: list[bytes] = []
            add, encode = lines.append, self._encoder.encode  # looked up once a batch
            with self._encode_lock:
                for span in spans:
                    try:
                        add(encode(span))
                    except Exception:  # one odd span must not cost the batch
                        if not self._bad_span_logged:
                            self._bad_span_logged = True
                            logger.warning("actiontrace: could not encode a span; it was dropped", exc_info=True)
            if not lines:
                return SpanExportResult.SUCCESS
            ok = self._writer.write_lines(lines)
        except Exception:  # never raise into the SDK's worker or the application
            logger.warning("actiontrace: JSONL export failed", exc_info=True)
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS if ok else SpanExportResult.FAILURE

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        try:
            return self._writer.flush()
        except Exception:
            return False

    def shutdown(self) -> None:
        if self._shutdown:
            return
        self._shutdown = True
        try:
            self._writer.close()
        except Exception:
            logger.warning("actiontrace: closing the JSONL file failed", exc_info=True)


ENCODERS = ("auto", "orjson", "json")


def _encoder_class(name: str) -> type[SpanLineEncoder]:
    if name not in ENCODERS:
        raise ValueError(f"encoder must be one of {ENCODERS}, got {name!r}")
    if name == "json":
        return SpanLineEncoder
    try:
        from ._otlp_json_orjson import OrjsonSpanLineEncoder
    except ImportError:
        if name == "orjson":
            raise
        return SpanLineEncoder
    return OrjsonSpanLineEncoder
