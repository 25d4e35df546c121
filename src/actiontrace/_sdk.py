"""Every read or write of OpenTelemetry internals (private attributes, private modules), in one place.

Each access is one small function with its guard and its fallback to the public API, so an SDK
release that moves a private name costs speed or a count at worst, never a span or an error.
``tests/test_sdk.py`` holds a canary per fast path: with the pinned SDK, it fails if a path
falls back, and checks that the fallback gives the same answer.

Imports stay light: ``opentelemetry.sdk`` and ``opentelemetry.instrumentation`` are imported
on first use only (``import actiontrace`` must not load them).
"""

from __future__ import annotations

from typing import Any, Callable

from opentelemetry.attributes import BoundedAttributes

# --- an ended span's contents --------------------------------------------------------------
# ``ReadableSpan.attributes`` wraps the ``BoundedAttributes`` in a new ``MappingProxyType``, and
# ``events``/``links`` copy their ``BoundedList`` under its lock, on every read: ~10,000
# instructions a span for the three. Iterating a ``BoundedAttributes`` costs a Python-level
# ``__iter__``/``__getitem__`` per key on top. The containers of an ended span no longer change,
# so the JSONL encoder and the redaction processor read them directly, wherever the span's class
# keeps the SDK's properties (a subclass may filter what they return).

# span class -> (keeps the SDK's three container properties, keeps its scalar ones): what
# span_contents and span_fields may read directly, decided once per class.
_sdk_classes: dict[type, tuple[bool, bool]] = {}
_FIELD_NAMES = ("name", "kind", "parent", "start_time", "end_time", "status", "dropped_attributes",
                "dropped_events", "dropped_links")
_sdk_span_types: tuple = ()  # (BoundedAttributes, BoundedList), filled with the first class


def _sdk_kept(cls: type) -> tuple[bool, bool]:
    global _sdk_span_types
    from opentelemetry.sdk.trace import ReadableSpan, Span
    from opentelemetry.sdk.util import BoundedList

    _sdk_span_types = (BoundedAttributes, BoundedList)
    try:
        contents = (cls.attributes, cls.events, cls.links) == (
            ReadableSpan.attributes, ReadableSpan.events, ReadableSpan.links)
    except AttributeError:
        contents = False
    try:
        fields = (all(getattr(cls, n) is getattr(ReadableSpan, n) for n in _FIELD_NAMES)
                  and cls.get_span_context in (ReadableSpan.get_span_context, Span.get_span_context))
    except AttributeError:
        fields = False
    kept = _sdk_classes[cls] = (contents, fields)
    return kept


def plain_attributes(attrs: Any) -> Any:
    """The dict behind a ``BoundedAttributes`` (else ``attrs`` itself, ``None`` included)."""
    # Fast path: iterating the dict skips BoundedAttributes' Python-level __iter__/__getitem__.
    if type(attrs) is dict:
        return attrs
    inner = getattr(attrs, "_dict", None)
    return inner if type(inner) is dict else attrs


def public_span_contents(span: Any) -> tuple[Any, Any, Any]:
    """(attributes, events, links) through the span's public properties: the fallback."""
    return span.attributes, span.events, span.links


def span_contents(span: Any) -> tuple[Any, Any, Any]:
    """(attributes, events, links) of an ended span; the attributes as a plain dict when
    the SDK's own container holds them."""
    kept = _sdk_classes.get(type(span)) or _sdk_kept(type(span))
    if not kept[0]:
        return span.attributes, span.events, span.links
    # Fast path: the containers themselves, without the copies the properties make.
    try:
        events, links = span._events, span._links
        attrs = span._attributes
    except AttributeError:  # the SDK renamed its fields
        return span.attributes, span.events, span.links
    # A BoundedList keeps its items in a deque; a hand-made ReadableSpan may hold a tuple.
    return plain_attributes(attrs), getattr(events, "_dq", events), getattr(links, "_dq", links)


def span_contents_are_direct(span: Any) -> bool:
    """Whether ``span_contents(span)`` takes the fast path all the way (for the canary)."""
    if not _sdk_kept(type(span))[0]:
        return False
    attrs, events, links = (getattr(span, name, None) for name in ("_attributes", "_events", "_links"))
    return (type(getattr(attrs, "_dict", None)) is dict and hasattr(events, "_dq") and hasattr(links, "_dq"))


