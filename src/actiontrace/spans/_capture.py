"""Safe, bounded JSON of arbitrary Python values, for captured arguments and results.

Whatever the value — cyclic, huge, non-serialisable, with a ``__repr__`` that raises —
the result is valid JSON no larger than the budget, and walking it costs no more than
the budget: containers stop after ``max_items`` entries, strings are cut after
``max_string`` characters (secrets redacted first, so a cut never leaves half a secret),
and once ``max_bytes`` is spent the rest is replaced by a truncation marker.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import enum
import json
import sys
from collections.abc import Mapping
from typing import Any

from .. import _settings as S
from .._safety import tracing_failed
from .._vocabulary import redaction_marker, truncation_marker

# Secrets longer than this (a PEM key is ~3 KB) could straddle a cut unseen.
_REDACT_MARGIN = 8192

_encoder = json.JSONEncoder(ensure_ascii=False, check_circular=False, allow_nan=False, separators=(",", ":"))
_dumps = _encoder.encode


def _one_shot_encoder() -> Any:
    """The C encoder ``_encoder.encode`` builds on every call (with a closure and two Python
    frames around it, ~3,000 instructions), built once; None where it is missing or differs."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    try:
        run = make(None, _encoder.default, json.encoder.encode_basestring, None, ":", ",", False, False, False)
        probe = {"k": [1, -2.5, "\u00e9\n\"", None, True, {"x": ()}]}
        return run if "".join(run(probe, 0)) == _dumps(probe) else None
    except Exception:
        return None


_run_encoder = _one_shot_encoder()


class Settings:
    """The capture switch and limits, from the ACTIONTRACE_CAPTURE_* variables
    (``configure(capture_content=...)`` sets ``enabled``)."""

    __slots__ = ("enabled", "max_bytes", "max_string", "max_items", "max_depth")

    def __init__(self) -> None:
        self.enabled = S.CAPTURE_CONTENT.read()
        self.max_bytes = S.CAPTURE_MAX_BYTES.read()
        self.max_string = S.CAPTURE_MAX_STRING.read()
        self.max_items = S.CAPTURE_MAX_ITEMS.read()
        self.max_depth = S.CAPTURE_MAX_DEPTH.read()


settings = Settings()


def capture_enabled() -> bool:
    return settings.enabled


_default_redactor = None


def _redactor():
    # Imported on first use: keeps `import actiontrace` light. The function is kept, not
    # its result, since configure(redactor=...) may replace the default later.
    global _default_redactor
    if _default_redactor is None:
        from ..redaction import default_redactor

        _default_redactor = default_redactor
    return _default_redactor()


def _cut(text: str, keep: int) -> str:
    """Redact, then cut: the window is redacted with a margin so no partial secret survives."""
    if len(text) <= keep:
        return _redactor().redact_text(text)[0]
    window = _redactor().redact_text(text[: keep + _REDACT_MARGIN])[0]
    return window[:keep] + truncation_marker(len(text))


