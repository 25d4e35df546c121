"""What an ended SDK span holds, read without the copies its public properties make.

``ReadableSpan.attributes`` wraps the ``BoundedAttributes`` in a new ``MappingProxyType``, and
``events``/``links`` copy their ``BoundedList`` under its lock, on every read: ~10,000
instructions a span for the three. Iterating a ``BoundedAttributes`` costs a Python-level
``__iter__``/``__getitem__`` per key on top. The containers of an ended span no longer change,
so the JSONL encoder and the redaction processor read them directly, wherever the span's class
keeps the SDK's properties (a subclass may filter what they return).
"""

from __future__ import annotations

from typing import Any

from opentelemetry.sdk.trace import ReadableSpan

_PROPERTIES = (ReadableSpan.attributes, ReadableSpan.events, ReadableSpan.links)
_sdk_classes: dict[type, bool] = {}  # span class -> keeps the SDK's three properties


def plain_attributes(attrs: Any) -> Any:
    """The dict behind a ``BoundedAttributes`` (else ``attrs`` itself, ``None`` included)."""
    if type(attrs) is dict:
        return attrs
    inner = getattr(attrs, "_dict", None)
    return inner if type(inner) is dict else attrs


def span_contents(span: Any) -> tuple[Any, Any, Any]:
    """(attributes, events, links) of an ended span; the attributes as a plain dict when
    the SDK's own container holds them."""
    cls = type(span)
    sdk = _sdk_classes.get(cls)
    if sdk is None:
        sdk = _sdk_classes[cls] = (cls.attributes, cls.events, cls.links) == _PROPERTIES
    if not sdk:
        return span.attributes, span.events, span.links
    events, links = span._events, span._links
    # A BoundedList keeps its items in a deque; a hand-made ReadableSpan may hold a tuple.
    return plain_attributes(span._attributes), getattr(events, "_dq", events), getattr(links, "_dq", links)
