"""A local HTTP server on 127.0.0.1 that replays recorded LLM API responses (OpenAI, Anthropic).

Recordings are VCR-style YAML (``interactions:`` with ``request``/``response``),
either the shared conformance cassettes or the project's own under
``tests/instrumentation/openai/recordings/``. Recorded gzip bodies are stored
decompressed; JSON bodies are sent with a recomputed Content-Length, SSE
bodies event by event with chunked transfer encoding, the way the real API
streams. Responses are queued per request path (query string ignored, the
``/v1`` prefix dropped) and served in order.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

# Headers that describe the recorded transfer, not the payload: we set our own.
_HOP_HEADERS = {"content-length", "transfer-encoding", "content-encoding", "connection", "keep-alive"}


@dataclass
class Interaction:
    method: str
    path: str  # path relative to the API root, e.g. "/chat/completions"
    request_body: Any  # parsed JSON, or None
    status: int
    headers: list[tuple[str, str]]
    body: str
    uri: str = ""  # as recorded, query string and host included
    request_headers: dict[str, str] = field(default_factory=dict)  # first value of each, names in lowercase

    @property
    def is_sse(self) -> bool:
        return any(k.lower() == "content-type" and "event-stream" in v for k, v in self.headers)


def _api_path(uri: str) -> str:
    path = urlsplit(uri).path
    return path[path.index("/v1") + 3:] if "/v1" in path else path


def _flatten_headers(raw: dict) -> list[tuple[str, str]]:
    out = []
    for key, value in (raw or {}).items():
        for item in value if isinstance(value, list) else [value]:
            out.append((str(key), str(item)))
    return out


def _decoded(raw: bytes) -> str:
    """A recorded body as text: recorders keep a gzip-encoded body as the bytes on the wire."""
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8")


def load_cassette(path: str | Path) -> list[Interaction]:
    """Read a VCR YAML cassette into interactions, in recorded order."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    result = []
    for item in data.get("interactions") or []:
        req, resp = item["request"], item["response"]
        body = req.get("body")
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        resp_body = resp.get("body") or {}
        text = resp_body.get("string", "") if isinstance(resp_body, dict) else str(resp_body)
        if isinstance(text, bytes):
            text = _decoded(text)
        result.append(Interaction(
            method=req.get("method", "POST").upper(),
            path=_api_path(req["uri"]),
            request_body=parsed,
            status=int(resp["status"]["code"]),
            headers=_flatten_headers(resp.get("headers")),
            body=text,
            uri=req["uri"],
            request_headers={k.lower(): v for k, v in _flatten_headers(req.get("headers"))[::-1]},
        ))
    return result


def json_interaction(path: str, payload: Any, status: int = 200, method: str = "POST") -> Interaction:
    return Interaction(method, path, None, status, [("Content-Type", "application/json")], json.dumps(payload))


def sse_interaction(path: str, events: list[Any], *, done: bool = True, named: bool = False) -> Interaction:
    """Build an SSE body from event payloads (dicts are JSON-encoded)."""
    blocks = []
    for event in events:
        data = event if isinstance(event, str) else json.dumps(event)
        if named and isinstance(event, dict) and "type" in event:
            blocks.append(f"event: {event['type']}\ndata: {data}\n\n")
        else:
            blocks.append(f"data: {data}\n\n")
    if done:
        blocks.append("data: [DONE]\n\n")
    return Interaction("POST", path, None, 200, [("Content-Type", "text/event-stream; charset=utf-8")], "".join(blocks))


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class _State:
    queues: dict[tuple[str, str], deque] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    chunk_delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


class ReplayServer:
    """Serves queued interactions; use as a context manager or start()/stop()."""

    def __init__(self) -> None:
        self._state = _State()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> "ReplayServer":
        handler = type("_Handler", (_Handler,), {"state": self._state})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="replay-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> "ReplayServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """The OpenAI client's base URL (its paths are relative to ``/v1``)."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def root_url(self) -> str:
        """The server root, for clients that add ``/v1`` themselves (Anthropic) or use other paths (Bedrock)."""
        return f"http://127.0.0.1:{self.port}"

    # -- scripting ---------------------------------------------------------
    def queue(self, *interactions: Interaction) -> None:
        with self._state.lock:
            for item in interactions:
                self._state.queues.setdefault((item.method, item.path), deque()).append(item)

    def reset(self) -> None:
        with self._state.lock:
            self._state.queues.clear()
            self._state.received.clear()
            self._state.chunk_delay = 0.0

    def set_chunk_delay(self, seconds: float) -> None:
        """Pause between SSE events, so a consumer can be interrupted mid-stream."""
        self._state.chunk_delay = seconds

    @property
    def received(self) -> list[Received]:
        with self._state.lock:
            return list(self._state.received)

    def pending(self) -> int:
        with self._state.lock:
            return sum(len(q) for q in self._state.queues.values())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked transfer
    disable_nagle_algorithm = True  # headers, body and SSE events are separate writes
    state: _State

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        path = _api_path(self.path)
        with self.state.lock:
            self.state.received.append(Received(self.command, path, dict(self.headers.items()), body))
            queue = self.state.queues.get((self.command, path))
            item = queue.popleft() if queue else None
        if item is None:
            payload = json.dumps({"error": {"message": f"no recording for {self.command} {path}", "type": "replay"}})
            self._send(418, [("Content-Type", "application/json")], payload.encode())
            return
        if item.is_sse:
            self._send_sse(item)
        else:
            self._send(item.status, item.headers, item.body.encode("utf-8"))

    do_POST = do_GET = do_DELETE = _serve

    def _send(self, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
        self.send_response(status)
        for key, value in headers:
            if key.lower() not in _HOP_HEADERS:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _send_sse(self, item: Interaction) -> None:
        self.send_response(item.status)
        for key, value in item.headers:
            if key.lower() not in _HOP_HEADERS:
                self.send_header(key, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        events = [block + "\n\n" for block in item.body.split("\n\n") if block.strip()]
        try:
            for event in events:
                data = event.encode("utf-8")
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
                if self.state.chunk_delay:
                    time.sleep(self.state.chunk_delay)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client closed the stream early


# Fixtures for the test folders whose clients talk to a replay server (their conftest imports them).
@pytest.fixture(scope="session")
def replay() -> ReplayServer:
    """One replay server for the session."""
    with ReplayServer() as instance:
        yield instance


@pytest.fixture
def server(replay: ReplayServer) -> ReplayServer:
    """The session's replay server, emptied before and after the test."""
    replay.reset()
    yield replay
    replay.reset()
