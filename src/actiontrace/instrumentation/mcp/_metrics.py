"""MCP operation and session durations, recorded through the OpenTelemetry metrics API.

The instruments live on the same Meter as actiontrace's GenAI metrics, of whichever
MeterProvider ``genai._metrics`` records into (the one ``configure`` built, else the global one);
with only the API's placeholder provider, a record costs one identity check.
"""

from __future__ import annotations

import threading
from typing import Any

from opentelemetry import metrics

from ... import _vocabulary as A
from ..._safety import tracing_failed
from ...genai import _metrics as _genai_metrics

# Bucket boundaries the MCP conventions prescribe for all four histograms (seconds).
DURATION_BUCKETS: tuple[float, ...] = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300)
# Operation-duration attributes the conventions list (span-only ones such as ids stay off metrics).
_METRIC_KEYS = (A.MCP_METHOD_NAME, A.ERROR_TYPE, A.GEN_AI_TOOL_NAME, A.GEN_AI_PROMPT_NAME,
                A.GEN_AI_OPERATION_NAME, A.RPC_RESPONSE_STATUS_CODE, A.MCP_PROTOCOL_VERSION,
                A.NETWORK_TRANSPORT, A.NETWORK_PROTOCOL_NAME, A.NETWORK_PROTOCOL_VERSION,
                A.SERVER_ADDRESS, A.SERVER_PORT)
_SESSION_KEYS = (A.ERROR_TYPE, A.MCP_PROTOCOL_VERSION, A.NETWORK_TRANSPORT, A.NETWORK_PROTOCOL_NAME,
                 A.NETWORK_PROTOCOL_VERSION, A.SERVER_ADDRESS, A.SERVER_PORT)


class _Instruments:
    __slots__ = ("client", "server", "client_session", "server_session")

    def __init__(self, meter: metrics.Meter) -> None:
        def histogram(name: str, description: str):
            return meter.create_histogram(name, unit="s", description=description,
                                          explicit_bucket_boundaries_advisory=DURATION_BUCKETS)

        self.client = histogram(A.MCP_CLIENT_OPERATION_DURATION_METRIC, "MCP request duration on the client.")
        self.server = histogram(A.MCP_SERVER_OPERATION_DURATION_METRIC, "MCP request duration on the server.")
        self.client_session = histogram(A.MCP_CLIENT_SESSION_DURATION_METRIC, "MCP session duration on the client.")
        self.server_session = histogram(A.MCP_SERVER_SESSION_DURATION_METRIC, "MCP session duration on the server.")


_lock = threading.Lock()
_cached_for: Any = None
_cached: _Instruments | None = None


def _instruments() -> _Instruments | None:
    global _cached_for, _cached
    own = _genai_metrics._own_provider
    provider = own if own is not None else metrics.get_meter_provider()
    if provider is _cached_for:
        return _cached
    with _lock:
        if provider is not _cached_for:
            placeholder = isinstance(provider, _genai_metrics._PLACEHOLDERS)
            _cached = None if placeholder else _Instruments(provider.get_meter(A.METER_NAME))
            _cached_for = provider
        return _cached


def _pick(attributes: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: attributes[k] for k in keys if k in attributes}


def record_operation(server: bool, seconds: float, attributes: dict[str, Any]) -> None:
    inst = _instruments()
    if inst is None:
        return
    try:
        (inst.server if server else inst.client).record(seconds, _pick(attributes, _METRIC_KEYS))
    except Exception:
        tracing_failed("mcp.metrics.operation")


def record_session(server: bool, seconds: float, attributes: dict[str, Any]) -> None:
    inst = _instruments()
    if inst is None:
        return
    try:
        (inst.server_session if server else inst.client_session).record(seconds, _pick(attributes, _SESSION_KEYS))
    except Exception:
        tracing_failed("mcp.metrics.session")
