"""One instrumented LLM call: its span from start to the single end, for any provider.

The span is started with the core starter (``actiontrace.spans._starter.begin``) on the
provider's tracer, and is current only while the client method runs (together with the flag
that makes nested instrumented calls pass through and the switch that suppresses the HTTP
client's own instrumentation); a streamed call's span is ended later by its stream proxy.
Everything about the provider comes from the :class:`Provider` and the operation handed in.
"""

from __future__ import annotations

import time
import weakref
from typing import Any, Callable, Protocol
from urllib.parse import urlsplit

from opentelemetry import context as context_api
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import SpanKind

from .. import _sdk, _settings
from .. import _vocabulary as A
from .._naming import llm_span_name
from .._safety import log_once
from ..spans import _starter
from ..spans._capture import to_json
from . import _events, _semconv
from ._cost import cost_usd
from ._headers import request_scope, session_attributes
from ._outcome import Outcome
from ._streams import ResultTypes

_SUPPRESS_HTTP = _sdk.suppress_http_key()
try:  # the key set_span_in_context uses; an API without it falls back to the call
    from opentelemetry.trace.propagation import _SPAN_KEY
except ImportError:  # pragma: no cover
    _SPAN_KEY = None
_SUPPRESSED, _SUPPRESSED_PLAIN = _sdk.suppression_keys()
IN_CALL = A.LLM_CALL_KEY

_CONTENT_KEYS = (A.GEN_AI_INPUT_MESSAGES, A.GEN_AI_OUTPUT_MESSAGES, A.GEN_AI_SYSTEM_INSTRUCTIONS,
                 A.GEN_AI_TOOL_DEFINITIONS)
_CONTENT_BUDGET = 65536  # bytes of JSON per content attribute; the redactor still sees all of it


class Operation(Protocol):
    """One API of a provider (chat, embeddings, ...): what the core asks of it per call."""

    operation_name: str  # gen_ai.operation.name, and the span name's first word

    def request_attributes(self, kwargs: dict, capture: bool) -> dict[str, Any]: ...

    def response_outcome(self, response: Any, capture: bool) -> Outcome: ...

    def stream_accumulator(self) -> Any: ...  # a genai._streams.StreamAccumulator


class Provider:
    """What a provider instrumentation hands the core: subclass it and override the readers.

    One instance per instrumentor, held by its wrappers; ``enable()`` hands it the
    dependencies made at ``instrument()`` (tracer, content-capture switch, metrics recorder)
    and ``disable()`` at ``uninstrument()`` makes the wrappers pass through.
    """

    label = "GenAI"  # names the provider in log messages
    scope = A.EVENTS_SCOPE  # the logger scope of its GenAI events (its tracer's scope, by convention)
    result_types = ResultTypes()  # which returned objects are streams and raw responses

    def __init__(self) -> None:
        self.active = False
        self.tracer: Any = None
        self.capture: Callable[[], bool] = _never
        self.metrics: Any = None
        self.suppress_http = True
        # Called with (operation, kwargs) before a traced call starts, when set: may edit kwargs.
        self.prepare: Callable[[Any, dict], None] | None = None

    def enable(self, *, tracer: Any, capture: Callable[[], bool], metrics: Any, suppress_http: bool = True,
               content_mode: Any = None, logger_provider: Any = None) -> None:
        """``capture`` is asked once per call; ``metrics`` is a ``genai._metrics.Recorder``;
        ``content_mode`` (:func:`content_mode_of` the option) and ``logger_provider`` decide the
        GenAI events, unless ``configure()`` did (None: the environment, the global provider)."""
        self.tracer, self.capture, self.metrics = tracer, capture, metrics
        self.suppress_http = suppress_http
        _semconv.refresh()
        _events.setup(logger_provider=logger_provider, mode=content_mode)
        self.active = True

    def disable(self) -> None:
        self.active = False

    # -- readers: override ---------------------------------------------------------
    def client(self, resource: Any) -> Any:
        """The SDK client behind the resource object whose method was called."""
        return getattr(resource, "_client", None)

    def name(self, client: Any) -> str:
        """``gen_ai.provider.name`` for a call made through ``client``."""
        raise NotImplementedError

    def server(self, client: Any) -> tuple[str | None, int | None]:
        """``server.address`` and ``server.port`` of the client's base URL (see :func:`server_of`)."""
        try:
            # The client's own attribute first: some SDKs' base_url property does work on every read.
            url = getattr(client, "_base_url", None) or getattr(client, "base_url", None)
        except Exception:
            return None, None
        return server_of(url)

    def start_attributes(self, client: Any, kwargs: dict) -> dict[str, Any] | None:
        """Attributes beyond the operation's request attributes, set at start: by default the
        session values of Helicone-style headers (``extra_headers`` or the client's defaults)."""
        return session_attributes(client, kwargs.get("extra_headers"))

    def error_type(self, exc: BaseException) -> str:
        """``error.type`` of a failed call: the HTTP status an SDK error carries, else the class."""
        status = getattr(exc, "status_code", None)
        if isinstance(status, int):
            return str(status)
        return _starter.error_type(exc)