# --- an ended span's scalar fields ---------------------------------------------------------
# Each of ``name``, ``kind``, ``parent``, ``start_time``... is a Python-level property, and the
# three ``dropped_*`` ones do an ``isinstance`` on top: about a tenth of the JSONL encoder's
# instructions a span went into reading them. Where the span's class keeps the SDK's
# properties (and its ``get_span_context``), the fields behind them are read directly.


def public_span_fields(span: Any) -> tuple:
    """(context, parent, name, kind, start, end, status, dropped attributes/events/links)
    through the public API: the fallback."""
    return (span.get_span_context(), span.parent, span.name, span.kind, span.start_time, span.end_time,
            span.status, span.dropped_attributes, span.dropped_events, span.dropped_links)


def span_fields(span: Any) -> tuple:
    """What ``public_span_fields`` returns, read from the SDK's fields where they are its own."""
    kept = _sdk_classes.get(type(span)) or _sdk_kept(type(span))
    if not kept[1]:
        return public_span_fields(span)
    # Fast path: plain attribute reads instead of eleven property calls.
    try:
        attrs, events, links = span._attributes, span._events, span._links
        bounded_attrs, bounded_list = _sdk_span_types
        return (span._context, span._parent, span._name, span._kind, span._start_time, span._end_time,
                span._status, attrs.dropped if isinstance(attrs, bounded_attrs) else 0,
                events.dropped if isinstance(events, bounded_list) else 0,
                links.dropped if isinstance(links, bounded_list) else 0)
    except AttributeError:  # the SDK renamed its fields
        return public_span_fields(span)


def span_fields_are_direct(span: Any) -> bool:
    """Whether ``span_fields(span)`` takes the fast path (for the canary)."""
    return _sdk_kept(type(span))[1] and all(
        hasattr(span, "_" + n) for n in ("context", "parent", "name", "kind", "start_time", "end_time", "status"))


# --- a starting span's attributes ----------------------------------------------------------

def add_to_starting_span(span: Any, stamps: dict[str, Any]) -> bool:
    """Put ``stamps`` on a span in ``on_start``; True when they went straight into its store.

    ``set_attributes`` validates again, under the span's lock: ~15,000 instructions plus
    ~5,500 per attribute, a quarter of a whole span's cost for the usual six stamps. The
    stamps are valid already (strings and numbers built by ``_stamping``), and a span in
    ``on_start`` is not shared with another thread yet: where the SDK's attribute store has
    room for them and no value-length limit, they go straight into it; otherwise the SDK
    applies its limits through ``set_attributes``."""
    # Fast path: skips the second validation under the span's lock, a quarter of a span's cost.
    store = getattr(span, "_attributes", None)
    inner = getattr(store, "_dict", None)
    if (type(store) is BoundedAttributes and type(inner) is dict and store.max_value_len is None
            and (store.maxlen is None or len(inner) + len(stamps) <= store.maxlen)):
        inner.update(stamps)
        return True
    span.set_attributes(stamps)
    return False


# --- copies of ended spans with the SDK's dropped counts -------------------------------------
# ``ReadableSpan.dropped_attributes``/``dropped_events``/``dropped_links`` read the ``dropped``
# field of the SDK's own containers, and the public constructor takes no counts: a redacted
# copy keeps the counts the SDK computed by carrying containers with that field set.

def attributes_with_dropped(values: dict, dropped: int) -> BoundedAttributes:
    """Immutable attributes for a ``ReadableSpan``/``Event``/``Link`` that report ``dropped``."""
    out = BoundedAttributes(maxlen=None, attributes=values, immutable=True, max_value_len=None)
    out.dropped = dropped
    return out


_bounded_list: Any = None


def list_with_dropped(items: list, dropped: int) -> Any:
    """Events or links for a ``ReadableSpan`` that report ``dropped``."""
    global _bounded_list
    if _bounded_list is None:
        from opentelemetry.sdk.util import BoundedList

        _bounded_list = BoundedList
    out = _bounded_list.from_seq(None, items)
    out.dropped = dropped
    return out


