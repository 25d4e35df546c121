"""Carry the current context into ``concurrent.futures`` worker threads.

``asyncio.to_thread`` already copies the context; ``ThreadPoolExecutor.submit`` (and so
``loop.run_in_executor``) does not, which would orphan spans started in the worker.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
from typing import Any, Callable

import wrapt

_patched = False


def _submit(wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if not args:
        return wrapped(*args, **kwargs)
    ctx = contextvars.copy_context()
    return wrapped(ctx.run, *args, **kwargs)


def propagate_context_to_threads() -> None:
    """Make ``ThreadPoolExecutor.submit`` run each task in a copy of the submitter's context.
    ``configure()`` does this; call it yourself when you bring your own SDK setup."""
    global _patched
    if _patched:
        return
    wrapt.wrap_function_wrapper(concurrent.futures.ThreadPoolExecutor, "submit", _submit)
    _patched = True
