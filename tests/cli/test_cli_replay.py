"""`actiontrace replay` into OTLP receivers started here on 127.0.0.1 (HTTP and gRPC)."""

from __future__ import annotations

import threading
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
import pytest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.trace import Link, SpanKind

from support.cli_traces import build_agent_traces, new_tracer, run_cli, write_jsonl


def _value(any_value):
    kind = any_value.WhichOneof("value")
    if kind == "array_value":
        return [_value(v) for v in any_value.array_value.values]
    return getattr(any_value, kind) if kind else None


def received_spans(requests):
    out = {}
    for req in requests:
        for rs in req.resource_spans:
            resource = {kv.key: _value(kv.value) for kv in rs.resource.attributes}
            for ss in rs.scope_spans:
                for s in ss.spans:
                    out[s.span_id.hex()] = (s, resource, ss.scope.name)
    return out


@pytest.fixture()
def recorded(tmp_path):
    tracer, exporter = new_tracer(service="replay-test")
    build_agent_traces(tracer)
    # A span with an event, a link and an array attribute, of kind SERVER.
    other = tracer.start_span("other")
    other.end()
    with tracer.start_as_current_span("handler", kind=SpanKind.SERVER,
                                      links=[Link(other.get_span_context(), {"why": "follows"})]) as span:
        span.set_attribute("tags", ["a", "b"])
        span.set_attribute("ratio", 0.25)
        span.add_event("retry", {"attempt": 2})
    spans = list(exporter.get_finished_spans())
    return write_jsonl(tmp_path / "t.jsonl", spans), spans


def check_same(original, received):
    assert len(received) == len(original)
    for span in original:
        got, resource, scope = received[format(span.context.span_id, "016x")]
        assert got.trace_id.hex() == format(span.context.trace_id, "032x")
        parent = format(span.parent.span_id, "016x") if span.parent else ""
        assert got.parent_span_id.hex() == parent
        assert got.name == span.name
        assert got.kind == span.kind.value + 1
        assert got.start_time_unix_nano == span.start_time
        assert got.end_time_unix_nano == span.end_time
        attrs = {kv.key: _value(kv.value) for kv in got.attributes}
        assert attrs == {k: (list(v) if isinstance(v, tuple) else v) for k, v in span.attributes.items()}
        assert got.status.code == span.status.status_code.value
        assert got.status.message == (span.status.description or "")
        assert [(e.name, e.time_unix_nano, {kv.key: _value(kv.value) for kv in e.attributes}) for e in got.events] == [
            (e.name, e.timestamp, dict(e.attributes)) for e in span.events]
        assert [(lk.trace_id.hex(), lk.span_id.hex()) for lk in got.links] == [
            (format(lk.context.trace_id, "032x"), format(lk.context.span_id, "016x")) for lk in span.links]
        assert resource["service.name"] == "replay-test"
        assert scope == "actiontrace"


def test_replay_http_protobuf(recorded):
    path, spans = recorded
    requests, paths = [], []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            paths.append((self.path, self.headers["Content-Type"], self.headers.get("x-tenant")))
            req = trace_service_pb2.ExportTraceServiceRequest()
            req.ParseFromString(body)
            requests.append(req)
            reply = trace_service_pb2.ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        proc = run_cli("replay", str(path), "--endpoint", f"http://127.0.0.1:{server.server_port}",
                       "--header", "x-tenant=t1", check_rc=0)
    finally:
        server.shutdown()
        server.server_close()
    assert f"replayed {len(spans)} span(s) in 1 request(s)" in proc.stdout
    assert paths == [("/v1/traces", "application/x-protobuf", "t1")]
    check_same(spans, received_spans(requests))


def test_replay_grpc(recorded):
    path, spans = recorded
    requests = []

    class Service(trace_service_pb2_grpc.TraceServiceServicer):
        def Export(self, request, context):
            requests.append(request)
            return trace_service_pb2.ExportTraceServiceResponse()

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(Service(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        run_cli("replay", str(path), "--protocol", "grpc", "--endpoint", f"127.0.0.1:{port}", check_rc=0)
    finally:
        server.stop(None)
    check_same(spans, received_spans(requests))


def test_replay_refused_exits_1(recorded, tmp_path):
    path, _ = recorded

    class Refuse(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(503)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        proc = run_cli("replay", str(path), "--endpoint", f"http://127.0.0.1:{server.server_port}/custom/path")
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 1
    assert "HTTP 503" in proc.stderr and "/custom/path" in proc.stderr
