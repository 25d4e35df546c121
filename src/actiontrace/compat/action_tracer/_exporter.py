"""``JSONLExporter``: ``ActionTracer`` entries as redacted JSON lines in daily files.

The files are written by the span exporter's ``RotatingJsonlWriter`` (atomic appends,
crash and multi-process safe, daily rotation), under their own prefix:
``<path>/actions-YYYY-MM-DD.jsonl`` (``actions.jsonl`` without daily rotation). The
``actiontrace`` CLI reads these flat entry lines next to span lines.
"""

from __future__ import annotations

import os
from typing import Optional

from ..._safety import log_once
from ...exporters._writer import RotatingJsonlWriter
from ._tracer import ActionTracer
from ._entry import TraceEntry

FILE_PREFIX = "actions"


class JSONLExporter:
    """Write trace entries as redacted JSONL with daily file rotation.

    ``path`` is the directory (created if missing; ``FileNotFoundError`` if its parent
    is missing). Each entry is ``entry.redacting_dump_json(max_summary_chars=...)`` on
    one line. Writing never raises into the traced code: a failed write is dropped and
    logged (rate-limited by the writer), and an entry that cannot be redacted is not
    written at all.
    """

    def __init__(self, path: "str | os.PathLike[str]", *, rotate_daily: bool = True, max_summary_chars: int = 2000) -> None:
        if isinstance(max_summary_chars, bool) or not isinstance(max_summary_chars, int) or max_summary_chars < 0:
            raise ValueError(f"max_summary_chars must be an int >= 0, got {max_summary_chars!r}")
        self.max_summary_chars = max_summary_chars
        self._writer = RotatingJsonlWriter(path, prefix=FILE_PREFIX, rotate_daily=rotate_daily)

    @property
    def directory(self) -> str:
        return self._writer.directory

    @property
    def current_path(self) -> Optional[str]:
        """The file written last (None before the first entry)."""
        return self._writer.current_path

    def attach(self, tracer: ActionTracer) -> None:
        """Subscribe to a tracer so entries are written automatically."""
        tracer.subscribe(self.export)

    def export(self, entry: TraceEntry) -> bool:
        """Write one entry; False if it was dropped."""
        try:
            line = entry.redacting_dump_json(max_summary_chars=self.max_summary_chars)
        except Exception:
            # Fail closed: an entry we could not redact never reaches the disk.
            log_once("JSONLExporter.redact", "actiontrace: a trace entry could not be redacted and was not written")
            return False
        return self._writer.write_lines([line.encode("utf-8")])

    def close(self) -> None:
        self._writer.close()
