"""SIGTERM and SIGHUP flush what is buffered, then do what they would have done.

``docker stop`` and Kubernetes end a container with SIGTERM; its default action kills the
process without running ``atexit``, so spans still in the batch queues were lost. The handler
installed here flushes for at most ``ACTIONTRACE_SIGNAL_FLUSH_TIMEOUT_MS``, then hands the
signal on: to the handler the application had installed before ``configure()``, or, when there
was none, back to the default action re-delivered (the process ends with the signal's status,
as it would have). An application that installs its own handler after ``configure()`` replaces
this one, and its handler decides; a normal exit from there runs the exit flush.

Left alone: a signal the application ignores (``SIG_IGN``, e.g. SIGHUP under ``nohup``), a
handler that is not ours to call (installed from C), and every signal when ``configure()``
runs outside the main thread (Python only lets the main thread install handlers). SIGINT is
not touched: Python turns it into ``KeyboardInterrupt``, and a normal exit flushes.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

from .. import _settings as S
from .._safety import logger

_installed: dict[int, Any] = {}  # signal number -> the handler in place before ours


def _names() -> list[int]:
    numbers = [signal.SIGTERM]
    if hasattr(signal, "SIGHUP"):
        numbers.append(signal.SIGHUP)
    return numbers


def install_signal_handlers() -> None:
    """Put the flushing handler on SIGTERM (and SIGHUP); idempotent; main thread only."""
    if threading.current_thread() is not threading.main_thread():
        logger.debug("actiontrace: configure() outside the main thread; signal handlers not installed")
        return
    for number in _names():
        if number in _installed:
            continue
        try:
            previous = signal.getsignal(number)
            if previous is signal.SIG_IGN or previous is None:
                continue  # ignored on purpose, or set from C: not ours to change
            signal.signal(number, _handle)
            _installed[number] = previous
        except (ValueError, OSError, RuntimeError):
            logger.debug("actiontrace: could not install a handler for signal %d", number, exc_info=True)


def _flush_bounded() -> None:
    try:
        from ._shutdown import flush

        flush(S.SIGNAL_FLUSH_TIMEOUT_MS.read() / 1000)
    except Exception:
        pass


def _handle(number: int, frame: Any) -> None:
    previous = _installed.get(number, signal.SIG_DFL)
    _flush_bounded()
    if callable(previous) and previous is not _handle:
        previous(number, frame)
        return
    # The default action: restore it and deliver the signal again, so the process ends the way
    # it would have without us (killed by the signal: status -15 / 143 for SIGTERM).
    _installed.pop(number, None)
    signal.signal(number, signal.SIG_DFL)
    os.kill(os.getpid(), number)
