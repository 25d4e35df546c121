"""Forked children flush their own spans before they exit.

The SDK's BatchSpanProcessor restarts its worker thread in a forked child, so a child can export,
but a ``multiprocessing`` child started with "fork" leaves through ``os._exit`` after its target
returns: atexit handlers (where configure() flushes) never run, and the spans it queued are lost.
multiprocessing does run its own finalizers on that path, so one is armed in every forked child.

Not covered, by nature: a bare ``os.fork()`` child that calls ``os._exit`` itself must call
``actiontrace.shutdown()`` (or the provider's ``force_flush``) first; one that exits normally is
flushed by the configure() exit hook it inherited. With "spawn"/"forkserver" the child is a new
interpreter: it must call ``actiontrace.configure()`` itself.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from .._safety import tracing_failed

_FLUSH_TIMEOUT_MS = 5_000
_lock = threading.Lock()
_armed: weakref.WeakSet = weakref.WeakSet()


def _flush(provider: Any) -> None:
    try:
        provider.force_flush(_FLUSH_TIMEOUT_MS)
    except Exception:
        tracing_failed("fork.flush_at_child_exit")


def _arm_in_child(provider: Any) -> None:
    # Runs in the child right after multiprocessing cleared the parent's finalizers.
    try:
        from multiprocessing import util

        util.Finalize(provider, _flush, args=(provider,), exitpriority=100)
    except Exception:
        tracing_failed("fork.arm_in_child")


def flush_forked_children(provider: Any) -> None:
    """Arrange for multiprocessing "fork" children to flush ``provider`` when they finish.

    Idempotent per provider; holds it weakly (a discarded provider is forgotten).
    """
    with _lock:
        if provider in _armed:
            return
        _armed.add(provider)
    try:
        from multiprocessing import util

        util.register_after_fork(provider, _arm_in_child)
    except Exception:
        tracing_failed("fork.register")
