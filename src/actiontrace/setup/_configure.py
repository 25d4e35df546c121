"""``configure()``: the convenience SDK setup for applications that have none.

Pipeline: SessionSpanProcessor (stamps session values and the decision path at start),
then every exporter behind redaction, so nothing secret leaves the process: batch →
redaction → JSONL files (the embedded default, ``./traces/``) and, when an endpoint is
configured, batch → redaction → OTLP. Batch pipelines redact in their worker thread
(``RedactingSpanExporter``), keeping the cost off the application thread; so do the
application's own SDK ``BatchSpanProcessor``s, and its other processors go behind
``RedactingSpanProcessor`` (``_extra_processors``).
"""

from __future__ import annotations

import atexit
import os
import threading
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from opentelemetry import trace

from .. import _settings as S
from ..spans import _capture
from .._safety import logger

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
    from opentelemetry.util.types import AttributeValue

    from ..redaction import Redactor

_UNSET: Any = object()
_lock = threading.Lock()


class _State:
    def __init__(self, provider: TracerProvider, owned: bool, processors: list[SpanProcessor], key: tuple[Any, ...],
                 meter_provider: Any = None, logs: Any = None) -> None:
        self.provider = provider
        self.owned = owned  # we created the provider (so we shut it down)
        self.processors = processors
        self.key = key
        self.meter_provider = meter_provider
        self.logs = logs  # the GenAI events' pipeline (setup._logs.LogPipeline), when events are on


_state: _State | None = None


class _Options:
    """``configure()``'s arguments, checked by the settings parsers (``None``: not given)."""

    def __init__(self, args: dict[str, Any]) -> None:
        from opentelemetry.sdk.trace import SpanProcessor

        from ..redaction import Redactor

        self.service_name = _arg(S.parse_str, args, "service_name")
        path = args["jsonl_path"]
        self.jsonl_path = path if path is _UNSET or path is None else S.parse_path(path, "jsonl_path")
        self.endpoint = _arg(S.parse_str, args, "otlp_endpoint") or None  # "" means not given, as always
        self.protocol = _arg(S.OTLP_TRACES_PROTOCOL.parse, args, "otlp_protocol", empty_is_none=True)
        self.capture_content = _arg(S.parse_capture_mode, args, "capture_content")
        self.instrument = _arg(S.parse_names, args, "instrument")
        if self.instrument is not None:
            from ._instrument import check

            check(self.instrument)  # an unknown name raises before anything is set up
        self.redactor = _arg(S.instance_of(Redactor, "an actiontrace.redaction.Redactor"), args, "redactor")
        self.propagate_threads = S.parse_bool(args["propagate_threads"], "propagate_threads")
        self.span_processors = S.sequence_of(SpanProcessor, "SpanProcessor")(args["span_processors"],
                                                                             "span_processors")
        self.resource_attributes = _arg(S.parse_str_mapping, args, "resource_attributes") or {}
        self.metrics = S.parse_bool(args["metrics"], "metrics")
        self.session_baggage = _arg(S.parse_bool, args, "session_baggage")
        self.redact_pii = _arg(S.parse_bool, args, "redact_pii")
        self.handle_signals = S.parse_bool(args["handle_signals"], "handle_signals")
        # What a second call is compared with.
        self.key = (self.service_name, self.jsonl_path, self.endpoint, self.protocol, self.capture_content,
                    tuple(self.instrument or ()), id(self.redactor), self.redact_pii)


def _arg(parse: Callable[[Any, str], Any], args: dict[str, Any], name: str, empty_is_none: bool = False) -> Any:
    value = args[name]
    if value is None or (empty_is_none and value == ""):
        return None
    return parse(value, name)


def _jsonl_path(arg: Any) -> str | None:
    """The JSONL directory, or None when off (or unusable: logged, see ``_checks``)."""
    from ._checks import jsonl_problem, off

    if arg is _UNSET:
        if not S.JSONL.read():
            return None
        arg, source = S.JSONL_PATH.read(), S.JSONL_PATH.env
    else:
        source = "jsonl_path"
    problem = jsonl_problem(arg) if arg is not None else None
    if problem:
        off(f"JSONL export ({source}={arg})", problem)
        return None
    return None if arg is None else str(arg)


