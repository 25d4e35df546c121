"""A small OTLP receiver for tests and the resilience bench: real HTTP (and gRPC) on 127.0.0.1,
bodies parsed with opentelemetry-proto, with switchable failure modes (503, slow, stopped).
Traces, metrics (names only) and logs (the GenAI events) are recorded.

Used where a real backend would hide what we need to see (which process sent a span, how many
requests failed); end-to-end checks against servers nobody here wrote live in test_phoenix.py.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
import zlib
from concurrent import futures
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsServiceRequest,
    ExportLogsServiceResponse,
)
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue


def free_port() -> int:
    """A loopback port nobody listens on right now (also how 'collector down' is simulated)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def any_value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [any_value(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: any_value(kv.value) for kv in value.kvlist_value.values}
    return getattr(value, kind)


@dataclass
class ReceivedSpan:
    trace_id: str
    span_id: str
    parent_span_id: str
    name: str
    start_time_unix_nano: int
    end_time_unix_nano: int
    attributes: dict[str, Any]
    resource: dict[str, Any]


@dataclass
class ReceivedLog:
    trace_id: str
    span_id: str
    event_name: str
    time_unix_nano: int
    attributes: dict[str, Any]
    body: Any
    resource: dict[str, Any]
    scope: str


@dataclass
class _State:
    mode: str = "ok"  # ok | status | slow
    status: int = 503
    delay_s: float = 0.0
    spans: list[ReceivedSpan] = field(default_factory=list)
    logs: list[ReceivedLog] = field(default_factory=list)
    metric_names: set[str] = field(default_factory=set)
    headers: list[dict[str, str]] = field(default_factory=list)  # per accepted request, lower-case keys
    requests: int = 0
    rejected: int = 0
    bodies: list[bytes] = field(default_factory=list)  # accepted request bodies, decompressed
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.arrived = threading.Condition(self.lock)

    def add_traces(self, request: ExportTraceServiceRequest) -> None:
        received = []
        for rs in request.resource_spans:
            resource = {kv.key: any_value(kv.value) for kv in rs.resource.attributes}
            for ss in rs.scope_spans:
                for s in ss.spans:
                    received.append(ReceivedSpan(
                        trace_id=s.trace_id.hex(), span_id=s.span_id.hex(),
                        parent_span_id=s.parent_span_id.hex(), name=s.name,
                        start_time_unix_nano=s.start_time_unix_nano,
                        end_time_unix_nano=s.end_time_unix_nano,
                        attributes={kv.key: any_value(kv.value) for kv in s.attributes},
                        resource=resource,
                    ))
        with self.arrived:
            self.spans.extend(received)
            self.arrived.notify_all()

    def add_logs(self, request: ExportLogsServiceRequest) -> None:
        received = []
        for rl in request.resource_logs:
            resource = {kv.key: any_value(kv.value) for kv in rl.resource.attributes}
            for sl in rl.scope_logs:
                for r in sl.log_records:
                    received.append(ReceivedLog(
                        trace_id=r.trace_id.hex(), span_id=r.span_id.hex(), event_name=r.event_name,
                        time_unix_nano=r.time_unix_nano,
                        attributes={kv.key: any_value(kv.value) for kv in r.attributes},
                        body=any_value(r.body) if r.HasField("body") else None, resource=resource,
                        scope=sl.scope.name,
                    ))
        with self.arrived:
            self.logs.extend(received)
            self.arrived.notify_all()

    def accept(self, path: str, body: bytes) -> bytes | None:
        """Record an OTLP/HTTP request body sent to ``path``; the reply, or None for an unknown path."""
        for prefix, request_cls, add, response_cls in (
                ("/v1/traces", ExportTraceServiceRequest, self.add_traces, ExportTraceServiceResponse),
                ("/v1/metrics", ExportMetricsServiceRequest, self.add_metrics, ExportMetricsServiceResponse),
                ("/v1/logs", ExportLogsServiceRequest, self.add_logs, ExportLogsServiceResponse)):
            if path.startswith(prefix):
                request = request_cls()
                request.ParseFromString(body)
                add(request)
                return response_cls().SerializeToString()
        return None

    def add_metrics(self, request: ExportMetricsServiceRequest) -> None:
        names = {m.name for rm in request.resource_metrics for sm in rm.scope_metrics for m in sm.metrics}
        with self.arrived:
            self.metric_names |= names
            self.arrived.notify_all()


class _Receiver:
    """What the HTTP and gRPC receivers share: recorded data and the failure switch."""

    def __init__(self) -> None:
        self.state = _State()

    def set_mode(self, mode: str, *, status: int = 503, delay_s: float = 0.0) -> None:
        with self.state.lock:
            self.state.mode, self.state.status, self.state.delay_s = mode, status, delay_s

    @property
    def spans(self) -> list[ReceivedSpan]:
        with self.state.lock:
            return list(self.state.spans)

    @property
    def logs(self) -> list[ReceivedLog]:
        with self.state.lock:
            return list(self.state.logs)

    def wait_for_logs(self, count: int, timeout: float = 30.0) -> list[ReceivedLog]:
        """Block until at least ``count`` log records arrived (or the timeout passed); returns them."""
        deadline = time.monotonic() + timeout
        with self.state.arrived:
            while len(self.state.logs) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.state.arrived.wait(left)
            return list(self.state.logs)

    @property
    def requests(self) -> int:
        return self.state.requests

    @property
    def rejected(self) -> int:
        return self.state.rejected

    def request_headers(self) -> list[dict[str, str]]:
        with self.state.lock:
            return list(self.state.headers)

    def metric_names(self) -> set[str]:
        with self.state.lock:
            return set(self.state.metric_names)

    def wait_for_spans(self, count: int, timeout: float = 30.0) -> list[ReceivedSpan]:
        """Block until at least ``count`` spans arrived (or the timeout passed); returns them."""
        deadline = time.monotonic() + timeout
        with self.state.arrived:
            while len(self.state.spans) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.state.arrived.wait(left)
            return list(self.state.spans)

    def clear(self) -> None:
        with self.state.lock:
            self.state.spans.clear()
            self.state.logs.clear()
            self.state.metric_names.clear()
            self.state.requests = self.state.rejected = 0

    def _admit(self) -> bool:
        """Apply the failure mode to one request: False means reject it."""
        with self.state.lock:
            self.state.requests += 1
            mode, delay = self.state.mode, self.state.delay_s
        if mode == "slow":
            time.sleep(delay)
        if mode == "status":
            with self.state.lock:
                self.state.rejected += 1
            return False
        return True


class OtlpHttpReceiver(_Receiver):
    """OTLP/HTTP (protobuf) at /v1/traces, /v1/metrics and /v1/logs on 127.0.0.1."""

    def __init__(self, port: int = 0) -> None:
        super().__init__()
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def traces_url(self) -> str:
        return self.base_url + "/v1/traces"

    def start(self) -> OtlpHttpReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with receiver.state.lock:
                    receiver._connections.add(self.request)

            def finish(self) -> None:
                with receiver.state.lock:
                    receiver._connections.discard(self.request)
                super().finish()

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.state.lock:
                    receiver.state.headers.append({k.lower(): v for k, v in self.headers.items()})
                if not receiver._admit():
                    self._reply(receiver.state.status, b"")
                    return
                encoding = (self.headers.get("Content-Encoding") or "").lower()
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                with receiver.state.lock:
                    receiver.state.bodies.append(body)
                reply = receiver.state.accept(self.path, body)
                if reply is None:
                    self._reply(404, b"")
                else:
                    self._reply(200, reply)

            def _reply(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        class Server(ThreadingHTTPServer):
            allow_reuse_address = True
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                # A client that gave up (timeout against 'slow' mode) or a connection closed by
                # stop() is expected here, not worth a traceback.
                pass

        self._server = Server(("127.0.0.1", self._port), Handler)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="otlp-http-receiver",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the listening socket and every open connection: clients now get 'connection
        refused' (collector down), keep-alive connections included."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self.state.lock:
            connections, self._connections = list(self._connections), set()
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> OtlpHttpReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class OtlpGrpcReceiver(_Receiver):
    """OTLP/gRPC TraceService and LogsService on 127.0.0.1; mode 'status' answers UNAVAILABLE."""

    def __init__(self, port: int = 0) -> None:
        super().__init__()
        self._port = port
        self._server: Any = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def start(self) -> OtlpGrpcReceiver:
        import grpc
        from opentelemetry.proto.collector.logs.v1 import logs_service_pb2_grpc
        from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc

        receiver = self

        class Service(trace_service_pb2_grpc.TraceServiceServicer):
            def Export(self, request, context):  # noqa: N802 - generated name
                with receiver.state.lock:
                    receiver.state.headers.append({k.lower(): v for k, v in context.invocation_metadata()})
                if not receiver._admit():
                    context.abort(grpc.StatusCode.UNAVAILABLE, "receiver set to fail")
                receiver.state.add_traces(request)
                return ExportTraceServiceResponse()

        class Logs(logs_service_pb2_grpc.LogsServiceServicer):
            def Export(self, request, context):  # noqa: N802 - generated name
                if not receiver._admit():
                    context.abort(grpc.StatusCode.UNAVAILABLE, "receiver set to fail")
                receiver.state.add_logs(request)
                return ExportLogsServiceResponse()

        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(Service(), self._server)
        logs_service_pb2_grpc.add_LogsServiceServicer_to_server(Logs(), self._server)
        self._port = self._server.add_insecure_port(f"127.0.0.1:{self._port}")
        self._server.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop(grace=None)
            self._server = None

    def __enter__(self) -> OtlpGrpcReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
