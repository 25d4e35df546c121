"""GenAI client metrics and per-tool counters, recorded through the OpenTelemetry metrics API.

Instruments are created lazily on the Meter "actiontrace" of whichever MeterProvider is in force
(the one ``use_meter_provider`` named, which ``setup._metrics`` does, else the
application's global one). With no provider set, every ``record_*`` call returns after one
identity check, so the decorators may call them freely. An instrumentation records through a
:class:`Recorder` made at its ``instrument()``: bound to the ``meter_provider`` it was handed,
or following the provider in force. Nothing here raises into the caller: failures are logged
once and swallowed.
"""

from __future__ import annotations

import threading
from typing import Any

from opentelemetry import metrics

from actiontrace import _vocabulary as A
from actiontrace._safety import tracing_failed

from opentelemetry.metrics import NoOpMeterProvider

from actiontrace import _sdk, _settings
from actiontrace.genai import _semconv

# The API's placeholder providers: recording through them is pointless work.
_PLACEHOLDERS: tuple[type, ...] = _sdk.placeholder_meter_provider_types()
_PROXY: tuple[type, ...] = tuple(t for t in _PLACEHOLDERS if t is not NoOpMeterProvider)

# Bucket boundaries the GenAI semantic conventions prescribe (gen-ai-metrics.md).
DURATION_BUCKETS: tuple[float, ...] = (
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
)
TOKEN_BUCKETS: tuple[float, ...] = (
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
)
# Tools are often local and fast: the HTTP duration boundaries resolve milliseconds too.
TOOL_DURATION_BUCKETS: tuple[float, ...] = (
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
)

