"""What a session's transport is (stdio pipe, or HTTP to which server), learnt where it is opened.

A ``ClientSession``/``ServerSession`` only sees memory streams; the transport helpers
(``stdio_client``, ``streamable_http_client``, ``sse_client``, ``stdio_server``) know the rest.
They are wrapped to tag the write stream they yield, and a session looks its stream up.
The Streamable HTTP server side needs no tag: each message carries its HTTP request.
"""

from __future__ import annotations

import functools
import importlib
import weakref
from typing import Any, Callable
from urllib.parse import urlsplit

from ... import _vocabulary as A
from ..._safety import tracing_failed


class Tag:
    __slots__ = ("attributes", "session_id", "__weakref__")

    def __init__(self, attributes: dict[str, Any], session_id: Callable[[], Any] | None = None) -> None:
        self.attributes = attributes
        self.session_id = session_id  # Streamable HTTP client: the SDK's get_session_id callback

    def current(self) -> dict[str, Any]:
        if self.session_id is None:
            return self.attributes
        try:
            sid = self.session_id()
        except Exception:
            sid = None
        return {**self.attributes, A.MCP_SESSION_ID: sid} if isinstance(sid, str) and sid else self.attributes


_tags: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
PIPE = {A.NETWORK_TRANSPORT: "pipe"}


def attributes_of_stream(stream: Any) -> dict[str, Any]:
    """Transport attributes of a transport's write stream ({} when untagged)."""
    try:
        tag = _tags.get(stream)
    except Exception:  # an unhashable or non-weakrefable stream: not one a transport yielded
        return {}
    return tag.current() if tag is not None else {}


def attributes_of(session: Any) -> dict[str, Any]:
    """Transport attributes of a session, from the tag on its write stream."""
    return attributes_of_stream(getattr(session, "_write_stream", None))


def http_attributes(url: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {A.NETWORK_TRANSPORT: "tcp", A.NETWORK_PROTOCOL_NAME: "http"}
    try:
        parts = urlsplit(str(url))
        if parts.hostname:
            attrs[A.SERVER_ADDRESS] = parts.hostname
            port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
            if port:
                attrs[A.SERVER_PORT] = port
    except ValueError:
        pass
    return attrs


class _Tagging:
    """Async context manager around a transport's: tags the write stream it yields."""

    __slots__ = ("_inner", "_tag_for")

    def __init__(self, inner: Any, tag_for: Callable[[Any], Tag]) -> None:
        self._inner = inner
        self._tag_for = tag_for

    async def __aenter__(self):
        streams = await self._inner.__aenter__()
        try:
            _tags[streams[1]] = self._tag_for(streams)
        except Exception:
            tracing_failed("mcp.transport_tag")
        return streams

    async def __aexit__(self, exc_type, exc, tb):
        return await self._inner.__aexit__(exc_type, exc, tb)


def _stdio(args: tuple, kwargs: dict) -> Callable[[Any], Tag]:
    return lambda streams: Tag(PIPE)


def _http(args: tuple, kwargs: dict) -> Callable[[Any], Tag]:
    url = args[0] if args else kwargs.get("url")

    def tag(streams: Any) -> Tag:
        callback = streams[2] if len(streams) > 2 and callable(streams[2]) else None
        return Tag(http_attributes(url), callback)

    return tag


# (defining module, function, every module that binds the same function at import, tagger)
_TRANSPORTS = (
    ("mcp.client.stdio", "stdio_client", ("mcp",), _stdio),
    ("mcp.client.streamable_http", "streamable_http_client", ("mcp.client.session_group",), _http),
    ("mcp.client.sse", "sse_client", ("mcp.client.session_group",), _http),
    ("mcp.server.stdio", "stdio_server", ("mcp", "mcp.server.fastmcp.server"), _stdio),
)
_patched: list[tuple[Any, str, Any]] = []


def _wrap(original: Callable, tagger: Callable) -> Callable:
    @functools.wraps(original)
    def transport(*args: Any, **kwargs: Any):
        inner = original(*args, **kwargs)
        try:
            return _Tagging(inner, tagger(args, kwargs))
        except Exception:
            tracing_failed("mcp.transport")
            return inner

    transport.__actiontrace_original__ = original  # type: ignore[attr-defined]
    return transport


def patch() -> None:
    for module_name, name, also, tagger in _TRANSPORTS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        original = getattr(module, name, None)
        if original is None or hasattr(original, "__actiontrace_original__"):
            continue
        replacement = _wrap(original, tagger)
        for holder_name in (module_name, *also):
            try:
                holder = importlib.import_module(holder_name)
            except ImportError:
                continue
            if getattr(holder, name, None) is original:
                setattr(holder, name, replacement)
                _patched.append((holder, name, original))


def unpatch() -> None:
    while _patched:
        holder, name, original = _patched.pop()
        if getattr(getattr(holder, name, None), "__actiontrace_original__", None) is original:
            setattr(holder, name, original)