def _never() -> bool:
    return False




_capture_seen: list = [object(), False]  # (raw value of the variable, parsed switch): parsed once per value
_capture_raw = _settings.GENAI_CAPTURE_MESSAGE_CONTENT.raw_reader()


def capture_from_env() -> bool:
    """The conventions' content switch, ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT``
    (default off), read per call: an instrumentation's switch when none is handed to it. The
    raw value is compared per call and parsed only when it changed (parsing was most of it)."""
    raw = _capture_raw()
    seen = _capture_seen
    if raw == seen[0]:
        return seen[1]
    on = _settings.genai_capture_message_content()
    _capture_seen[:] = [raw, on]
    return on


def capture_switch(value: Any) -> Callable[[], bool]:
    """The ``capture_content`` option of ``instrument()`` as a switch: a callable is asked per
    call, True/False (or a string as the variable takes it) are fixed, None means
    :func:`capture_from_env`."""
    if value is None:
        return capture_from_env
    if callable(value):
        return value
    on = _settings.parse_content_mode(value, "capture_content") if isinstance(value, str) else bool(value)
    return lambda: on


def content_mode_of(value: Any) -> _settings.ContentMode | None:
    """The ``capture_content`` option of ``instrument()`` as a content mode (it decides the
    events as well as the span); None for a callable or None (the environment decides)."""
    if value is None or callable(value):
        return None
    return _settings.parse_capture_mode(value if isinstance(value, str) else bool(value), "capture_content")


_servers: dict[int, tuple[Any, str | None, int | None]] = {}  # id(base URL) -> (URL, host, port)


def server_of(url: Any) -> tuple[str | None, int | None]:
    """Host and port of a client's base URL (an httpx URL or a string), worked out once per URL
    object (a client keeps its URL; the URL's properties re-derive their values on every read)."""
    try:
        cached = _servers.get(id(url))
        if cached is not None and cached[0] is url:
            return cached[1], cached[2]
        host, port = _parse_server(url)
        if len(_servers) >= 256:  # clients come and go: keep the cache small
            _servers.clear()
        _servers[id(url)] = (url, host, port)  # holding the URL keeps its id from being reused
        return host, port
    except Exception:
        return None, None


def _parse_server(url: Any) -> tuple[str | None, int | None]:
    host = getattr(url, "host", None)  # an httpx/httpx2 URL: no re-parsing
    if host is None:
        parsed = urlsplit(str(url or ""))
        host, port, scheme = parsed.hostname, parsed.port, parsed.scheme
    else:
        port, scheme = url.port, url.scheme
    return host or None, port or {"https": 443, "http": 80}.get(scheme)


