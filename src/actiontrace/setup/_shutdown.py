"""``flush()`` and the orderly shutdown ``configure()`` arms for the end of the process.

At exit (and on SIGTERM, see ``_signals``) the pipeline is shut down in one order: the JSONL
branch first (the local record of truth; it never waits on the network), then OTLP traces,
then OTLP metrics. The two OTLP signals share one export timeout (``exporters._otlp.ExitBudget``):
a collector that refuses connections costs a failed attempt, not a timeout; one that never
answers costs at most one OTLP export timeout for both signals together.

``flush()`` runs the SDK's flush on a helper thread and waits at most ``timeout``: the SDK's
own ``force_flush`` ignores its timeout, and a caller (a notebook cell, a serverless handler,
a signal handler) must get control back.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from .._safety import logger, tracing_failed


def _drops() -> int:
    otlp = sys.modules.get("actiontrace.exporters._otlp")
    if otlp is None:  # no OTLP branch was ever built
        return 0
    stats = otlp.export_stats()
    return int(stats["dropped_export"] + stats["dropped_queue"])


def _flush_targets(state: Any) -> list[Any]:
    from opentelemetry import trace

    if state is None:
        provider = trace.get_tracer_provider()
        return [provider] if callable(getattr(provider, "force_flush", None)) else []
    targets = [state.provider] if state.owned else list(state.processors)
    if state.logs is not None:  # the GenAI events
        targets.append(state.logs)
    if state.meter_provider is not None:
        targets.append(state.meter_provider)
    return targets


def flush(timeout: float = 10.0) -> bool:
    """Export every span ended so far, waiting at most ``timeout`` seconds.

    Returns True when everything was handed to every exporter in time and none of it was
    dropped (a failing OTLP endpoint makes it False; the JSONL files still have the spans).
    After it, ``actiontrace.query(dir)`` in the same process sees every span ended so far.
    Without ``configure()`` it flushes the application's SDK provider, if there is one.
    Never raises.
    """
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, not {type(timeout).__name__}")
    if timeout < 0:
        raise ValueError(f"timeout must be 0 or more, not {timeout}")
    from . import _configure

    targets = _flush_targets(_configure._state)
    before = _drops()
    millis = int(timeout * 1000)
    outcome: list[bool] = []

    def run() -> None:
        ok = True
        for target in targets:
            try:
                ok = target.force_flush(millis) is not False and ok
            except Exception:
                tracing_failed("flush")
                ok = False
        outcome.append(ok)

    worker = threading.Thread(target=run, name="actiontrace-flush", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        logger.warning("actiontrace.flush(): not finished after %.1f s; the rest is exported in the background",
                       timeout)
        return False
    return outcome[0] and _drops() == before


def shutdown_state(state: Any) -> None:
    """Shut one configure()'s pipeline down: spans first, then the GenAI events, then metrics."""
    if state.owned:
        state.provider.shutdown()
    else:
        # Processors added to the application's provider: it may shut them down again later,
        # which they ignore.
        for processor in state.processors:
            try:
                processor.shutdown()  # exports what it holds first
            except Exception:
                tracing_failed("shutdown.processor")
    if state.logs is not None:
        state.logs.shutdown()
    if state.meter_provider is not None:
        from ._metrics import shutdown_metrics

        shutdown_metrics()
