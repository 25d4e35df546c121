"""Encodings a value commonly arrives in: percent-encoding (``+`` for a blank with it)
and JSON ``\\u00XX`` escapes. Rules that need ``:``, ``=``, ``/`` or blanks around a
secret miss the encoded form, so the engine also scans the decoded text and maps each
match back to the characters it came from."""

from __future__ import annotations

import bisect
import re
from typing import Callable

_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_ESCAPE = re.compile(r"\\u00[0-7][0-9A-Fa-f]|\\/")
_TOKEN_PCT = re.compile(r"%[0-9A-Fa-f]{2}|\+|\\u00[0-7][0-9A-Fa-f]|\\/")
_TOKEN = re.compile(r"\\u00[0-7][0-9A-Fa-f]|\\/")


def encoded(text: str) -> bool:
    """Whether ``text`` holds an encoded character worth decoding (cheap: two memchr first)."""
    return ("%" in text and _PERCENT.search(text) is not None) or ("\\" in text and _ESCAPE.search(text) is not None)


def _char(token: str) -> str:
    if token == "+":
        return " "
    if token == "\\/":
        return "/"
    return chr(int(token[-2:], 16))


def decode(text: str) -> tuple[str, Callable[[int, int], tuple[int, int]]]:
    """``(decoded, where)``: ``where(a, b)`` maps a span of the decoded text back to ``text``."""
    token = _TOKEN_PCT if _PERCENT.search(text) else _TOKEN  # "+" is a blank only next to %XX
    parts: list[str] = []
    starts_dec: list[int] = []  # decoded offset where each piece starts
    starts_src: list[int] = []  # the same piece's offset in ``text``
    widths: list[int] = []  # source width of a one-character token; 0 for a literal run
    at = dec = 0
    for m in token.finditer(text):
        if m.start() > at:
            starts_dec.append(dec), starts_src.append(at), widths.append(0)
            parts.append(text[at : m.start()])
            dec += m.start() - at
        starts_dec.append(dec), starts_src.append(m.start()), widths.append(m.end() - m.start())
        parts.append(_char(m.group()))
        dec += 1
        at = m.end()
    if at < len(text):
        starts_dec.append(dec), starts_src.append(at), widths.append(0)
        parts.append(text[at:])

    def source(i: int, end: bool) -> int:
        k = bisect.bisect_right(starts_dec, i) - 1
        if widths[k]:
            return starts_src[k] + (widths[k] if end else 0)
        return starts_src[k] + (i - starts_dec[k]) + (1 if end else 0)

    return "".join(parts), lambda a, b: (source(a, False), source(b - 1, True))
