"""One instrumented OpenAI call: its span from start to the single end.

The span is started with the core starter (``actiontrace.spans._starter.begin``) and is current
only while the client method runs (together with the switch that suppresses the HTTP
client's own instrumentation); a streamed call's span is ended later by its stream proxy.
"""

from __future__ import annotations

import time
import weakref
from typing import Any
from urllib.parse import urlsplit

from opentelemetry import context as context_api
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import SpanKind

from .. import _vocabulary as A
from ..spans import _totals, _starter
from ..spans._capture import to_json
from .._safety import log_once
from ._cost import cost_usd
from ..instrumentation.openai._headers import session_attributes
from ..instrumentation.openai._messages import capture_content

try:  # the documented context key that tells HTTP instrumentations (httpx, requests) to stand down
    from opentelemetry.instrumentation.utils import _SUPPRESS_HTTP_INSTRUMENTATION_KEY as _SUPPRESS_HTTP
except Exception:  # pragma: no cover - older opentelemetry-instrumentation
    _SUPPRESS_HTTP = None

# Set while an instrumented method runs: a nested instrumented method (a helper that calls
# create() internally) then passes through, so one API call is one span.
IN_CALL = context_api.create_key("actiontrace-openai-call")

_CONTENT_KEYS = (A.GEN_AI_INPUT_MESSAGES, A.GEN_AI_OUTPUT_MESSAGES, A.GEN_AI_SYSTEM_INSTRUCTIONS,
                 A.GEN_AI_TOOL_DEFINITIONS)
_CONTENT_BUDGET = 65536  # bytes of JSON per content attribute; the redactor still sees all of it


class Settings:
    """Instrumentor options (``OpenAIInstrumentor().instrument(**options)``)."""

    suppress_http = True
    stream_include_usage = False


settings = Settings()


_servers: dict[int, tuple[Any, str | None, int | None]] = {}  # id(base URL) -> (URL, host, port)


def _server(client: Any) -> tuple[str | None, int | None]:
    """Host and port of the client's base URL, worked out once per URL object (a client keeps
    its URL; the URL's properties re-derive their values on every read)."""
    try:
        # The client's own attribute: openai 3.x's base_url property runs an import per read.
        url = getattr(client, "_base_url", None) or getattr(client, "base_url", None)
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


def provider_name(client: Any) -> str:
    return "azure.ai.openai" if "azure" in type(client).__name__.lower() else "openai"


def _encode(attrs: dict) -> dict:
    for key in _CONTENT_KEYS:
        if key in attrs and not isinstance(attrs[key], str):
            attrs[key] = to_json(attrs[key], max_bytes=_CONTENT_BUDGET)
    return attrs


def _error_type(exc: BaseException) -> str:
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        return str(status)
    return _starter.error_type(exc)


class Call:
    __slots__ = ("api", "span", "capture", "model", "provider", "address", "port", "totals", "start_ns",
                 "stream_state", "_once", "_ctx")

    def __init__(self, api: Any, resource: Any, kwargs: dict, ctx: Context) -> None:
        """``ctx``: the current context (the wrapper has read it to decide to trace)."""
        # A provider's api module may say where the client is and which provider it calls.
        client = api.client_of(resource) if hasattr(api, "client_of") else getattr(resource, "_client", None)
        self.api = api
        self.capture = capture = capture_content()
        model = kwargs.get("model")
        self.model = model = model if isinstance(model, str) and model else None
        self.provider = provider = api.provider_name(client) if hasattr(api, "provider_name") else provider_name(client)
        self.address, self.port = address, port = _server(client)
        self.stream_state: Any = None
        self._once = [True]  # popped by the one ending (list.pop is atomic): no lock per call
        attrs: dict[str, Any] = {A.GEN_AI_OPERATION_NAME: api.OPERATION, A.GEN_AI_PROVIDER_NAME: provider}
        if model:
            attrs[A.GEN_AI_REQUEST_MODEL] = model
        if address:
            attrs[A.SERVER_ADDRESS] = address
        if port:
            attrs[A.SERVER_PORT] = port
        attrs.update(api.request_attributes(kwargs, capture))
        session = session_attributes(client, kwargs.get("extra_headers"))
        if session:
            attrs.update(session)
        if capture:
            _encode(attrs)
        self.start_ns = time.time_ns()
        self.span = _starter.begin(f"{api.OPERATION} {model}" if model else api.OPERATION, span_type="llm",
                                 kind=SpanKind.CLIENT, attributes=attrs, start_time=self.start_ns, context=ctx,
                                 tracer=getattr(api, "TRACER", None))
        self.totals = _totals.current(ctx)
        self._ctx = ctx

    # -- while the client method runs ------------------------------------------
    def attach(self) -> Any:
        """Make the span current, mark the call as running and, by default, suppress HTTP
        client spans: one context, one attach (the token goes to ``context_api.detach``)."""
        values = dict(self._ctx)
        values[IN_CALL] = True
        if settings.suppress_http and _SUPPRESS_HTTP is not None:
            values[_SUPPRESS_HTTP] = True
        return context_api.attach(trace.set_span_in_context(self.span, Context(values)))

    # -- ending ------------------------------------------------------------------
    def _claim(self) -> bool:
        try:
            return self._once.pop()
        except IndexError:
            return False

    def succeed(self, outcome: Any, *, extra: dict | None = None, exc: BaseException | None = None,
                end_time: int | None = None) -> None:
        if not self._claim():
            return
        try:
            self._record(outcome, extra, exc, end_time)
        except Exception:
            log_once("openai.finish", "actiontrace: could not record an OpenAI response; the call is unaffected")
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
        _metrics_call("record_first_chunk", self.api.OPERATION, self.provider, self.model, seconds,
                      self.address, server_port=self.port)

    def finish_stream(self, outcome: Any, *, completed: bool, chunks: int, exc: BaseException | None,
                      end_time: int | None) -> None:
        self.succeed(outcome, extra={A.STREAM_COMPLETED: completed, A.ITEMS_YIELDED: chunks}, exc=exc,
                     end_time=end_time)

    def _record(self, outcome: Any, extra: dict | None, exc: BaseException | None, end_time: int | None) -> None:
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
            error_type = _error_type(exc)
            attrs[A.ERROR_TYPE] = error_type
        if span.is_recording():
            if not self.model and response_model:
                span.update_name(f"{self.api.OPERATION} {response_model}")
            span.set_attributes(_encode(attrs) if self.capture else attrs)
        if self.totals is not None and (usage is not None or cost is not None):
            self.totals.add(usage.input_tokens if usage else None, usage.output_tokens if usage else None, cost)
        end = end_time or time.time_ns()
        _metrics_call("record_llm", self.api.OPERATION, self.provider, self.model, (end - self.start_ns) / 1e9,
                      usage.input_tokens if usage else None, usage.output_tokens if usage else None,
                      error_type, self.address, server_port=self.port, response_model=response_model)
        _starter.end_span(span, end_time)


_metrics_module: Any = None


def _metrics_call(name: str, *args: Any, **kwargs: Any) -> None:
    global _metrics_module
    try:
        if _metrics_module is None:
            from . import _metrics as module

            _metrics_module = module
        getattr(_metrics_module, name)(*args, **kwargs)
    except Exception:
        log_once(f"openai.metrics.{name}", "actiontrace: GenAI metrics unavailable (%s)", name)
