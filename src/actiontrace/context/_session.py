"""Sessions and properties: values stamped on every span started inside them.

The values live in a context variable as one precomputed attribute dict, so the
stamping processor's ``on_start`` is a single ``set_attributes`` call.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import uuid
from typing import Any, Callable, Literal, Mapping, TypeVar, cast

from .. import _vocabulary as A
from . import _baggage

_current: contextvars.ContextVar[Mapping[str, Any] | None] = contextvars.ContextVar("actiontrace_session", default=None)

F = TypeVar("F", bound=Callable[..., Any])
S = TypeVar("S", bound="_Scope")

_HEADER_PREFIX = "helicone-"
_PROPERTY_HEADER = "helicone-property-"


def current_session_attributes() -> Mapping[str, Any]:
    return _current.get() or {}


def join_paths(outer: str | None, inner: str | None) -> str | None:
    """``/tools`` inside ``/agent`` is ``/agent/tools``; either may be missing."""
    if not inner:
        return outer
    if not outer:
        return "/" + inner.strip("/")
    return outer.rstrip("/") + "/" + inner.strip("/")


def _attribute_value(value: Any) -> Any:
    if isinstance(value, (str, bool, int, float)):
        return value
    return str(value)


def _compose(
    session_id: str | None,
    name: str | None,
    path: str | None,
    user_id: str | None,
    props: Mapping[str, Any] | None,
    conversation_id: str | None = None,
) -> dict[str, Any]:
    attrs = dict(_current.get() or {})
    if session_id is not None:
        attrs[A.SESSION_ID] = str(session_id)
        attrs[A.GEN_AI_CONVERSATION_ID] = str(session_id)
    if conversation_id is not None:
        attrs[A.GEN_AI_CONVERSATION_ID] = str(conversation_id)
    if name is not None:
        attrs[A.SESSION_NAME] = str(name)
    if path is not None:
        attrs[A.SESSION_PATH] = join_paths(attrs.get(A.SESSION_PATH), str(path))
    if user_id is not None:
        attrs[A.USER_ID] = str(user_id)
    for key, value in (props or {}).items():
        attrs[A.PROPERTY_PREFIX + str(key)] = _attribute_value(value)
    return attrs


class _Scope:
    """Context manager and decorator (sync and async) that sets session values while active."""

    def __init__(self, attrs_factory: Callable[[], Mapping[str, Any]]) -> None:
        self._factory = attrs_factory
        self._tokens: list[tuple[contextvars.Token[Mapping[str, Any] | None], Any]] = []

    @property
    def attributes(self) -> Mapping[str, Any]:
        return _current.get() or {}

    def __enter__(self: S) -> S:
        attrs = self._factory()
        self._tokens.append((_current.set(attrs), _baggage.attach(attrs)))
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        token, baggage_token = self._tokens.pop()
        _baggage.detach(baggage_token)
        _current.reset(token)
        return False

    async def __aenter__(self: S) -> S:
        return self.__enter__()

    async def __aexit__(self, *exc: object) -> Literal[False]:
        return self.__exit__(*exc)

    def __call__(self, fn: F) -> F:
        """As a decorator: each call of ``fn`` (sync or async) runs inside these session values."""
        factory = self._factory
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with _Scope(factory):
                    return await fn(*args, **kwargs)

            return cast(F, run_async)

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            with _Scope(factory):
                return fn(*args, **kwargs)

        return cast(F, run)


class session(_Scope):
    """Group spans into a session: ``session.id``, ``gen_ai.conversation.id``, ``user.id``,
    ``actiontrace.session.name``/``.path`` and ``actiontrace.property.<key>`` go on every span
    started inside, whichever instrumentation starts it. Nested sessions compose: inner
    values win and paths join. With no ``session_id`` given, the enclosing one is kept,
    or a new UUID is made at the outermost level."""

    def __init__(
        self,
        session_id: str | None = None,
        name: str | None = None,
        path: str | None = None,
        user_id: str | None = None,
        properties: Mapping[str, Any] | None = None,
        *,
        conversation_id: str | None = None,
    ) -> None:
        def factory() -> dict[str, Any]:
            sid = session_id
            if sid is None and A.SESSION_ID not in (_current.get() or {}):
                sid = str(uuid.uuid4())
            return _compose(sid, name, path, user_id, properties, conversation_id)

        super().__init__(factory)
        self.session_id = session_id

    @property
    def id(self) -> str | None:
        value = self.attributes.get(A.SESSION_ID, self.session_id)
        return None if value is None else str(value)


def properties(**kv: Any) -> _Scope:
    """Add custom properties (``actiontrace.property.<key>``) to every span started inside."""
    return _Scope(lambda: _compose(None, None, None, None, kv))


def session_from_headers(headers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Map Helicone-style headers (``Helicone-Session-Id``, ``-Name``, ``-Path``,
    ``Helicone-User-Id``, ``Helicone-Property-*``; any case) to the attributes ``session()`` stamps."""
    if not headers:
        return {}
    session_id = name = path = user_id = None
    props: dict[str, Any] = {}
    for key, value in headers.items():
        if not isinstance(key, str):
            continue
        low = key.lower()
        if not low.startswith(_HEADER_PREFIX):
            continue
        if low == "helicone-session-id":
            session_id = value
        elif low == "helicone-session-name":
            name = value
        elif low == "helicone-session-path":
            path = value
        elif low == "helicone-user-id":
            user_id = value
        elif low.startswith(_PROPERTY_HEADER):
            props[key[len(_PROPERTY_HEADER):]] = value
    if session_id is None and name is None and path is None and user_id is None and not props:
        return {}
    token = _current.set(None)  # headers describe themselves; don't fold in the ambient session
    try:
        return _compose(session_id, name, path, user_id, props)
    finally:
        _current.reset(token)