class _Instruments:
    __slots__ = ("duration", "tokens", "first_chunk", "tool_duration", "tool_errors", "latest_tokens")

    def __init__(self, meter: metrics.Meter) -> None:
        names = _semconv.refresh()  # v1.41 or the latest-experimental metric names
        self.duration = meter.create_histogram(
            names.duration_metric, unit="s", description="GenAI operation duration.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )
        self.tokens: Any = None
        self.latest_tokens: Any = None
        if names.latest:
            self.latest_tokens = _latest_token_instruments(meter)
        else:
            self.tokens = meter.create_histogram(
                A.GEN_AI_TOKEN_USAGE_METRIC, unit="{token}", description="Number of input and output tokens used.",
                explicit_bucket_boundaries_advisory=TOKEN_BUCKETS,
            )
        self.first_chunk = meter.create_histogram(
            names.first_chunk_metric, unit="s",
            description="Time to receive the first chunk of a streamed response.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )
        self.tool_duration = meter.create_histogram(
            A.TOOL_DURATION_METRIC, unit="s", description="Duration of tool executions.",
            explicit_bucket_boundaries_advisory=TOOL_DURATION_BUCKETS,
        )
        self.tool_errors = meter.create_counter(
            A.TOOL_ERRORS_METRIC, unit="{error}", description="Tool executions that raised.",
        )


_lock = threading.Lock()
_own_provider: Any = None  # set by use_meter_provider (configure_metrics calls it)
_cached_for: Any = None
_cached: _Instruments | None = None


try:  # the API's global and its stand-in, read directly: get_meter_provider() looks the
    # OTEL_PYTHON_METER_PROVIDER variable up in the environment on every call while no provider is set
    from opentelemetry.metrics import _internal as _metrics_api

    _metrics_api._METER_PROVIDER  # noqa: B018 (present in this API version)
    _STAND_IN: Any = _metrics_api._PROXY_METER_PROVIDER
except (ImportError, AttributeError):  # pragma: no cover
    _metrics_api = None
_provider_variable = _settings.METER_PROVIDER.raw_reader()


def _global_provider() -> Any:
    """What ``metrics.get_meter_provider()`` answers, without its per-call environment lookup."""
    if _metrics_api is not None:
        provider = _metrics_api._METER_PROVIDER
        if provider is not None:
            return provider
        if _provider_variable() is None:  # unset: the API answers its stand-in
            return _STAND_IN
    return metrics.get_meter_provider()  # (the variable names a provider: the API loads and sets it)


def _instruments() -> _Instruments | None:
    global _cached_for, _cached
    provider = _own_provider if _own_provider is not None else _global_provider()
    if provider is _cached_for:
        return _cached
    with _lock:
        if provider is not _cached_for:
            # A placeholder is cached too (as None): the next call answers with one identity check.
            placeholder = isinstance(provider, _PLACEHOLDERS)
            _cached = None if placeholder else _Instruments(provider.get_meter(A.METER_NAME, _version()))
            _cached_for = provider
        return _cached


def recording() -> bool:
    """Whether a MeterProvider is in force (the ``record_*`` functions would record)."""
    return _instruments() is not None


def is_placeholder(provider: Any) -> bool:
    """The API's no-op or global stand-in provider: recording through it is pointless work."""
    return isinstance(provider, _PLACEHOLDERS)


def _version() -> str | None:
    try:
        from importlib.metadata import version

        return version("actiontrace")
    except Exception:
        return None


def use_meter_provider(provider: Any) -> None:
    """Record into ``provider`` (None: back to the global provider). For configure() and tests."""
    global _own_provider, _cached_for, _cached
    with _lock:
        _own_provider = provider
        _cached_for = None
        _cached = None


def _llm_attributes(operation: str, provider: str | None, model: str | None,
                    error_type: str | None, server_address: str | None,
                    server_port: int | None, response_model: str | None) -> dict[str, Any]:
    attrs: dict[str, Any] = {A.GEN_AI_OPERATION_NAME: operation}
    if provider:
        attrs[A.GEN_AI_PROVIDER_NAME] = provider
    if model:
        attrs[A.GEN_AI_REQUEST_MODEL] = model
    if response_model:
        attrs[A.GEN_AI_RESPONSE_MODEL] = response_model
    if server_address:
        attrs[A.SERVER_ADDRESS] = server_address
        if server_port:
            attrs[A.SERVER_PORT] = int(server_port)
    if error_type:
        attrs[A.ERROR_TYPE] = error_type
    return attrs


def record_tool(name: str, duration_s: float, error_type: str | None = None) -> None:
    """One tool execution: duration histogram, plus the error counter when it raised."""
    inst = _instruments()
    if inst is None:
        return
    try:
        attrs: dict[str, Any] = {A.GEN_AI_TOOL_NAME: str(name)}
        if error_type:
            attrs[A.ERROR_TYPE] = error_type
            inst.tool_errors.add(1, attrs)
        inst.tool_duration.record(float(duration_s), attrs)
    except Exception:
        tracing_failed("metrics.record_tool")


def record_llm(operation: str, provider: str | None, model: str | None, duration_s: float,
               input_tokens: int | None = None, output_tokens: int | None = None,
               error_type: str | None = None, server_address: str | None = None, *,
               server_port: int | None = None, response_model: str | None = None) -> None:
    """One GenAI client operation: its duration and, when known, input/output token counts."""
    inst = _instruments()
    if inst is not None:
        _record_llm(inst, operation, provider, model, duration_s, input_tokens, output_tokens, error_type,
                    server_address, server_port, response_model)


def record_first_chunk(operation: str, provider: str | None, model: str | None, seconds: float,
                       server_address: str | None = None, *, server_port: int | None = None) -> None:
    """Time to the first chunk of a streamed response (streaming calls only, per the conventions)."""
    inst = _instruments()
    if inst is not None:
        _record_first_chunk(inst, operation, provider, model, seconds, server_address, server_port)


def _record_llm(inst: _Instruments, operation: str, provider: str | None, model: str | None, duration_s: float,
                input_tokens: int | None, output_tokens: int | None, error_type: str | None,
                server_address: str | None, server_port: int | None, response_model: str | None) -> None:
    try:
        attrs = _llm_attributes(operation, provider, model, error_type, server_address,
                                server_port, response_model)
        inst.duration.record(float(duration_s), attrs)
        if inst.latest_tokens is not None:
            _record_latest_tokens(inst.latest_tokens, attrs, input_tokens, output_tokens)
            return
        # The conventions report tokens per type; a failed call's partial counts are still billable.
        for count, token_type in ((input_tokens, A.TokenType.INPUT.value),
                                  (output_tokens, A.TokenType.COMPLETION.value)):
            if count is not None and count >= 0:
                inst.tokens.record(int(count), {**attrs, A.GEN_AI_TOKEN_TYPE: token_type})
    except Exception:
        tracing_failed("metrics.record_llm")


def _latest_token_instruments(meter: metrics.Meter) -> tuple[Any, Any, Any, Any]:
    """The latest conventions' token instruments: (input, output) histograms per operation, then
    (input, output) usage counters."""
    return (
        meter.create_histogram(A.LATEST_INPUT_TOKENS_METRIC, unit="{token}",
                               description="Input tokens per inference operation.",
                               explicit_bucket_boundaries_advisory=TOKEN_BUCKETS),
        meter.create_histogram(A.LATEST_OUTPUT_TOKENS_METRIC, unit="{token}",
                               description="Output tokens per inference operation.",
                               explicit_bucket_boundaries_advisory=TOKEN_BUCKETS),
        meter.create_counter(A.LATEST_USAGE_INPUT_TOKENS_METRIC, unit="{token}",
                             description="Input tokens used, including cached tokens."),
        meter.create_counter(A.LATEST_USAGE_OUTPUT_TOKENS_METRIC, unit="{token}",
                             description="Output tokens used, including reasoning tokens."),
    )


def _record_latest_tokens(instruments: tuple[Any, Any, Any, Any], attrs: dict[str, Any],
                          input_tokens: int | None, output_tokens: int | None) -> None:
    hist_in, hist_out, usage_in, usage_out = instruments
    usage_attrs = {**attrs, A.GEN_AI_TOKEN_MODALITY: A.TOKEN_MODALITY_UNKNOWN}
    for count, hist, usage in ((input_tokens, hist_in, usage_in), (output_tokens, hist_out, usage_out)):
        known = count is not None and count >= 0
        if known:
            hist.record(int(count), attrs)
        # the usage counters count every operation, 0 when no usage came back (the conventions ask it)
        usage.add(int(count) if known else 0, usage_attrs)


def _record_first_chunk(inst: _Instruments, operation: str, provider: str | None, model: str | None,
                        seconds: float, server_address: str | None, server_port: int | None) -> None:
    try:
        attrs = _llm_attributes(operation, provider, model, None, server_address, server_port, None)
        inst.first_chunk.record(float(seconds), attrs)
    except Exception:
        tracing_failed("metrics.record_first_chunk")


class Recorder:
    """The GenAI metrics of one instrumentation, made at its ``instrument()``: recorded into the
    ``meter_provider`` it was handed, or (None) into the provider in force, as ``record_*`` do."""

    __slots__ = ("meter_provider", "_bound")

    def __init__(self, meter_provider: Any = None) -> None:
        if isinstance(meter_provider, _PROXY):  # the API's global stand-in: follow the provider in force
            meter_provider = None
        self.meter_provider = meter_provider
        self._bound: Any = None  # the instruments on meter_provider, made on first use (False: none)

    def _instruments(self) -> _Instruments | None:
        try:
            if self.meter_provider is None:
                return _instruments()
            if self._bound is None:
                with _lock:
                    if self._bound is None:
                        noop = isinstance(self.meter_provider, _PLACEHOLDERS)
                        self._bound = False if noop else _Instruments(
                            self.meter_provider.get_meter(A.METER_NAME, _version()))
            return self._bound or None
        except Exception:
            tracing_failed("metrics.instruments")
            return None

    def llm(self, operation: str, provider: str | None, model: str | None, duration_s: float,
            input_tokens: int | None, output_tokens: int | None, error_type: str | None,
            server_address: str | None, server_port: int | None, response_model: str | None) -> None:
        """As :func:`record_llm`."""
        inst = self._instruments()
        if inst is not None:
            _record_llm(inst, operation, provider, model, duration_s, input_tokens, output_tokens, error_type,
                        server_address, server_port, response_model)

    def first_chunk(self, operation: str, provider: str | None, model: str | None, seconds: float,
                    server_address: str | None, server_port: int | None) -> None:
        """As :func:`record_first_chunk`."""
        inst = self._instruments()
        if inst is not None:
            _record_first_chunk(inst, operation, provider, model, seconds, server_address, server_port)


def retire(provider: Any) -> None:
    """``provider`` is shutting down: stop recording into it, even while it is still the global
    provider (it answers as absent from now on)."""
    global _cached_for, _cached
    use_meter_provider(None)
    with _lock:
        _cached_for, _cached = provider, None


def own_provider() -> Any:
    """The provider ``use_meter_provider`` named, or None."""
    return _own_provider
