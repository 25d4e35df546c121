"""Optional accelerator for the needle prefilter: Hyperscan (the ``hyperscan`` package).

The pure-Python prefilter asks one question — does the text, once translated (anchor
characters folded to NUL, capitals to lower case, quotes and blanks dropped), contain the
translation of a needle? — and pays ~2 ns per byte on CPython for the translation alone.
Hyperscan answers it on the raw UTF-8 bytes in one SIMD scan. Each needle becomes a
pattern of byte classes: letters in either case, so one pattern covers ``password:``,
``PASSWORD:`` and ``PassWord:``; any of ``- _ : = /`` where the needle has one of them;
quotes and blanks where the needle has one and before a closing separator
(``"password" :``), which is where the rules themselves allow them. Every text a rule can
match still passes (the rules' literals are letters and separators in those places); the
test suite checks it against the secret corpus with both engines. Needles of a rule marked
``exact`` (``1//0``) are matched as written instead: folded into classes, a needle that short
made the scan 13% dearer on bench case 6. A rule's ``shape`` (a format with no cheap literal:
a Telegram bot token, a Mailchimp key) joins the exact patterns, so with Hyperscan those are
found bare too, at no measurable cost to the scan.

Used only when importable. A failure to build or to scan leaves the pure-Python path in
charge: the accelerator may only ever answer "maybe" more often, never less.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from typing import Callable, Optional

ENGINES = ("auto", "re", "hyperscan")
# Anchors the pure prefilter folds with the others but that only vendor prefixes hold
# (``hvs.``, ``ya29.``, ``Q~``): here they stand for themselves, or every "task." would
# look like "sk-".
EXACT_ANCHORS = b".~"

_cache: dict[tuple[bytes, ...], "HyperscanNeedles"] = {}
_cache_lock = threading.Lock()
_CACHE_MAX = 8


def available() -> bool:
    try:
        import hyperscan  # noqa: F401
    except Exception:  # ImportError, or a CPU the library refuses
        return False
    return True


def _byte_class(members: Iterable[int]) -> bytes:
    ms = sorted(set(members))
    body = b"".join(b"\\x%02x" % m for m in ms)
    return body if len(ms) == 1 else b"[" + body + b"]"


def needle_pattern(needle: str, table: bytes, delete: bytes) -> bytes:
    """The Hyperscan pattern for one needle (see the module docstring)."""
    droppable = _byte_class(delete) + b"*"
    raw = needle.encode("utf-8", "surrogatepass").strip(delete)
    parts: list[bytes] = []
    for i, b in enumerate(raw):
        if b in delete:
            if parts and parts[-1] != droppable:
                parts.append(droppable)
            continue
        if i == len(raw) - 1 and table[b] == 0 and parts and parts[-1] != droppable:
            parts.append(droppable)
        parts.append(_classes(table, delete)[b])
    return b"".join(parts)


@functools.lru_cache(maxsize=4)
def _classes(table: bytes, delete: bytes) -> tuple[bytes, ...]:
    """For each byte, what a pattern accepts in its place: a letter in either case (the
    database is compiled caseless; the rules' own literals, some case-blind), a separator-like anchor (``- _ : = /``)
    as any of them (as the translation does), any other byte as the bytes translated
    alike."""
    out = []
    for b in range(256):
        if 65 <= b <= 90 or 97 <= b <= 122:
            out.append(b"%c" % (b | 32))  # compiled caseless: Hyperscan's literal matcher handles case
        elif b in EXACT_ANCHORS or table[b] == 1:
            out.append(_byte_class([b]))
        elif table[b] == 0:
            out.append(_byte_class(y for y in range(256) if table[y] == 0 and not (65 <= y <= 90)
                                   and y not in EXACT_ANCHORS))
        else:
            out.append(_byte_class(y for y in range(256) if table[y] == table[b] and y not in delete))
    return tuple(out)


def minimal_needles(needles: Iterable[str], delete: bytes) -> list[str]:
    """Needles minus those containing a shorter one (case-blind): a pattern for the
    shorter one matches wherever the longer one's would."""
    forms = sorted({n.lower().strip(delete.decode()) for n in needles}, key=len)
    out: list[str] = []
    for n in forms:
        if n and not any(o in n for o in out):
            out.append(n)
    return out


class HyperscanNeedles:
    """``search(text) -> bool | None``: the answer of one scan, or None when the scan
    could not run (the caller then uses its own path)."""

    def __init__(self, patterns: tuple[bytes, ...], exact: tuple[bytes, ...] = ()) -> None:
        import hyperscan

        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        n = len(patterns) + len(exact)
        # exact needles and rule shapes are matched case and all
        flags = ([hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_CASELESS] * len(patterns)
                 + [hyperscan.HS_FLAG_SINGLEMATCH] * len(exact))
        db.compile(expressions=list(patterns) + list(exact), ids=list(range(n)), elements=n, flags=flags)
        self._db = db
        self._scan = db.scan
        self._terminated = hyperscan.ScanTerminated
        self._proto = hyperscan.Scratch(db)
        self._local = threading.local()  # a scratch space serves one scan at a time

    def search(self, text: str) -> Optional[bool]:
        local = self._local
        try:
            scratch = local.scratch
        except AttributeError:
            scratch = local.scratch = self._proto.clone()
        try:
            # positional (data, handler, flags, context, scratch): keyword parsing costs here
            self._scan(text.encode("utf-8", "surrogatepass"), _stop, 0, None, scratch)
        except self._terminated:
            return True
        except Exception:
            return None
        return False


def _stop(*_args) -> bool:
    return True  # the first match answers the question: stop scanning


def _compiled(patterns: tuple[bytes, ...], exact: tuple[bytes, ...]) -> HyperscanNeedles:
    """One database per pattern set per process (compiling takes ~0.1-0.3 s); a few sets
    are kept (redactors with different extra keys), the oldest dropped first."""
    key = patterns + (b"",) + exact  # b"" is no pattern: it splits the two kinds
    with _cache_lock:
        hit = _cache.get(key)
    if hit is None:
        hit = HyperscanNeedles(patterns, exact)
        with _cache_lock:
            while len(_cache) >= _CACHE_MAX:
                del _cache[next(iter(_cache))]
            hit = _cache.setdefault(key, hit)
    return hit


def exact_pattern(needle: str) -> bytes:
    """The needle's own bytes, each escaped: matched as written, case included."""
    return b"".join(b"\\x%02x" % b for b in needle.encode("utf-8", "surrogatepass"))


class Accelerator:
    """The needle search an engine offers. ``search`` returns None ("use the pure-Python
    path") until a database is ready; with ``background=True`` the database is compiled
    in a daemon thread, so the first spans never wait for it."""

    def __init__(self, needles: Iterable[str], table: bytes, delete: bytes, *, background: bool,
                 exact: Iterable[str] = (), shapes: Iterable[str] = ()) -> None:
        exact = set(exact)
        folded = [n for n in needles if n not in exact]
        self.patterns = tuple(sorted({needle_pattern(n, table, delete) for n in minimal_needles(folded, delete)}))
        self.exact_patterns = tuple(sorted({exact_pattern(n) for n in exact} | {s.encode("ascii") for s in shapes}))
        self.search: Callable[[str], Optional[bool]] = _not_ready
        self.error: Optional[BaseException] = None
        with _cache_lock:
            hit = _cache.get(self.patterns + (b"",) + self.exact_patterns)
        if hit is not None:
            self.search = hit.search
        elif background:
            threading.Thread(target=self._compile, name="actiontrace-redaction-compile", daemon=True).start()
        else:
            self.search = _compiled(self.patterns, self.exact_patterns).search

    def _compile(self) -> None:
        try:
            self.search = _compiled(self.patterns, self.exact_patterns).search
        except Exception as exc:  # stay on the pure-Python path
            self.error = exc


def _not_ready(_text: str) -> None:
    return None


def build(engine: str, needles: list[str], table: bytes, delete: bytes,
          exact: Iterable[str] = (), shapes: Iterable[str] = ()) -> tuple[str, Optional[Accelerator]]:
    """``(engine in use, accelerator or None for pure Python)``. ``auto`` compiles in the
    background and silently keeps pure Python when Hyperscan is missing or fails;
    ``hyperscan`` compiles now and raises if it cannot."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}; got {engine!r}")
    if engine == "re" or not needles:
        return "re", None
    if engine == "auto" and not available():
        return "re", None
    try:
        return "hyperscan", Accelerator(needles, table, delete, background=engine == "auto", exact=exact,
                                        shapes=shapes)
    except Exception:
        if engine == "hyperscan":
            raise
        return "re", None