def _otlp_settings(endpoint: str | None, protocol: str | None) -> tuple[str | None, str]:
    """The traces endpoint as the exporter wants it, and the protocol (None: OTLP off, logged)."""
    from ._checks import endpoint_problem, off

    if protocol is None:
        try:
            protocol = S.OTLP_TRACES_PROTOCOL.read()
        except ValueError as error:
            off("OTLP export", str(error))
            return None, "http/protobuf"
    given = endpoint or S.OTLP_TRACES_ENDPOINT.read() or S.OTLP_ENDPOINT.read()
    if given and (problem := endpoint_problem(given, protocol)):
        off("OTLP export", problem)
        return None, protocol
    if not endpoint and S.OTLP_TRACES_ENDPOINT.read():
        return S.OTLP_TRACES_ENDPOINT.read(), protocol  # per-signal: used as given
    endpoint = endpoint or S.OTLP_ENDPOINT.read()
    if endpoint and protocol == "http/protobuf" and not endpoint.rstrip("/").endswith("/v1/traces"):
        endpoint = endpoint.rstrip("/") + "/v1/traces"  # a base endpoint gets the signal's path
    return endpoint, protocol


def configure(
    *,
    service_name: str | None = None,
    jsonl_path: str | os.PathLike[str] | None = _UNSET,
    otlp_endpoint: str | None = None,
    otlp_protocol: str | None = None,
    capture_content: bool | str | S.ContentMode | None = None,
    instrument: Iterable[str] | None = None,
    redactor: Redactor | None = None,
    propagate_threads: bool | str = True,
    span_processors: Sequence[SpanProcessor] = (),
    resource_attributes: Mapping[str, AttributeValue] | None = None,
    metrics: bool | str = True,
    session_baggage: bool | str | None = None,
    handle_signals: bool | str = True,
    redact_pii: bool | str | None = None,
) -> TracerProvider:
    """Set up tracing and return the SDK ``TracerProvider``.

    - ``service_name``: else ``OTEL_SERVICE_NAME``/``OTEL_RESOURCE_ATTRIBUTES``, else ``actiontrace-app``.
    - ``jsonl_path``: directory for JSONL trace files; default ``./traces`` (or
      ``ACTIONTRACE_JSONL_PATH``); ``None`` (or ``ACTIONTRACE_JSONL=off``) disables them.
    - ``otlp_endpoint``/``otlp_protocol``: else the ``OTEL_EXPORTER_OTLP_*`` variables
      (headers, timeout, compression and certificate are read by the exporter itself).
    - ``capture_content``: record arguments/results and LLM messages: True/False or a ``ContentMode``
      (or its name). Unset: LLM messages follow ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT``
      if set, else ``ACTIONTRACE_CAPTURE_CONTENT`` (default on). A mode with events (or
      ``OTEL_INSTRUMENTATION_GENAI_EMIT_EVENT=true``) adds GenAI events (docs/configuration.md).
    - ``instrument``: client libraries to instrument (``"openai"``, ``"anthropic"``, ``"mcp"``,
      ``"openai_agents"``); default: each one installed. Each is instrumented when the application imports it (at once if it already has).
    - ``redactor``: a ``actiontrace.redaction.Redactor`` replacing the default rules.
    - ``span_processors``: extra exporting processors; they are put behind redaction too (an SDK
      ``BatchSpanProcessor`` by wrapping its exporter in ``RedactingSpanExporter``, so that its
      ``span_exporter`` is then the wrapper, whose ``inner`` is the exporter given).
    - ``redact_pii``: also redact e-mail addresses, phone numbers, card numbers and US SSNs
      (default off; ``ACTIONTRACE_REDACT_PII=true``); ignored when ``redactor`` is given.
    - ``session_baggage``: also send session values to other services as W3C baggage
      (default off; ``ACTIONTRACE_SESSION_BAGGAGE=true``).
    - ``handle_signals``: on SIGTERM/SIGHUP flush what is buffered, then let the signal do
      what it would have done (``False``, or ``ACTIONTRACE_HANDLE_SIGNALS=false``: leave them alone).

    Switches take a bool or the same words as their variables (``"false"``, ``"off"``...).
    A wrong type raises ``TypeError`` and a bad value ``ValueError``, naming the argument;
    a bad environment value is logged and its default used, and a JSONL directory, OTLP
    protocol or endpoint that cannot work is logged once and that exporter left out
    (``_checks``): tracing never stops the application from starting.

    Idempotent: a second call returns the same provider and changes nothing (it warns
    if its arguments differ). If the application already installed an SDK
    ``TracerProvider``, the processors are added to it instead of replacing it.
    """
    global _state
    options = _Options(dict(locals()))  # the arguments by name
    with _lock:
        if _state is not None:
            if options.key != _state.key:
                logger.warning("actiontrace.configure() was already called; the new arguments are ignored")
            return _state.provider
        _state = _build(options)
        return _state.provider


