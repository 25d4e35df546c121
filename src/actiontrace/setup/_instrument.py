"""Client libraries are instrumented when the application imports them, not by ``configure()``.

Importing ``openai`` costs more CPU than the whole of ``configure()``; an application that has
it installed but never imports it should not pay for it. So ``configure()`` instruments a
library already imported at once, and otherwise registers a post-import hook
(``wrapt.register_post_import_hook``) that instruments it right after its first import.
A failure inside the hook is logged, never raised into the application's ``import``.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any, Callable, Iterable

from .._safety import logger
from .._settings import ContentMode

# The LLM content mode configure() put in force (its argument or the OTel GenAI variable); None:
# LLM messages follow the capture switch of the decorators (ACTIONTRACE_CAPTURE_CONTENT).
genai_mode: ContentMode | None = None


def genai_capture() -> bool:
    """configure()'s LLM content switch, asked per call: whether messages go on the span."""
    mode = genai_mode
    if mode is None:
        from ..spans._capture import settings

        return settings.enabled
    return mode.on_span


def _openai(provider: Any) -> None:
    from ..instrumentation.openai import OpenAIInstrumentor

    instrumentor = OpenAIInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        # configure()'s content switch, asked per call (configure(capture_content=...) rules)
        instrumentor.instrument(tracer_provider=provider, capture_content=genai_capture)


def _anthropic(provider: Any) -> None:
    from ..instrumentation.anthropic import AnthropicInstrumentor

    instrumentor = AnthropicInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider, capture_content=genai_capture)


def _mcp(provider: Any) -> None:
    from ..instrumentation.mcp import MCPInstrumentor

    instrumentor = MCPInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider)  # defers itself until mcp is imported


def _openai_agents(provider: Any) -> None:
    from ..instrumentation.openai_agents._on_import import instrument_when_imported

    instrument_when_imported(tracer_provider=provider)


# name -> (the library's import name, the module whose import triggers the instrumentation,
# or None when the instrumentor waits for the import by itself, and what instruments it)
AVAILABLE: dict[str, tuple[str, str | None, Callable[[Any], None]]] = {
    "openai": ("openai", "openai", _openai),
    "anthropic": ("anthropic", "anthropic", _anthropic),
    "mcp": ("mcp", None, _mcp),
    "openai_agents": ("agents", None, _openai_agents),
}


def installed() -> list[str]:
    """The instrumentations whose library is installed (the default of ``instrument=``)."""
    return [name for name, (library, _, _) in AVAILABLE.items() if importlib.util.find_spec(library) is not None]


def check(names: Iterable[str]) -> list[str]:
    names = list(names)
    for name in names:
        if name not in AVAILABLE:
            known = ", ".join(repr(n) for n in AVAILABLE)
            raise ValueError(f"unknown instrumentation {name!r}; available: {known}")
    return names


def _run(name: str, instrument: Callable[[Any], None], provider: Any) -> None:
    try:
        instrument(provider)
    except Exception:
        logger.warning("actiontrace: instrumenting %s failed; tracing continues without it", name,
                       exc_info=True)


def instrument_on_import(names: Iterable[str], provider: Any) -> None:
    """Instrument each of ``names`` now if its library is imported, else right after its import."""
    for name in check(names):
        _, module, instrument = AVAILABLE[name]
        if module is None or module in sys.modules:
            _run(name, instrument, provider)
            continue
        import wrapt

        wrapt.register_post_import_hook(lambda _module, n=name, f=instrument: _run(n, f, provider), module)
