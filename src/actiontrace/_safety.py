"""Tracing must never break the traced code: failures are logged once and swallowed."""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger("actiontrace")


class _RedactingFilter(logging.Filter):
    """Everything this package logs goes through the redactor: the message, and the
    traceback (formatted here, redacted, and kept in place of the exception object, since
    an exception message may quote a secret)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            from .redaction import default_redactor  # on first record: keeps the import light

            redact = default_redactor().redact_text
            message, fired = redact(record.getMessage())
            if fired:
                record.msg, record.args = message, None
            if record.exc_info:
                record.exc_text = record.exc_text or logging.Formatter().formatException(record.exc_info)
                record.exc_info = None
            if record.exc_text:
                record.exc_text = redact(record.exc_text)[0]
            if record.stack_info:
                record.stack_info = redact(record.stack_info)[0]
        except Exception:  # a record is never lost to its redaction
            pass
        return True


for _name in ("actiontrace", "actiontrace.exporters"):  # a logger's filter does not see its children's records
    logging.getLogger(_name).addFilter(_RedactingFilter())

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