class _Walker:
    __slots__ = ("remaining", "max_string", "max_items", "max_depth", "active", "redactor")

    def __init__(self, s: Settings, max_bytes: int) -> None:
        self.remaining = max_bytes
        self.max_string = s.max_string
        self.max_items = s.max_items
        self.max_depth = s.max_depth
        self.active: set[int] = set()  # ids on the current path, to spot cycles
        self.redactor = _redactor()

    def walk(self, v: Any, depth: int) -> Any:
        t = type(v)
        if v is None or t is bool:
            self.remaining -= 5
            return v
        if t is int or t is float:
            self.remaining -= 8
            if t is float and (v != v or v in (float("inf"), float("-inf"))):
                return repr(v)
            return v
        if isinstance(v, str):
            if t is not str and isinstance(v, enum.Enum):  # a (str, Enum) member's str() is its name
                return self.walk(v.value, depth)
            return self.string(str(v))
        if self.remaining <= 0:
            return truncation_marker(1, "values")
        if isinstance(v, enum.Enum):
            return self.walk(v.value, depth)
        if isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
            return self.string(v.isoformat())
        if isinstance(v, _dt.timedelta):
            return self.walk(v.total_seconds(), depth)
        if isinstance(v, (bytes, bytearray, memoryview)):
            return self.binary(v)
        if isinstance(v, int):  # int/float subclasses (IntFlag, numpy scalars registered as such)
            return self.walk(int(v), depth)
        if isinstance(v, float):
            return self.walk(float(v), depth)
        key = id(v)
        if key in self.active:
            return "[cycle]"
        if depth >= self.max_depth:
            return f"[max depth: {t.__qualname__}]"
        self.active.add(key)
        try:
            return self.container(v, t, depth)
        except BaseException:  # a hostile object (even one raising KeyboardInterrupt or SystemExit
            # from its __repr__) spoils only its own place in the payload, never the call
            return f"<unserialisable {safe_name(t)}>"
        finally:
            self.active.discard(key)

    def binary(self, v: Any) -> str:
        """``base64:`` of the bytes, with secrets in their decoded text redacted first (no
        rule can see inside base64) and before the cut, so no part of one survives."""
        size = v.nbytes if isinstance(v, memoryview) else len(v)
        try:
            raw = bytes(memoryview(v).cast("B")[: self.max_string + _REDACT_MARGIN])
        except (TypeError, ValueError):
            raw = bytes(v)[: self.max_string + _REDACT_MARGIN]
        text, fired = self.redactor.redact_text(raw.decode("utf-8", "surrogateescape"))
        if fired:
            raw = text.encode("utf-8", "surrogateescape")
        out = "base64:" + base64.b64encode(raw[: self.max_string]).decode("ascii")
        self.remaining -= len(out) + 2
        return out if size <= self.max_string and len(raw) <= self.max_string else out + truncation_marker(size, "bytes")

    def string(self, s: str) -> str:
        keep = min(self.max_string, max(self.remaining, 0))
        out = _cut(s, keep) if len(s) > keep else s
        self.remaining -= len(out) + 2
        return out

    def container(self, v: Any, t: type, depth: int) -> Any:
        if isinstance(v, Mapping):
            return self.mapping(v.items(), len(v), depth)
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            return self.mapping(((f.name, getattr(v, f.name, None)) for f in dataclasses.fields(v)), None, depth)
        dump = getattr(t, "model_dump", None)  # pydantic v2, without importing pydantic
        if dump is not None and callable(dump) and hasattr(t, "model_fields"):
            return self.walk(v.model_dump(mode="json"), depth)
        if isinstance(v, (list, tuple, set, frozenset)) or t.__name__ == "deque":
            return self.sequence(v, len(v), depth)
        if _is_text_type(t):
            return self.string(str(v))
        return self.string(safe_repr(v, self.max_string))

    def mapping(self, items, size: int | None, depth: int) -> dict:
        out: dict[str, Any] = {}
        for i, (k, val) in enumerate(items):
            if i >= self.max_items or self.remaining <= 0:
                out["…"] = truncation_marker(size if size is not None else i, "items")
                break
            name = k if type(k) is str else key_text(k)
            self.remaining -= len(name) + 3
            rule = self.redactor.match_key(name)
            if len(name) >= 6:
                # a secret used as a key is replaced; two such keys stay two keys
                redacted = self.redactor.redact_text(name)[0]
                if redacted is not name:
                    from ..redaction._structures import unique_key  # loaded with the redactor

                    name = unique_key(redacted, out)
            out[name] = redaction_marker(rule) if rule else self.walk(val, depth + 1)
        return out

    def sequence(self, v, size: int, depth: int) -> list:
        out = []
        for i, item in enumerate(v):
            if i >= self.max_items or self.remaining <= 0:
                out.append(truncation_marker(size, "items"))
                break
            out.append(self.walk(item, depth + 1))
            self.remaining -= 1
        return out


