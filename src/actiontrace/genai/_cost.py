"""Cost of a call in USD from a versioned price table shipped with the package.

The table (``actiontrace/data/prices.json``) is per 1M tokens, keyed by model, whatever the
provider; a dated model name (``gpt-4o-mini-2024-07-18``) falls back to its longest listed
prefix. A price names ``input`` and ``output``, and optionally ``cached_input`` (cache reads),
``cache_creation_input`` (cache writes) and ``reasoning``, each defaulting to its base price.
Users override or extend it with :func:`set_prices` or a JSON file named by
``ACTIONTRACE_PRICES_FILE`` (same shape as the shipped one, or just ``{"model": {...}}``).
"""

from __future__ import annotations

import json
import threading
from importlib import resources
from typing import Any, Mapping

from .. import _settings
from .._safety import log_once
from ._tokens import Usage

_lock = threading.Lock()
_table: dict[str, dict[str, float]] | None = None
_overrides: dict[str, dict[str, float]] = {}
_version = "unknown"
_resolved: dict[str, dict[str, float] | None] = {}  # model -> price, so the prefix search runs once per model


def _models(data: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    models = data.get("models", data)
    return {str(k): {kk: float(vv) for kk, vv in dict(v).items()} for k, v in models.items() if isinstance(v, Mapping)}


def _load() -> dict[str, dict[str, float]]:
    global _table, _version
    with _lock:
        if _table is None:
            table: dict[str, dict[str, float]] = {}
            try:
                text = resources.files("actiontrace").joinpath("data/prices.json").read_text(encoding="utf-8")
                data = json.loads(text)
                _version = str(data.get("version", "unknown"))
                table.update(_models(data))
            except Exception:
                log_once("genai.prices", "actiontrace: could not read the shipped price table")
            path = _settings.prices_file()
            if path:
                try:
                    with open(path, encoding="utf-8") as fh:
                        table.update(_models(json.load(fh)))
                except Exception:
                    log_once("genai.prices.file", "actiontrace: could not read ACTIONTRACE_PRICES_FILE=%s", path)
            _table = table
        return _table


def prices_version() -> str:
    _load()
    return _version


def set_prices(prices: Mapping[str, Mapping[str, float]], *, replace: bool = False) -> None:
    """Add or change model prices (USD per 1M tokens: ``input``, ``output``, optional
    ``cached_input``, ``cache_creation_input`` and ``reasoning``). ``replace=True`` drops all earlier overrides first."""
    with _lock:
        if replace:
            _overrides.clear()
        _overrides.update(_models({"models": prices}))
        _resolved.clear()


def price_for(model: str | None) -> dict[str, float] | None:
    if not model:
        return None
    try:
        return _resolved[model]
    except KeyError:
        pass
    price = _lookup(model)
    if len(_resolved) < 1024:  # model names come from responses: keep the cache bounded
        _resolved[model] = price
    return price


def _lookup(model: str) -> dict[str, float] | None:
    table = _load()
    names = [model, model.rsplit("/", 1)[-1]]  # "openai/gpt-4o" from a router
    for name in names:
        for source in (_overrides, table):
            if name in source:
                return source[name]
    best: str | None = None
    for name in names:
        for key in list(_overrides) + list(table):
            if name.startswith(key + "-") and (best is None or len(key) > len(best)):
                best = key
    if best is None:
        return None
    return _overrides.get(best) or table.get(best)


def cost_usd(model: str | None, usage: Usage | None) -> float | None:
    """Input, cache-read and cache-write input, output and reasoning tokens priced separately;
    None when unknown. The cache and reasoning counts are parts of the input and output counts."""
    if usage is None or (usage.input_tokens is None and usage.output_tokens is None):  # Usage.empty, inline
        return None
    input_tokens = usage.input_tokens or 0
    output_tokens = usage.output_tokens or 0
    price = price_for(model)
    if price is None:
        return None
    input_price = price.get("input")
    if input_price is None:
        return None
    out_price = price.get("output", 0.0)
    cached = usage.cache_read_input_tokens
    written = usage.cache_creation_input_tokens
    reasoning = usage.reasoning_tokens
    # Prices are per 1M tokens; cached input, cache writes and reasoning (a part of output) may differ.
    cost = (input_tokens * input_price + output_tokens * out_price) / 1_000_000.0
    if cached:
        cached = min(cached, input_tokens)
        cost += cached * (price.get("cached_input", input_price) - input_price) / 1_000_000.0
    if written:
        written = min(written, input_tokens)
        cost += written * (price.get("cache_creation_input", input_price) - input_price) / 1_000_000.0
    if reasoning:
        reasoning = min(reasoning, output_tokens)
        cost += reasoning * (price.get("reasoning", out_price) - out_price) / 1_000_000.0
    return round(cost, 10)