def _encode(attrs: dict) -> dict:
    for key in _CONTENT_KEYS:
        if key in attrs and not isinstance(attrs[key], str):
            attrs[key] = to_json(attrs[key], max_bytes=_CONTENT_BUDGET)
    return attrs


def start(provider: Provider, operation: Any, resource: Any, kwargs: dict) -> "Call | None":
    """A started call, or None when this call passes through untraced: the instrumentation is
    off, the call is nested in another instrumented call, instrumentation is suppressed, or
    starting failed (logged once; the call is unaffected)."""
    if not provider.active:
        return None
    ctx = context_api.get_current()
    if ctx.get(IN_CALL) or ctx.get(_SUPPRESSED) or ctx.get(_SUPPRESSED_PLAIN):
        return None
    try:
        if provider.prepare is not None:
            provider.prepare(operation, kwargs)
        return Call(provider, operation, resource, kwargs, ctx)
    except Exception:
        log_once(f"{provider.label}.start", "actiontrace: could not start a %s span; the call is unaffected",
                 provider.label)
        return None


def detach(token: Any) -> None:
    """Undo :meth:`Call.attach` (a None token: the attach failed, nothing to undo)."""
    if token is None:
        return
    try:
        context_api.detach(token)
    except Exception:
        log_once("genai.detach", "actiontrace: could not detach a GenAI span context")