def instrumentation_info(span: Any) -> Any:
    """The span's deprecated ``InstrumentationInfo``, for a copy of it; None when unknown."""
    # Fast path: the field is plain data, while the deprecated property warns on every read.
    return getattr(span, "_instrumentation_info", None)


# --- span processors -----------------------------------------------------------------------

def on_ending_hook(processor: Any) -> Callable[[Any], None] | None:
    """The processor's ``_on_ending(span)``, None when it has none.

    The SDK calls this private hook on every processor while the span can still be written
    to, just before ``on_end``; a processor that wraps another passes it on. There is no
    public equivalent: without the hook, wrapped processors get ``on_end`` only."""
    # Internal hook: a wrapped processor may need the span while it is still writable.
    return getattr(processor, "_on_ending", None)


def batch_queue(processor: Any) -> tuple[Any, int | None]:
    """(queue, capacity) of a ``BatchSpanProcessor``; None for what is not found.

    The SDK keeps its queue private, and a full one drops spans silently. Reading its length
    lets ``DropCountingProcessor`` count those drops; the public API has no such view, so
    without it only the export-side counts exist."""
    batch = getattr(processor, "_batch_processor", None)
    queue = getattr(batch, "_queue", None)
    capacity = getattr(batch, "_max_queue_size", None)
    # Internal read: the only way to see the drops a full queue makes.
    return (queue if hasattr(queue, "__len__") else None), (capacity if isinstance(capacity, int) else None)


# --- exporters -----------------------------------------------------------------------------

DEFAULT_EXPORT_TIMEOUT_S = 10.0  # the OTLP exporters' own default timeout


def exporter_timeout_s(exporter: Any) -> float:
    """The export timeout an OTLP exporter was built with, in seconds; 10 when not found."""
    found = _exporter_timeout_field(exporter)
    return DEFAULT_EXPORT_TIMEOUT_S if found is None else found


def _exporter_timeout_field(exporter: Any) -> float | None:
    # Fast path: the exporters resolve timeout= and OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT in their
    # constructor and expose only the result, on the HTTP exporter's client or the gRPC exporter.
    client = getattr(exporter, "_client", None)
    for obj in (client, exporter):
        value = getattr(obj, "_timeout", None)
        if isinstance(value, (int, float)) and value > 0:
            return float(value)
    return None


# --- context keys of opentelemetry-instrumentation -------------------------------------------
_suppression: tuple[Any, Any] | None = None
_suppress_http: list = []


def suppression_keys() -> tuple[Any, Any]:
    """The two context keys behind ``is_instrumentation_enabled()`` (the key and its plain
    string twin), so a wrapper checks them on the one context it fetched per call."""
    global _suppression
    if _suppression is None:
        # Fast path: two dict lookups instead of is_instrumentation_enabled() reading the context again.
        try:
            from opentelemetry.instrumentation.utils import _SUPPRESS_INSTRUMENTATION_KEY as key
            from opentelemetry.instrumentation.utils import _SUPPRESS_INSTRUMENTATION_KEY_PLAIN as plain
        except Exception:  # renamed: the plain key is what every release sets as well
            key = plain = "suppress_instrumentation"
        _suppression = (key, plain)
    return _suppression


def suppress_http_key() -> Any:
    """The context key that tells HTTP client instrumentations (httpx, requests) to stand
    down; None when not found (their spans then appear under the LLM span)."""
    if not _suppress_http:
        # Fast path: set in the context the LLM call attaches anyway, instead of a second
        # attach through suppress_http_instrumentation().
        try:
            from opentelemetry.instrumentation.utils import _SUPPRESS_HTTP_INSTRUMENTATION_KEY as key
        except Exception:
            key = None
        _suppress_http.append(key)
    return _suppress_http[0]


# --- the metrics API's placeholder providers --------------------------------------------------

def placeholder_meter_provider_types() -> tuple[type, ...]:
    """Types of the providers the metrics API hands out before one is set: recording
    through them is pointless work, so callers skip it."""
    from opentelemetry.metrics import NoOpMeterProvider

    # Fast path: the global provider is the private proxy until one is set; spotting it
    # saves building instruments that record nothing.
    try:
        from opentelemetry.metrics._internal import _ProxyMeterProvider
    except Exception:
        return (NoOpMeterProvider,)
    return (NoOpMeterProvider, _ProxyMeterProvider)
