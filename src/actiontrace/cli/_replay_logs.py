"""``actiontrace replay`` for log records (GenAI events): ``ExportLogsServiceRequest`` messages
built from the decoded lines, ids and times as recorded, and the logs signal's URL path."""

from __future__ import annotations

import json
from typing import Iterable

from ..reading._logs import LogRecord


def logs_path(traces_path: str) -> str:
    """The logs URL path beside a traces one: ``/v1/traces`` → ``/v1/logs``; a custom path gets ``/v1/logs`` added."""
    path = traces_path.rstrip("/")
    if path.endswith("/v1/traces"):
        return path[: -len("/v1/traces")] + "/v1/logs"
    if path.endswith("/v1/logs"):
        return path
    return path + "/v1/logs"


def _pb_record(record: LogRecord):
    from opentelemetry.proto.logs.v1 import logs_pb2 as pb

    from ._replay import _any_value, _key_values

    out = pb.LogRecord(
        time_unix_nano=record.time_ns or 0,
        observed_time_unix_nano=record.observed_ns or 0,
        severity_number=record.severity_number or 0,
        severity_text=record.severity_text or "",
        attributes=_key_values(record.attributes or {}),
        flags=record.flags or 0,
        trace_id=bytes.fromhex(record.trace_id) if record.trace_id else b"",
        span_id=bytes.fromhex(record.span_id) if record.span_id else b"",
    )
    if record.body is not None:
        out.body.CopyFrom(_any_value(record.body))
    if record.event_name and "event_name" in pb.LogRecord.DESCRIPTOR.fields_by_name:
        out.event_name = record.event_name
    return out


def build_logs_request(records: Iterable[LogRecord]):
    """One ExportLogsServiceRequest; records grouped by resource and scope as recorded."""
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
    from opentelemetry.proto.common.v1.common_pb2 import InstrumentationScope
    from opentelemetry.proto.logs.v1.logs_pb2 import ResourceLogs, ScopeLogs
    from opentelemetry.proto.resource.v1.resource_pb2 import Resource

    from ._replay import _key_values

    grouped: dict[str, tuple[dict, dict[tuple[str, str], list]]] = {}
    for record in records:
        rkey = json.dumps(record.resource or {}, sort_keys=True, default=repr)
        resource, scopes = grouped.setdefault(rkey, (record.resource or {}, {}))
        scopes.setdefault((record.scope_name or "", record.scope_version or ""), []).append(_pb_record(record))
    request = ExportLogsServiceRequest()
    for resource, scopes in grouped.values():
        request.resource_logs.append(ResourceLogs(
            resource=Resource(attributes=_key_values(resource)),
            scope_logs=[ScopeLogs(scope=InstrumentationScope(name=name, version=version), log_records=pb_records)
                        for (name, version), pb_records in scopes.items()],
        ))
    return request