class Call:
    __slots__ = ("provider", "operation", "span", "capture", "model", "provider_name", "address", "port",
                 "totals", "start_ns", "stream_state", "event", "_once", "_ctx")

    def __init__(self, provider: Provider, operation: Any, resource: Any, kwargs: dict, ctx: Context) -> None:
        """``ctx``: the current context (:func:`start` has read it to decide to trace)."""
        client = provider.client(resource)
        self.provider = provider
        self.operation = operation
        self.capture = capture = provider.capture()
        model = kwargs.get("model")
        self.model = model = model if isinstance(model, str) and model else None
        self.provider_name = name = provider.name(client)
        self.address, self.port = address, port = provider.server(client)
        self.stream_state: Any = None
        self._once = [True]  # popped by the one ending (list.pop is atomic): no lock per call
        op = operation.operation_name
        attrs: dict[str, Any] = {A.GEN_AI_OPERATION_NAME: op, A.GEN_AI_PROVIDER_NAME: name}
        if model:
            attrs[A.GEN_AI_REQUEST_MODEL] = model
        if address:
            attrs[A.SERVER_ADDRESS] = address
        if port:
            attrs[A.SERVER_PORT] = port
        attrs.update(operation.request_attributes(kwargs, capture))
        extra = provider.start_attributes(client, kwargs)
        if extra:
            attrs.update(extra)
        # Events on: the request side of the event is kept (one cached bool when they are off).
        self.event = _events.begin(self, kwargs, attrs) if _events.on else None
        if capture:
            _encode(attrs)
        self.start_ns = time.time_ns()
        scope = request_scope(extra, ctx) if extra else None  # header session values win (genai/_headers)
        self.span = _starter.begin(llm_span_name(op, model), span_type="llm", kind=SpanKind.CLIENT,
                                   attributes=attrs, start_time=self.start_ns, context=ctx, tracer=provider.tracer)
        if scope is not None:
            scope.__exit__(None, None, None)
        self.totals = ctx.get(A.TOTALS_KEY)  # what _totals.current(ctx) reads, two calls less
        self._ctx = ctx

    # -- while the client method runs ------------------------------------------
    def attach(self) -> Any:
        """Make the span current, mark the call as running and, by default, suppress HTTP
        client spans: one context, one attach (the token goes to :func:`detach`)."""
        try:
            values = dict(self._ctx)
            values[IN_CALL] = True
            if self.provider.suppress_http and _SUPPRESS_HTTP is not None:
                values[_SUPPRESS_HTTP] = True
            if _SPAN_KEY is None:
                return context_api.attach(trace.set_span_in_context(self.span, Context(values)))
            values[_SPAN_KEY] = self.span  # what set_span_in_context sets, without a second copy
            return context_api.attach(Context(values))
        except Exception:
            log_once("genai.attach", "actiontrace: could not attach a GenAI span context")
            return None

    # -- ending ------------------------------------------------------------------
    def _claim(self) -> bool:
        try:
            return self._once.pop()
        except IndexError:
            return False

    def succeed(self, outcome: Outcome | None, *, extra: dict | None = None, exc: BaseException | None = None,
                end_time: int | None = None) -> None:
        """End the span with ``outcome`` (None: nothing is known of the response). Only the
        first ending of a call counts, whichever thread it comes from."""
        if not self._claim():
            return
        try:
            self._record(outcome, extra, exc, end_time)
        except Exception:
            log_once(f"{self.provider.label}.finish",
                     "actiontrace: could not record a %s response; the call is unaffected", self.provider.label)
            _starter.end_span(self.span)

    def fail(self, exc: BaseException) -> None:
        self.succeed(None, exc=exc)

    def release(self) -> None:
        """The raw response was closed or dropped: end now with whatever is known."""
        if self.stream_state is not None:
            self.stream_state.finish()
        else:
            self.succeed(None)

    def _raw_dropped(self) -> None:
        # A stream handed out by parse() outlives its raw response and ends by itself.
        if self.stream_state is None:
            self.succeed(None)

    def watch(self, proxy: Any) -> None:
        """End the call (as :meth:`release`) when ``proxy`` is garbage-collected unfinished."""
        try:
            # The finalizer holds the call, never the proxy: the proxy stays collectable.
            finalizer = weakref.finalize(proxy, self._raw_dropped)
            finalizer.atexit = False
        except TypeError:
            pass

    def first_chunk(self, now_ns: int) -> None:
        seconds = (now_ns - self.start_ns) / 1e9
        if self.span.is_recording():
            self.span.set_attribute(A.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, seconds)
        self.provider.metrics.first_chunk(self.operation.operation_name, self.provider_name, self.model, seconds,
                                          self.address, self.port)

    def finish_stream(self, outcome: Outcome | None, *, completed: bool, chunks: int, exc: BaseException | None,
                      end_time: int | None) -> None:
        self.succeed(outcome, extra={A.STREAM_COMPLETED: completed, A.ITEMS_YIELDED: chunks}, exc=exc,
                     end_time=end_time)

    def _record(self, outcome: Outcome | None, extra: dict | None, exc: BaseException | None,
                end_time: int | None) -> None:
        span = self.span
        usage = outcome.usage if outcome is not None else None
        response_model = outcome.model if outcome is not None else None
        attrs: dict[str, Any] = outcome.attributes if outcome is not None else {}  # built for this call
        if extra:
            attrs.update(extra)
        if usage is not None:
            usage.add_to(attrs)
        cost = cost_usd(response_model or self.model, usage)
        if cost is not None:
            attrs[A.COST_USD] = cost
        error_type = None
        if exc is not None:
            _starter.record_error(span, exc)
            error_type = self.provider.error_type(exc)
            attrs[A.ERROR_TYPE] = error_type
        if self.event is not None:
            _events.finish(self, attrs, end_time)  # the call's one event; content kept off the span if asked
        op = self.operation.operation_name
        if span.is_recording():
            if not self.model and response_model:
                span.update_name(llm_span_name(op, response_model))
            span.set_attributes(_encode(attrs) if self.capture else attrs)
        input_tokens = usage.input_tokens if usage is not None else None
        output_tokens = usage.output_tokens if usage is not None else None
        if self.totals is not None and (usage is not None or cost is not None):
            self.totals.add(input_tokens, output_tokens, cost)
        end = end_time or time.time_ns()
        self.provider.metrics.llm(op, self.provider_name, self.model, (end - self.start_ns) / 1e9, input_tokens,
                                  output_tokens, error_type, self.address, self.port, response_model)
        _starter.end_span(span, end_time)
