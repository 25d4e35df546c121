"""The prefilter: one literal-byte regex that tells, at memchr speed, that no rule can fire.

Every anchor character of every needle (``- _ : = / . ~`` and the capitals ``I J K G``)
maps to one byte, NUL; quotes and blanks are dropped (so ``"password" : "x"`` and
``password=x`` look alike); the bytes are reversed (the anchor usually *ends* a needle:
``sk-``, ``ghp_``, ``password=``) and one regex starting with the literal NUL continues
with a trie of the reversed needles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Optional

_ANCHORS = b"-_:=/IJKG"
# Rarer anchors of a few vendor prefixes (``hvs.``, ``ya29.``, ``Q~``) become \x01, kept
# apart from NUL so a sentence's full stop does not look like ``sk-``; needles with no
# NUL anchor get a second trie starting with \x01.
_DOT_ANCHORS = b".~"
_DELETE = b" \t\"'\\"
# Anchors become NUL; other capitals fold to lower case (fewer needle spellings, fewer
# branches to try at each NUL).
_TABLE = bytes(0 if c in _ANCHORS else 1 if c in _DOT_ANCHORS else (c + 32 if 65 <= c <= 90 else c)
               for c in range(256))


def _translate(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass").translate(_TABLE, _DELETE)


def _trie_regex(entries: Iterable[tuple[bytes, bytes]]) -> bytes:
    """A regex for ``(rest, behind)`` entries: ``rest`` must follow, and then ``behind``
    (if any) must precede the position reached. Built as nested single-byte branches
    (sre rejects a branch on its first literal almost for free); lookbehinds sit at the
    leaves, so they only run once the rest of a needle has matched."""
    root: dict = {}
    for rest, behind in entries:
        node = root
        for c in rest:
            node = node.setdefault(c, {})
        node.setdefault(None, set()).add(behind)

    def emit(node: dict) -> bytes:
        ends = node.get(None, set())
        if b"" in ends:
            return b""  # a needle ends here unconditionally: deeper bytes need no check
        alts = [re.escape(bytes([c])) + emit(child) for c, child in sorted((k, v) for k, v in node.items() if k is not None)]
        alts += [b"(?<=" + re.escape(b) + b")" for b in sorted(ends)]
        return alts[0] if len(alts) == 1 else b"(?:" + b"|".join(alts) + b")"

    return emit(root)


class _Needles:
    """The NUL trie, and the \x01 trie for needles anchored only by ``.``/``~``."""

    def __init__(self, nul: Optional["re.Pattern[bytes]"], dot: Optional["re.Pattern[bytes]"]) -> None:
        self._nul, self._dot = nul, dot

    def search(self, reversed_translation: bytes) -> Optional[bool]:
        if self._nul is not None and self._nul.search(reversed_translation) is not None:
            return True
        if self._dot is not None and self._dot.search(reversed_translation) is not None:
            return True
        return None


def _needle_regex(needles: Iterable[str]) -> Optional[_Needles]:
    """Bytes regexes over the reversed translation: an anchor byte, then a trie of needles."""
    needles = list(needles)
    if not needles:
        return None
    nul = [n for n in needles if 0 in _translate(n)]
    dot = [n for n in needles if 0 not in _translate(n)]
    return _Needles(_trie_for(nul, 0), _trie_for(dot, 1))


def _trie_for(needles: list[str], anchor: int) -> Optional["re.Pattern[bytes]"]:
    entries: set[tuple[bytes, bytes]] = set()
    for needle in needles:
        r = _translate(needle)[::-1]
        i = r.find(anchor)
        if i < 0:
            raise ValueError(f"needle {needle!r} holds no anchor character ({(_ANCHORS + _DOT_ANCHORS).decode()})")
        pre, rest = r[:i], r[i + 1 :]
        if not rest:
            # Nothing to branch on after the NUL: every anchor would pay for this needle.
            raise ValueError(f"needle {needle!r} must not end its reversed form on an anchor")
        entries.add((rest, r if pre else b""))
    if not entries:
        return None
    return re.compile(bytes([anchor]) + _trie_regex(entries))
