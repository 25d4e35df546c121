"""Helicone-style request headers (``extra_headers`` or the client's ``default_headers``;
``log_request``'s ``additional_headers`` or its logger's ``headers``) become the same session
attributes ``actiontrace.session()`` stamps, so code written for Helicone's proxy is traced
unchanged.

One precedence rule for both paths, field by field (session id with the conversation id it
implies, name, path, user id, each property by key): **a value the headers name wins over the
enclosing ``session()``/``properties()``; a field they do not name keeps the enclosing value.**
Among headers, the request's own win over the client's or logger's defaults. The headers are
what the request sends, so the trace says what the proxy would record for it; the ambient
session is the broader default, like an outer ``session()`` under an inner one. A header path
is absolute (Helicone paths are), so it replaces the enclosing path rather than joining it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import _vocabulary as A
from ..context._session import _Scope, session_from_headers
from ..context._stamping import ambient_session

_SESSION_KEYS = (A.SESSION_ID, A.GEN_AI_CONVERSATION_ID, A.USER_ID, A.SESSION_NAME, A.SESSION_PATH,
                 A.PROPERTY_PREFIX)


_PREFIX = "helicone-"
_VALUES = (str, int, float, bool)


def _helicone_items(headers: Any) -> dict[str, Any] | None:
    """The Helicone headers among ``headers`` (None when there are none): one pass, and only a
    name's first nine characters lowered (a lowered character is never shorter, so this is
    ``name.lower().startswith("helicone-")``)."""
    if not headers or (type(headers) is not dict and not isinstance(headers, Mapping)):
        return None  # most calls pass no headers at all
    found = None
    for k, v in headers.items():
        if isinstance(k, str) and k[:9].lower() == _PREFIX and isinstance(v, _VALUES):
            if found is None:
                found = {}
            found[k] = v
    return found


def header_session(defaults: Any, request: Any) -> dict[str, Any]:
    """The session attributes the headers name: ``defaults`` (a client's or logger's headers)
    overlaid with the ``request``'s own; {} when neither names any."""
    merged = _helicone_items(defaults)
    named = _helicone_items(request)
    if named:
        merged = {**merged, **named} if merged else named
    if not merged:
        return {}
    return session_from_headers(merged)


def session_attributes(client: Any, extra_headers: Any) -> dict[str, Any]:
    """Attributes from the client's default headers overlaid with the call's ``extra_headers``."""
    return header_session(getattr(client, "_custom_headers", None), extra_headers)


def over_ambient(named: Mapping[str, Any], parent_context: Any = None) -> dict[str, Any]:
    """The session of a request whose headers name ``named``: the precedence rule above."""
    merged = dict(ambient_session(parent_context))
    merged.update(named)
    return merged


def request_scope(attributes: Mapping[str, Any], parent_context: Any = None) -> _Scope | None:
    """An entered scope making the request's session (:func:`over_ambient` of the session values
    among ``attributes``) the one its span is stamped with; None when there are none. The
    caller exits it once the span has started."""
    named = {k: v for k, v in attributes.items() if k.startswith(_SESSION_KEYS)}
    if not named:
        return None
    merged = over_ambient(named, parent_context)
    scope = _Scope(lambda: merged)
    scope.__enter__()
    return scope
