"""``actiontrace replay``: send recorded spans to an OTLP endpoint, ids and times unchanged.

Builds ``ExportTraceServiceRequest`` protobuf messages straight from the
decoded lines (not through the SDK, which would mint new ids and times) and
POSTs them (OTLP/HTTP, ``application/x-protobuf``) or calls the gRPC
``TraceService/Export``. Spans are sent in batches as they are read, so a
large file replays in bounded memory.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterable

from ..reading._reader import Span, read_spans
from ._render import Style

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

def _http_url(endpoint: str) -> str:
    parsed = urllib.parse.urlsplit(endpoint if "://" in endpoint else "http://" + endpoint)
    path = parsed.path if parsed.path not in ("", "/") else "/v1/traces"
    return urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, path, parsed.query, ""))


class _HttpSender:
    def __init__(self, endpoint: str, headers: dict[str, str], timeout: float) -> None:
        self.url = _http_url(endpoint)
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
    def __init__(self, endpoint: str, headers: dict[str, str], timeout: float) -> None:
        import grpc
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2_grpc import TraceServiceStub

        parsed = urllib.parse.urlsplit(endpoint if "://" in endpoint else "http://" + endpoint)
        target = parsed.netloc or parsed.path
        if parsed.scheme == "https":
            self.channel = grpc.secure_channel(target, grpc.ssl_channel_credentials())
        else:
            self.channel = grpc.insecure_channel(target)
        self.stub = TraceServiceStub(self.channel)
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


def run(args: argparse.Namespace, style: Style) -> int:
    headers = _headers(args.header)
    sender_cls = _GrpcSender if args.protocol == "grpc" else _HttpSender
    sender = sender_cls(args.endpoint, headers, args.timeout)
    sent = failed = requests = 0
    batch: list[Span] = []

    def flush() -> None:
        nonlocal sent, failed, requests
        if not batch:
            return
        requests += 1
        try:
            sender.send(build_request(batch))
            sent += len(batch)
        except RuntimeError as exc:
            failed += len(batch)
            print(f"actiontrace: replay failed for {len(batch)} span(s): {exc}", file=sys.stderr)
        batch.clear()

    try:
        for span in read_spans(args.files):
            if args.trace and not span.trace_id.startswith(args.trace.lower()):
                continue
            if args.session and span.session_id != args.session:
                continue
            batch.append(span)
            if len(batch) >= BATCH:
                flush()
        flush()
    finally:
        sender.close()
    print(f"replayed {sent} span(s) in {requests} request(s) to {sender.url} ({args.protocol})"
          + (f"; {failed} failed" if failed else ""))
    return 1 if failed else 0
