"""``actiontrace replay``: send recorded spans (and the GenAI events recorded beside them) to an
OTLP endpoint, ids and times unchanged.

Builds ``ExportTraceServiceRequest`` protobuf messages straight from the
decoded lines (not through the SDK, which would mint new ids and times) and
POSTs them (OTLP/HTTP, ``application/x-protobuf``) or calls the gRPC
``TraceService/Export``. Spans are sent in batches as they are read, so a
large file replays in bounded memory. Log records (``logs-*.jsonl``) go to the logs signal
(``/v1/logs``, ``LogsService/Export``) after the spans, their trace and span ids unchanged, so
a backend shows each event with its span (``_replay_logs``).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterable

from ..reading._logs import LogRecord, read_items
from ..reading._reader import Span
from ._render import Style
from ._replay_logs import build_logs_request, logs_path

HELP = "send recorded spans to an OTLP endpoint with their original ids and timestamps"
BATCH = 512


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("replay", parents=[common], help=HELP, description=(
        "Send the spans in FILES to an OTLP endpoint (a Collector, Jaeger, Tempo) keeping their trace/span "
        "ids, parents, timestamps, attributes, events, links, status, resource and scope, so a trace "
        "recorded offline can be looked at later. Exit 1 if any batch was refused."))
    p.add_argument("files", nargs="*", default=["traces"], metavar="FILE",
                   help="JSONL files, directories of *.jsonl, or - for stdin (default: ./traces)")
    p.add_argument("--endpoint", required=True, metavar="URL",
                   help="http/protobuf: base URL (/v1/traces is added when the path is empty) or full URL; "
                        "grpc: host:port or http(s)://host:port")
    p.add_argument("--protocol", choices=("http/protobuf", "grpc"), default="http/protobuf",
                   help="OTLP transport (default http/protobuf)")
    p.add_argument("--header", action="append", default=[], metavar="KEY=VALUE",
                   help="extra request header / gRPC metadata (repeatable)")
    p.add_argument("--trace", metavar="ID", help="only the trace whose id starts with ID")
    p.add_argument("--session", metavar="ID", help="only spans of this session")
    p.add_argument("--timeout", type=float, default=10.0, metavar="S", help="per request (default 10 s)")
    p.set_defaults(run=run)


# --- protobuf building -------------------------------------------------------

def _any_value(value: Any):
    from opentelemetry.proto.common.v1.common_pb2 import AnyValue, ArrayValue, KeyValueList

    if isinstance(value, bool):
        return AnyValue(bool_value=value)
    if isinstance(value, int):
        return AnyValue(int_value=value)
    if isinstance(value, float):
        return AnyValue(double_value=value)
    if isinstance(value, str):
        return AnyValue(string_value=value)
    if isinstance(value, bytes):
        return AnyValue(bytes_value=value)
    if isinstance(value, (list, tuple)):
        return AnyValue(array_value=ArrayValue(values=[_any_value(v) for v in value]))
    if isinstance(value, dict):
        return AnyValue(kvlist_value=KeyValueList(values=_key_values(value)))
    if value is None:
        return AnyValue()
    return AnyValue(string_value=str(value))


def _key_values(attributes: dict) -> list:
    from opentelemetry.proto.common.v1.common_pb2 import KeyValue

    return [KeyValue(key=str(k), value=_any_value(v)) for k, v in attributes.items()]


def _pb_span(span: Span):
    from opentelemetry.proto.trace.v1 import trace_pb2 as pb

    return pb.Span(
        trace_id=bytes.fromhex(span.trace_id),
        span_id=bytes.fromhex(span.span_id),
        parent_span_id=bytes.fromhex(span.parent_span_id) if span.parent_span_id else b"",
        trace_state=span.trace_state or "",
        flags=span.flags or 0,
        name=span.name,
        kind=span.kind,
        start_time_unix_nano=span.start_ns,
        end_time_unix_nano=span.end_ns,
        attributes=_key_values(span.attributes),
        events=[pb.Span.Event(time_unix_nano=e.get("time_ns", 0), name=e.get("name", ""),
                              attributes=_key_values(e.get("attributes") or {})) for e in span.events],
        links=[pb.Span.Link(trace_id=bytes.fromhex(link["trace_id"]), span_id=bytes.fromhex(link["span_id"]),
                            trace_state=link.get("trace_state") or "",
                            attributes=_key_values(link.get("attributes") or {}),
                            flags=link.get("flags") or 0) for link in span.links],
        status=pb.Status(code=span.status_code, message=span.status_message or ""),
    )


def build_request(spans: Iterable[Span]):
    """One ExportTraceServiceRequest; spans grouped by resource and scope as recorded."""
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
    from opentelemetry.proto.common.v1.common_pb2 import InstrumentationScope
    from opentelemetry.proto.resource.v1.resource_pb2 import Resource
    from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans

    grouped: dict[str, tuple[dict, dict[tuple[str, str], list]]] = {}
    for span in spans:
        rkey = json.dumps(span.resource, sort_keys=True, default=repr)
        resource, scopes = grouped.setdefault(rkey, (span.resource, {}))
        scopes.setdefault((span.scope_name, span.scope_version), []).append(_pb_span(span))
    request = ExportTraceServiceRequest()
    for resource, scopes in grouped.values():
        request.resource_spans.append(ResourceSpans(
            resource=Resource(attributes=_key_values(resource)),
            scope_spans=[ScopeSpans(scope=InstrumentationScope(name=name, version=version), spans=pb_spans)
                         for (name, version), pb_spans in scopes.items()],
        ))
    return request


# --- transports --------------------------------------------------------------

def _http_url(endpoint: str, logs: bool = False) -> str:
    parsed = urllib.parse.urlsplit(endpoint if "://" in endpoint else "http://" + endpoint)
    path = parsed.path if parsed.path not in ("", "/") else "/v1/traces"
    if logs:
        path = logs_path(path)
    return urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, path, parsed.query, ""))


class _HttpSender:
    def __init__(self, endpoint: str, headers: dict[str, str], timeout: float, logs: bool = False) -> None:
        self.url = _http_url(endpoint, logs)
        self.headers = {"Content-Type": "application/x-protobuf", **headers}
        self.timeout = timeout

    def send(self, request) -> None:
        req = urllib.request.Request(self.url, data=request.SerializeToString(), headers=self.headers,
                                     method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                resp.read()
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"{self.url} answered HTTP {exc.code}: {exc.read()[:200]!r}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise RuntimeError(f"{self.url}: {getattr(exc, 'reason', exc)}") from None

    def close(self) -> None:
        pass


class _GrpcSender:
    def __init__(self, endpoint: str, headers: dict[str, str], timeout: float, logs: bool = False) -> None:
        import grpc
        from opentelemetry.proto.collector.logs.v1.logs_service_pb2_grpc import LogsServiceStub
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2_grpc import TraceServiceStub

        parsed = urllib.parse.urlsplit(endpoint if "://" in endpoint else "http://" + endpoint)
        target = parsed.netloc or parsed.path
        if parsed.scheme == "https":
            self.channel = grpc.secure_channel(target, grpc.ssl_channel_credentials())
        else:
            self.channel = grpc.insecure_channel(target)
        self.stub = (LogsServiceStub if logs else TraceServiceStub)(self.channel)
        self.url = target
        self.metadata = [(k.lower(), v) for k, v in headers.items()]
        self.timeout = timeout
        self._grpc = grpc

    def send(self, request) -> None:
        try:
            self.stub.Export(request, metadata=self.metadata, timeout=self.timeout)
        except self._grpc.RpcError as exc:
            raise RuntimeError(f"{self.url}: gRPC {exc.code().name}: {exc.details()}") from None

    def close(self) -> None:
        self.channel.close()


def _headers(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--header {item!r} must be KEY=VALUE")
        out[key.strip()] = value.strip()
    return out


class _Batches:
    """Items sent in batches of BATCH through one sender; counts what was sent and refused."""

    def __init__(self, sender: Any, build: Any, what: str) -> None:
        self.sender, self.build, self.what = sender, build, what
        self.items: list = []
        self.sent = self.failed = self.requests = 0

    def add(self, item: Any) -> None:
        self.items.append(item)
        if len(self.items) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.items:
            return
        self.requests += 1
        try:
            self.sender.send(self.build(self.items))
            self.sent += len(self.items)
        except RuntimeError as exc:
            self.failed += len(self.items)
            print(f"actiontrace: replay failed for {len(self.items)} {self.what}(s): {exc}", file=sys.stderr)
        self.items.clear()


def _send_logs(args: argparse.Namespace, headers: dict[str, str], records: list[LogRecord]) -> _Batches | None:
    if not records:
        return None
    sender = (_GrpcSender if args.protocol == "grpc" else _HttpSender)(args.endpoint, headers, args.timeout, logs=True)
    batches = _Batches(sender, build_logs_request, "log record")
    try:
        for record in records:
            batches.add(record)
        batches.flush()
    finally:
        sender.close()
    return batches


def run(args: argparse.Namespace, style: Style) -> int:
    headers = _headers(args.header)
    sender_cls = _GrpcSender if args.protocol == "grpc" else _HttpSender
    sender = sender_cls(args.endpoint, headers, args.timeout)
    spans = _Batches(sender, build_request, "span")
    records: list[LogRecord] = []  # sent after the spans: only those of spans that were sent
    chosen: set[str] | None = set() if args.session else None
    try:
        for item in read_items(args.files):
            trace_id = item.trace_id or ""
            if args.trace and not trace_id.startswith(args.trace.lower()):
                continue
            if isinstance(item, LogRecord):
                records.append(item)
                continue
            if args.session and item.session_id != args.session:
                continue
            if chosen is not None:
                chosen.add(item.span_id)
            spans.add(item)
        spans.flush()
    finally:
        sender.close()
    if chosen is not None:
        records = [r for r in records if r.span_id in chosen]
    logs = _send_logs(args, headers, records)
    print(f"replayed {spans.sent} span(s) in {spans.requests} request(s) to {sender.url} ({args.protocol})"
          + (f"; {spans.failed} failed" if spans.failed else ""))
    if logs is not None:
        print(f"replayed {logs.sent} log record(s) in {logs.requests} request(s) to {logs.sender.url}"
              + (f"; {logs.failed} failed" if logs.failed else ""))
    return 1 if spans.failed or (logs is not None and logs.failed) else 0
