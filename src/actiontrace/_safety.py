"""Tracing must never break the traced code: failures are logged once and swallowed."""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger("actiontrace")

_seen: set[str] = set()
_lock = threading.Lock()


def log_once(key: str, message: str, *args: object, exc_info: bool = True) -> None:
    """Log ``message`` the first time ``key`` is seen in this process, then stay quiet."""
    with _lock:
        if key in _seen:
            return
        _seen.add(key)
    try:
        logger.warning(message, *args, exc_info=exc_info)
    except Exception:  # a broken logging setup must not reach user code either
        pass


def tracing_failed(where: str) -> None:
    """Record that tracing code at ``where`` raised; call from an ``except`` block."""
    log_once(where, "actiontrace: tracing failed in %s; the traced code is unaffected", where)
