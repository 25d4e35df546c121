"""Seed-compatible APIs: the names, arguments and return values of the four tools whose
jobs actiontrace does, as thin layers over the core span starter.

- AgentSight: ``track_action``, ``Tracker``
- AgentOps: ``record_action``, ``record``, ``Event``, ``EventState``, ``ActionType``, ``Client``
- Helicone: ``log_request``, ``HeliconeManualLogger``, ``ResultRecorder``
- ActionTracer: ``ActionTracer``, ``TraceEntry``, ``JSONLExporter``
"""

from .agentops import ActionType, Client, Event, EventState, record, record_action
from .helicone import HeliconeManualLogger, ResultRecorder, log_request
from .action_tracer import ActionTracer, JSONLExporter, TraceEntry
from .agentsight import Tracker, track_action

__all__ = [
    "ActionTracer",
    "ActionType",
    "Client",
    "Event",
    "EventState",
    "HeliconeManualLogger",
    "JSONLExporter",
    "ResultRecorder",
    "TraceEntry",
    "Tracker",
    "log_request",
    "record",
    "record_action",
    "track_action",
]
