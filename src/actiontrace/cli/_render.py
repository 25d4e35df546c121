"""Terminal output: ANSI colour on a terminal, plain text when piped.

Written by hand rather than with ``rich``: the command prints trees and
aligned tables only, and plain ANSI keeps the CLI dependency-free and about
80 ms faster to start (see docs/cli.md for the measurements).
"""

from __future__ import annotations

import shutil
import sys
from typing import Sequence, TextIO

from .. import _settings

_CODES = {
    "bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34",
    "magenta": "35", "cyan": "36", "grey": "90",
}


def colour_wanted(mode: str = "auto", stream: TextIO | None = None) -> bool:
    """``always``/``never``, or ``auto``: a TTY without NO_COLOR and not TERM=dumb."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    if _settings.NO_COLOR.read():
        return False
    if _settings.FORCE_COLOR.read():
        return True
    stream = stream or sys.stdout
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and _settings.TERM.read() != "dumb"


class Style:
    """Wraps text in ANSI codes, or returns it unchanged when colour is off."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, *styles: str) -> str:
        if not self.enabled or not styles:
            return text
        codes = ";".join(_CODES[s] for s in styles if s in _CODES)
        return f"\x1b[{codes}m{text}\x1b[0m" if codes else text


def terminal_width(default: int = 120) -> int:
    return shutil.get_terminal_size((default, 24)).columns


def fmt_duration(ms: float | None) -> str:
    if ms is None:
        return "-"
    if ms >= 60_000:
        minutes, seconds = divmod(ms / 1000.0, 60)
        return f"{int(minutes)}m{seconds:04.1f}s"
    if ms >= 1000:
        return f"{ms / 1000:.2f} s"
    if ms >= 1:
        return f"{ms:.1f} ms"
    return f"{ms * 1000:.0f} µs"


def fmt_cost(usd: float | None) -> str:
    if not usd:
        return "-"
    if usd < 0.0001:  # one small call costs millionths of a dollar: show two significant digits
        return f"${usd:.2g}"
    return f"${usd:.4f}" if usd < 100 else f"${usd:,.2f}"


def fmt_int(n: int | None) -> str:
    return "-" if not n else f"{n:,}"


def fmt_pct(fraction: float | None) -> str:
    return "-" if fraction is None else f"{fraction * 100:.1f}%"


def one_line(text: object, limit: int) -> str:
    """Whitespace collapsed to single spaces, cut to ``limit`` characters with an ellipsis."""
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[: max(1, limit - 1)] + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], style: Style,
          right: Sequence[bool] | None = None) -> list[str]:
    """Aligned columns; ``right[i]`` right-aligns column i (numbers)."""
    right = list(right) if right is not None else [False] + [True] * (len(headers) - 1)
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def fmt(cells: Sequence[str]) -> str:
        parts = [c.rjust(widths[i]) if right[i] else c.ljust(widths[i]) for i, c in enumerate(cells)]
        return "  ".join(parts).rstrip()

    lines = [style(fmt(headers), "bold")]
    lines.extend(fmt(row) for row in rows)
    return lines