def _build(o: _Options) -> _State:
    _apply_switches(o)
    endpoint, protocol = _otlp_settings(o.endpoint, o.protocol)
    provider, owned = _provider(o)
    _warn_about_the_past(provider, owned)
    from ..exporters._otlp import ExitBudget

    budget = ExitBudget()  # shared by the OTLP traces and metrics exporters
    path = _jsonl_path(o.jsonl_path)
    processors = _processors(o, path, endpoint, protocol, budget)
    if not owned and _has_session_processor(provider):  # e.g. set up by the zero-code configurator
        processors = processors[1:]
    for processor in processors:
        provider.add_span_processor(processor)
    if owned:
        trace.set_tracer_provider(provider)
    from ._fork import flush_forked_children

    # multiprocessing's fork children leave through os._exit, skipping atexit.
    flush_forked_children(provider)
    meter_provider = None
    if endpoint and o.metrics:
        # Metrics get the base endpoint: their exporter adds its own signal path.
        meter_provider = _configure_metrics(o.endpoint or S.OTLP_ENDPOINT.read(), protocol, budget)
    if o.propagate_threads:
        from ..context._threads import propagate_context_to_threads

        propagate_context_to_threads()
    from ._instrument import installed, instrument_on_import

    logs = _configure_events(o, provider, path, endpoint, protocol, budget)
    instrument_on_import(installed() if o.instrument is None else o.instrument, provider)
    # One exit hook, ours, so that spans go out before metrics and both share one timeout.
    atexit.register(_shutdown_at_exit)
    if o.handle_signals and S.HANDLE_SIGNALS.read():
        from ._signals import install_signal_handlers

        install_signal_handlers()
    return _State(provider, owned, processors, o.key, meter_provider, logs)


def _configure_events(o: _Options, provider: Any, path: str | None, endpoint: str | None, protocol: str,
                      budget: Any) -> Any:
    """The LLM content mode in force (precedence: the argument, the OTel GenAI variable, then
    ``ACTIONTRACE_CAPTURE_CONTENT``) and, when it or the variable wants events, their pipeline."""
    from ..genai import _semconv
    from . import _instrument
    from ._logs import build_log_pipeline, logs_endpoint

    _semconv.refresh()
    _instrument.genai_mode = o.capture_content or S.genai_content_mode()
    mode = _instrument.genai_mode or (S.ContentMode.SPAN_ONLY if _capture.settings.enabled else S.ContentMode.NO_CONTENT)
    logs_url = logs_endpoint(o.endpoint or S.OTLP_ENDPOINT.read(), endpoint, protocol) if endpoint else None
    return build_log_pipeline(mode, getattr(provider, "resource", None), path, logs_url, protocol, budget)


def _has_session_processor(provider: Any) -> bool:
    from ..processors._session import SessionSpanProcessor

    multi = getattr(provider, "_active_span_processor", None)
    return any(isinstance(p, SessionSpanProcessor) for p in getattr(multi, "_span_processors", ()) or ())


def _warn_about_the_past(provider: Any, owned: bool) -> None:
    """Spans lost before configure(), and exporters of the application's that skip redaction."""
    from . import _checks
    from ..spans import _calls

    if owned and _calls.unrecorded.count:
        _checks.warn_calls_before(_calls.unrecorded.count)
    if not owned and (names := _checks.exporting_processors(provider)):
        _checks.warn_unredacted(names)


