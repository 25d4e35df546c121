"""Environment variables the call core reads on every call, read without ``os.environ``'s
Mapping path.

``os.environ.get`` encodes the key and decodes the value in Python frames, and for an unset
variable raises and catches a KeyError inside: 4-8 k instructions a read, more than the
hand-written span's whole attribute reading. :func:`reader` answers the stored (encoded)
value from the dict behind ``os.environ``, which every ``os.environ[...] = ...``, ``del`` and
``putenv`` through ``os.environ`` updates: equal values mean an unchanged variable, so a
caller re-parses only when it changed. A replaced ``os.environ`` (a test's plain dict) is
read through its own ``get``.
"""

from __future__ import annotations

import os
from typing import Any, Callable

_ENVIRON = os.environ


def reader(name: str) -> Callable[[], Any]:
    """A function answering ``name``'s stored value (None when unset): compare it, don't parse it."""
    try:
        data, key = _ENVIRON._data, _ENVIRON.encodekey(name)  # type: ignore[attr-defined]
        lookup = data.get
    except Exception:  # not CPython's os._Environ
        def plain() -> Any:
            return os.environ.get(name)

        return plain

    def read() -> Any:
        if os.environ is _ENVIRON:
            return lookup(key)
        return os.environ.get(name)

    return read
