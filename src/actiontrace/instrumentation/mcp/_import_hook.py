"""Run a callback once a package has been imported, so ``configure()`` can instrument mcp
without importing it (a quarter of a second) in applications that never do.

A one-shot finder on ``sys.meta_path`` finds the package's spec through the other finders and
wraps that spec's loader's ``exec_module``: the callback runs right after the package's
``__init__`` has executed, before the importing statement gets the module, so names the
application then imports from mcp are the instrumented ones.
"""

from __future__ import annotations

import importlib.abc
import sys
from typing import Any, Callable

from ..._safety import tracing_failed


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, name: str, callback: Callable[[], None]) -> None:
        self.name = name
        self.callback = callback

    def find_spec(self, fullname: str, path: Any = None, target: Any = None):
        if fullname != self.name:
            return None
        cancel(self)
        for finder in list(sys.meta_path):
            find = getattr(finder, "find_spec", None)
            spec = find(fullname, path, target) if find is not None else None
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        exec_module = getattr(loader, "exec_module", None)
        if exec_module is None:
            return spec
        callback = self.callback

        def exec_then_call(module: Any) -> None:
            exec_module(module)
            try:
                callback()
            except Exception:
                tracing_failed("mcp.import_hook")

        try:
            loader.exec_module = exec_then_call  # this spec's own loader instance only
        except Exception:
            tracing_failed("mcp.import_hook")
        return spec


def when_imported(name: str, callback: Callable[[], None]) -> _Finder:
    """Call ``callback`` right after ``name`` is first imported; returns the handle to cancel."""
    finder = _Finder(name, callback)
    sys.meta_path.insert(0, finder)
    return finder


def cancel(finder: _Finder | None) -> None:
    if finder is not None and finder in sys.meta_path:
        sys.meta_path.remove(finder)