def _apply_switches(o: _Options) -> None:
    """The process-wide switches an argument overrides (else they keep their variables' values)."""
    if o.session_baggage is not None:
        from ..context import _baggage

        _baggage.enabled = o.session_baggage
    if o.capture_content is not None:
        _capture.settings.enabled = o.capture_content.on_span
    from ..redaction import Redactor, default_redactor, set_default_redactor

    if o.redactor is not None or o.redact_pii is not None:
        set_default_redactor(o.redactor if o.redactor is not None else Redactor(pii=o.redact_pii))
    # Compile the rules now, not inside the first traced call's span.
    default_redactor()


def _provider(o: _Options) -> tuple[TracerProvider, bool]:
    """The application's SDK provider if it installed one, else a new one (owned by us)."""
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import SpanLimits, TracerProvider

    existing = trace.get_tracer_provider()
    if isinstance(existing, TracerProvider):
        return existing, False
    attrs = dict(o.resource_attributes)
    if o.service_name:
        attrs[SERVICE_NAME] = o.service_name
    elif not S.SERVICE_NAME.read() and "service.name=" not in S.RESOURCE_ATTRIBUTES.read():
        attrs[SERVICE_NAME] = "actiontrace-app"
    # No length limit at set time: the SDK would cut a value before redaction sees it
    # whole; the exporters apply OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT after redaction.
    limits = SpanLimits(max_attribute_length=SpanLimits.UNSET, max_span_attribute_length=SpanLimits.UNSET)
    # Shut down by configure()'s own exit hook, in order (see _shutdown).
    return TracerProvider(resource=Resource.create(attrs), span_limits=limits, shutdown_on_exit=False), True


def _processors(o: _Options, path: str | None, endpoint: str | None, protocol: str, budget: Any) -> list[SpanProcessor]:
    """Session stamping first, then every exporting branch behind redaction."""
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    from ..processors._session import SessionSpanProcessor
    from ..redaction import RedactingSpanExporter

    processors: list[SpanProcessor] = [SessionSpanProcessor()]
    if path is not None:
        from ..exporters import JsonlSpanExporter

        # The local record of truth: a deeper queue than the SDK default rides out bursts,
        # and a short delay keeps `actiontrace tail` close behind the agent.
        processors.append(BatchSpanProcessor(RedactingSpanExporter(JsonlSpanExporter(path)),
                                             max_queue_size=S.JSONL_QUEUE_SIZE.read(),
                                             schedule_delay_millis=S.JSONL_DELAY_MS.read()))
    if endpoint:
        from ..exporters._otlp import otlp_span_processor

        # Backs off while the collector is down, bounds shutdown, counts drops.
        limit = S.ATTRIBUTE_VALUE_LENGTH_LIMIT.read() or None
        processors.append(otlp_span_processor(
            endpoint, protocol, wrap=lambda exporter: RedactingSpanExporter(exporter, max_value_len=limit),
            budget=budget))
        if o.metrics:
            from ..processors._tool_metrics import ToolMetricsSpanProcessor

            processors.append(ToolMetricsSpanProcessor())
    from ._extra_processors import behind_redaction

    limit = S.ATTRIBUTE_VALUE_LENGTH_LIMIT.read() or None
    processors.extend(behind_redaction(extra, limit) for extra in o.span_processors)
    return processors


def _configure_metrics(endpoint: str | None, protocol: str, budget: Any) -> Any:
    try:
        from ._metrics import build_meter_provider
    except ImportError:
        return None
    try:
        return build_meter_provider(endpoint, protocol, budget)
    except Exception:
        logger.warning("actiontrace: metrics export could not be set up", exc_info=True)
        return None


def _shutdown_at_exit() -> None:
    try:
        shutdown()
    except Exception:
        pass


def shutdown(timeout_millis: int = 30000) -> None:
    """Flush every span and close the exporters. Safe to call twice.

    Spans first (JSONL, then OTLP), then metrics; a dead OTLP endpoint costs at most one
    OTLP export timeout for both signals together.
    """
    global _state
    with _lock:
        state, _state = _state, None
    if state is None:
        return
    from ._shutdown import shutdown_state

    shutdown_state(state)
