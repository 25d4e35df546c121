"""Reading request parameters and response fields of the generated LLM clients (OpenAI, Anthropic):
SDK models or dicts alike, the SDKs' NOT_GIVEN/Omit sentinels read as absent."""

from __future__ import annotations

from typing import Any


_SENTINELS = ("NotGiven", "Omit")


def get(obj: Any, key: str, default: Any = None) -> Any:
    """``obj[key]`` for mappings, ``obj.key`` for SDK models; ``default`` when missing."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        value = obj.get(key)
    else:
        values = getattr(obj, "__dict__", None)  # an SDK model's fields: the common case, read inline
        value = values[key] if values is not None and key in values else _attribute(obj, key)
    return default if value is None else value


_class_attribute: dict[tuple[type, str], bool] = {}  # (model class, name) -> defined on the class


def _on_class(cls: type, key: str) -> bool:
    # Looked up once per (class, name): pydantic's metaclass answers a miss through a slow
    # __getattr__ too. Bounded by the classes and constant names this package asks about.
    try:
        return _class_attribute[(cls, key)]
    except KeyError:
        found = any(key in vars(base) for base in cls.__mro__)
        if len(_class_attribute) < 4096:
            _class_attribute[(cls, key)] = found
        return found


def _attribute(obj: Any, key: str) -> Any:
    """``getattr(obj, key, None)`` for a name not in ``obj.__dict__``, without pydantic's miss
    path: asking a model for a field it lacks (``reasoning_content`` on every chunk delta) goes
    through ``__getattr__`` and builds an AttributeError, ~3 µs each. A model keeps its fields in
    ``__dict__`` and the unknown fields a server sent in ``__pydantic_extra__``, so both are read
    directly; class attributes (properties, methods) and other objects still use ``getattr``."""
    extra = getattr(obj, "__pydantic_extra__", None)
    if type(extra) is dict and not _on_class(type(obj), key):
        return extra.get(key)
    return getattr(obj, key, None)


class _Fields:
    """``fields()`` of an object that is neither a dict nor an SDK model: reads through ``get``."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def get(self, key: str, default: Any = None) -> Any:
        return get(self.obj, key, default)


_NO_FIELDS: dict = {}
_MODELS: set[type] = set()  # classes whose instances keep __pydantic_extra__ in a slot


def fields(obj: Any) -> Any:
    """The data of a dict or SDK model as one mapping (``.get(key)``), for code that reads many
    fields of one object per stream chunk: a dict lookup each instead of a ``get()`` call each.
    A missing or None field reads as None, as with ``get``."""
    if obj is None:
        return _NO_FIELDS
    cls = type(obj)
    if cls in _MODELS:  # a pydantic model class seen before: its slots read directly
        try:
            extra = obj.__pydantic_extra__
            if type(extra) is dict:
                return {**obj.__dict__, **extra} if extra else obj.__dict__
        except AttributeError:  # an instance never initialised: the general path below
            pass
    if isinstance(obj, dict):
        return obj
    values = getattr(obj, "__dict__", None)
    extra = getattr(obj, "__pydantic_extra__", None)
    if values is not None and type(extra) is dict:  # a pydantic model: fields, then unknown fields
        if len(_MODELS) < 1024 and "__pydantic_extra__" in getattr(cls, "__slots__", ()):
            _MODELS.add(cls)  # (bounded by the SDK's response classes)
        return {**values, **extra} if extra else values
    return _Fields(obj)


def given(value: Any) -> bool:
    """False for None and the SDK's NOT_GIVEN / Omit sentinels (whatever version defines them)."""
    return value is not None and type(value).__name__ not in _SENTINELS


def param(kwargs: dict, key: str) -> Any:
    value = kwargs.get(key)
    return value if given(value) else None


def number(value: Any) -> Any:
    """A real int/float (not bool) or None."""
    if type(value) is int or type(value) is float:  # the common case, decided first
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value
