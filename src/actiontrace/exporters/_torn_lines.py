"""Torn lines: what a crash mid-write leaves at the end of a JSONL file, found and skipped.

The writer ends a torn last line before appending (``tail_is_torn``), so a fragment stays one
bad line; ``read_lines`` yields only complete lines and warns about a torn last one.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator


class TornLineWarning(UserWarning):
    """A JSONL file held an incomplete or unparsable line, which was skipped."""


def tail_is_torn(path: str) -> bool:
    """Whether the file's last byte is not a newline (an empty file is not torn)."""
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        if f.tell() == 0:
            return False
        f.seek(-1, os.SEEK_END)
        return f.read(1) != b"\n"


def read_lines(path: str | os.PathLike) -> Iterator[bytes]:
    """Complete lines of one JSONL file, without newlines and without blank lines.

    A last line with no newline is torn (a crash mid-write, or a write still in
    progress): it is skipped with a ``TornLineWarning``. Callers that parse
    lines should skip unparsable ones the same way (a repaired torn line can sit
    in the middle of a file).
    """
    with open(path, "rb") as f:
        pending = b""
        for chunk in iter(lambda: f.read(1 << 20), b""):
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for line in complete:
                if line.strip():
                    yield line
        if pending.strip():
            warnings.warn(
                f"{os.fspath(path)}: skipped a torn last line ({len(pending)} bytes without a newline)",
                TornLineWarning,
                stacklevel=2,
            )
