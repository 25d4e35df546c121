"""Terminal output: ANSI colour on a terminal, plain text when piped.

Written by hand rather than with ``rich``: the command prints trees and
aligned tables only, and plain ANSI keeps the CLI dependency-free and about
80 ms faster to start (see docs/cli.md for the measurements).
"""

from __future__ import annotations

import math
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
    """The one cost format of the CLI and the page: ``-`` when unknown (None), two significant
    digits under a cent (one small call costs millionths of a dollar), cents above."""
    if usd is None:
        return "-"
    usd = float(usd)
    if usd == 0:
        return "$0.00"
    if abs(usd) < 0.01:
        rounded = float(f"{usd:.2g}")  # round first so 9.96e-06 reads 0.000010, not 0.0000100
        return f"${rounded:.{1 - math.floor(math.log10(abs(rounded)))}f}"
    return f"${usd:,.2f}"


def fmt_tokens(input_tokens: int | None, output_tokens: int | None) -> str:
    """``in→out``; a count that is absent (or 0, as the reader gives an absent one) reads ``-``."""
    return f"{fmt_int(input_tokens)}→{fmt_int(output_tokens)}"


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
