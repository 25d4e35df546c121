"""Which file a ``RotatingJsonlWriter`` appends to, and which old files it deletes.

Files are ``<prefix>-YYYY-MM-DD.jsonl`` per UTC day (``<prefix>.jsonl`` without daily
rotation), then ``.1.jsonl``, ``.2.jsonl``... once ``max_bytes`` would be exceeded (the
writer decides when). ``max_files`` / ``max_days`` delete the oldest. Other processes may
write to the same directory: names are read back from it, never assumed.
"""

from __future__ import annotations

import calendar
import os
import re
import time
from collections.abc import Callable

DAY_S = 86400


class RotatingFiles:
    """The file names of one writer's directory and prefix, and their retention."""

    def __init__(self, directory: str, prefix: str, *, rotate_daily: bool, max_files: int | None,
                 max_days: int | None, clock: Callable[[], float]) -> None:
        self.directory = directory
        self.prefix = prefix
        self.rotate_daily = rotate_daily
        self.max_files = max_files
        self.max_days = max_days
        self._clock = clock
        self._name_re = re.compile(
            re.escape(prefix) + (r"-(\d{4}-\d{2}-\d{2})" if rotate_daily else "") + r"(?:\.(\d+))?\.jsonl\Z"
        )

    @staticmethod
    def day_of(now: float) -> tuple[str, float, float]:
        """(``YYYY-MM-DD``, start, end) of the UTC day holding ``now`` (epoch seconds)."""
        start = float(int(now // DAY_S) * DAY_S)
        return time.strftime("%Y-%m-%d", time.gmtime(start)), start, start + DAY_S

    def file_name(self, day: str | None, index: int) -> str:
        stem = f"{self.prefix}-{day}" if self.rotate_daily else self.prefix
        return f"{stem}.{index}.jsonl" if index else f"{stem}.jsonl"

    def parse_name(self, name: str) -> tuple[str | None, int] | None:
        """(day or None, index) for one of our file names, else None."""
        m = self._name_re.match(name)
        if not m:
            return None
        if self.rotate_daily:
            return m.group(1), int(m.group(2) or 0)
        return None, int(m.group(1) or 0)

    def latest_index(self, day: str | None) -> int:
        """The highest index written for ``day`` so far (0 when none)."""
        # Other processes may already have rotated today's file: join the newest.
        try:
            names = os.listdir(self.directory)
        except OSError:
            return 0
        best = 0
        for name in names:
            parsed = self.parse_name(name)
            if parsed and parsed[0] == day:
                best = max(best, parsed[1])
        return best

    def apply_retention(self, current: str | None) -> None:
        """Delete the files past ``max_files`` / ``max_days``, never ``current``."""
        if self.max_files is None and self.max_days is None:
            return
        files = self._ours_by_age()
        doomed = set()
        if self.max_days is not None:
            cutoff = (int(self._clock() // DAY_S) - self.max_days + 1) * DAY_S
            doomed.update(p for age, _, p in files if (age // DAY_S) * DAY_S < cutoff)
        if self.max_files is not None and len(files) > self.max_files:
            doomed.update(p for _, _, p in files[: len(files) - self.max_files])
        doomed.discard(current)
        for path in doomed:
            try:
                os.unlink(path)
            except OSError:  # another process got there first, or no permission: not ours to fix
                pass

    def _ours_by_age(self) -> list[tuple[float, int, str]]:
        """(age key, index, path) of our files, oldest first."""
        try:
            names = os.listdir(self.directory)
        except OSError:
            return []
        files = []
        for name in names:
            parsed = self.parse_name(name)
            if not parsed:
                continue
            day, index = parsed
            path = os.path.join(self.directory, name)
            try:
                # Daily files age by the day in their name, others by mtime.
                age_key = calendar.timegm(time.strptime(day, "%Y-%m-%d")) if day else os.stat(path).st_mtime
            except (OSError, ValueError):
                continue
            files.append((age_key, index, path))
        files.sort()
        return files


def fsync_dir(path: str) -> None:
    """Make a new or removed directory entry durable (best effort)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