# Value types whose str() is the plain value (UUID, Decimal, paths, IP addresses and networks),
# where repr() would say "UUID('…')". Looked up in sys.modules only: a value of one of these
# types implies its module is imported, and importing them here would tax every process.
_TEXT_TYPES = (("uuid", "UUID"), ("decimal", "Decimal"), ("pathlib", "PurePath"), ("ipaddress", "IPv4Address"),
               ("ipaddress", "IPv6Address"), ("ipaddress", "IPv4Network"), ("ipaddress", "IPv6Network"))
_text_types: dict[type, bool] = {}


def _is_text_type(t: type) -> bool:
    known = _text_types.get(t)
    if known is None:
        known = False
        for module, name in _TEXT_TYPES:
            cls = getattr(sys.modules.get(module), name, None)
            if isinstance(cls, type) and issubclass(t, cls):
                known = True
                break
        if len(_text_types) < 1024:  # bounded: classes can be made at run time
            _text_types[t] = known
    return known


def key_text(k: Any) -> str:
    """A mapping key as JSON object key text: an enum's value, a UUID/Decimal/path/address as
    its plain form, a str subclass as its text, anything else its (bounded) repr."""
    try:
        if isinstance(k, enum.Enum):
            k = k.value
        if isinstance(k, str):
            return str.__str__(k)
        if type(k) is int or _is_text_type(type(k)):
            return str(k)
    except BaseException:
        pass
    return safe_repr(k, 200)


def safe_name(t: type) -> str:
    try:
        return str(t.__qualname__)
    except BaseException:
        return "object"


def safe_repr(v: Any, limit: int) -> str:
    try:
        text = repr(v)
    except BaseException:  # KeyboardInterrupt/SystemExit from a __repr__ must not stop the call
        try:
            return f"<{type(v).__qualname__} object (repr failed)>"
        except BaseException:
            return "<object (repr failed)>"
    if not isinstance(text, str):
        return f"<{type(v).__qualname__} object>"
    # redacted before the cut (a secret straddling it would leave its head behind)
    return text if len(text) <= limit else _cut(text, limit)


def _plain(v: Any, depth: int, s: Settings, match_key) -> bool:
    """JSON-native all the way down (dict/list/tuple of str, int, float, bool, None), within
    the depth, item and string limits, with no key naming a secret: then ``json.dumps``
    gives what the walker would, at C speed. A cycle runs into the depth limit."""
    t = type(v)
    if t is str:
        return len(v) <= s.max_string
    if t is int or t is bool or v is None:
        return True
    if t is float:
        return v - v == 0  # nan/inf take the walker's path
    if depth >= s.max_depth:
        return False
    if t is dict:
        if len(v) > s.max_items:
            return False
        for k, val in v.items():
            if type(k) is not str or match_key(k) or not _plain(val, depth + 1, s, match_key):
                return False
        return True
    if t is list or t is tuple:
        if len(v) > s.max_items:
            return False
        for item in v:
            if not _plain(item, depth + 1, s, match_key):
                return False
        return True
    return False


def to_json(value: Any, *, max_bytes: int | None = None) -> str:
    """Bounded, key-redacted JSON of ``value``. Never raises."""
    s = settings
    budget = s.max_bytes if max_bytes is None else max_bytes
    try:
        # Fast path: plain JSON within the limits needs no walk (value patterns are
        # redacted later, before export, on the whole string).
        if _plain(value, 0, s, _redactor().match_key):
            out = "".join(_run_encoder(value, 0)) if _run_encoder is not None else _dumps(value)
            if len(out) <= budget:
                return out
        out = _dumps(_Walker(s, budget).walk(value, 0))
        if len(out) > budget + 256:  # estimate overshot: keep JSON valid and bounded anyway
            # redacted before the cut: a cut inside a secret would leave its head behind
            out = _dumps(_redactor().redact_text(out)[0][:budget] + truncation_marker(len(out)))
        return out
    except BaseException:  # whatever a captured value raises, the traced call goes on
        tracing_failed("to_json")
        return _dumps(f"<unserialisable {safe_name(type(value))}>")
