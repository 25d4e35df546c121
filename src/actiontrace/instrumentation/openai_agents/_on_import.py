"""Instrument the Agents SDK when the application imports it, not before: ``configure()``
must not pay the SDK's import (about a second, ``openai`` included) in an application that
has it installed but does not use it."""

from __future__ import annotations

import importlib.abc
import sys
import threading
from typing import Any

from ..._safety import log_once

_lock = threading.Lock()
_options: dict[str, Any] | None = None  # instrument() options, while a hook waits for the import


def _instrument_now(options: dict[str, Any]) -> None:
    try:
        from . import OpenAIAgentsInstrumentor

        instrumentor = OpenAIAgentsInstrumentor()
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument(**options)
    except Exception:
        log_once("openai_agents.on_import", "actiontrace: could not instrument the Agents SDK; it runs untraced")


class _Finder(importlib.abc.MetaPathFinder):
    """Finds nothing itself: on ``import agents`` it lets the other finders find the package,
    and wraps its loader so the instrumentor runs once the package has loaded."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != "agents" or _options is None:
            return None
        sys.meta_path.remove(self)  # not ours to find, and only once
        from importlib.util import find_spec

        spec = find_spec(fullname)
        if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _Loader(spec.loader)
        return spec


class _Loader(importlib.abc.Loader):
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:  # resource readers, get_data, ...: the real loader's
        return getattr(self.inner, name)

    def create_module(self, spec: Any) -> Any:
        return self.inner.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self.inner.exec_module(module)
        options = _take()
        if options is not None:
            _instrument_now(options)


def _take() -> dict[str, Any] | None:
    global _options
    with _lock:
        options, _options = _options, None
    return options


def instrument_when_imported(**options: Any) -> None:
    """Instrument now if ``agents`` is imported already, else as soon as it is."""
    global _options
    if "agents" in sys.modules:
        _instrument_now(options)
        return
    with _lock:
        first = _options is None
        _options = options
    if first:
        sys.meta_path.insert(0, _Finder())
