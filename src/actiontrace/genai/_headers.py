"""Helicone-style request headers (``extra_headers`` or the client's ``default_headers``)
become the same session attributes ``actiontrace.session()`` stamps, so code written for
Helicone's proxy is traced unchanged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..context._session import session_from_headers


def _helicone_items(headers: Any) -> dict[str, Any]:
    if not headers or not isinstance(headers, Mapping):  # most calls pass no headers at all
        return {}
    return {k: v for k, v in headers.items() if isinstance(k, str) and k.lower().startswith("helicone-")
            and isinstance(v, (str, int, float, bool))}


def session_attributes(client: Any, extra_headers: Any) -> dict[str, Any]:
    """Attributes from the client's default headers overlaid with the call's ``extra_headers``."""
    merged = _helicone_items(getattr(client, "_custom_headers", None))
    merged.update(_helicone_items(extra_headers))
    if not merged:
        return {}
    return session_from_headers(merged)
