"""Streaming reader of actiontrace JSONL files.

Reads both formats the exporters write, one JSON document per line:

* OTLP/JSON (the span exporter): ``{"resourceSpans": [...]}`` with hex ids,
  integer enums, 64-bit integers as strings.
* Seed ``TraceEntry`` lines (``JSONLExporter``): a flat object with ``action``,
  ``started_at``, ``duration_ms``, ``status`` ...; read as one span each.

Inputs are files, directories (every ``*.jsonl`` inside, rotated files
included) or ``-`` for stdin. A corrupt or torn line (a crash mid-write) is
skipped with a warning naming the file and line; everything else is read.
OTLP/JSON lines are decoded by the span exporter's own decoder
(``exporters._otlp_json``), so writer and readers share one contract.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import sys
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator

from .. import _vocabulary as A
from .._naming import entry_span_name, tool_from_span_name
from ._decode import iter_spans_from_line

__all__ = ["Span", "expand_inputs", "read_spans", "read_lines", "decode_line", "Warn"]

Warn = Callable[[str], None]

KIND_NAMES = {0: "unspecified", 1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer"}
STATUS_NAMES = {0: "unset", 1: "ok", 2: "error"}


class Span:
    """One span as read from a file; attribute values are plain Python values."""

    __slots__ = (
        "trace_id", "span_id", "parent_span_id", "name", "kind", "start_ns", "end_ns",
        "attributes", "status_code", "status_message", "events", "links", "resource",
        "scope_name", "scope_version", "trace_state", "flags", "source", "log_records",
    )

    def __init__(self, trace_id: str, span_id: str, parent_span_id: str, name: str, kind: int,
                 start_ns: int, end_ns: int, attributes: dict, status_code: int = 0,
                 status_message: str = "", events: list | None = None, links: list | None = None,
                 resource: dict | None = None, scope_name: str = "", scope_version: str = "",
                 trace_state: str = "", flags: int = 0, source: str = "") -> None:
        self.trace_id = trace_id
        self.span_id = span_id
        self.parent_span_id = parent_span_id
        self.name = name
        self.kind = kind
        self.start_ns = start_ns
        self.end_ns = end_ns
        self.attributes = attributes
        self.status_code = status_code
        self.status_message = status_message
        self.events = events or []
        self.links = links or []
        self.resource = resource if resource is not None else {}
        self.scope_name = scope_name
        self.scope_version = scope_version
        self.trace_state = trace_state
        self.flags = flags
        self.source = source
        self.log_records: list = []  # the GenAI events emitted in this span (reading._logs.attach)

    # --- derived views used by every command ---------------------------------
    @property
    def duration_ms(self) -> float:
        return max(0, self.end_ns - self.start_ns) / 1e6

    @property
    def is_error(self) -> bool:
        return self.status_code == 2

    @property
    def status(self) -> str:
        return STATUS_NAMES.get(self.status_code, "unset")

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, "unspecified")

    @property
    def span_type(self) -> str:
        return str(self.attributes.get(A.SPAN_TYPE) or "")

    @property
    def session_id(self) -> str | None:
        a = self.attributes
        value = a.get(A.SESSION_ID) or a.get(A.GEN_AI_CONVERSATION_ID)
        return str(value) if value not in (None, "") else None

    @property
    def model(self) -> str | None:
        a = self.attributes
        value = a.get(A.GEN_AI_RESPONSE_MODEL) or a.get(A.GEN_AI_REQUEST_MODEL)
        return str(value) if value else None

    @property
    def tool_name(self) -> str | None:
        value = self.attributes.get(A.GEN_AI_TOOL_NAME)
        if value:
            return str(value)
        if self.span_type == "tool":
            return tool_from_span_name(self.name)
        return None

    @property
    def input_tokens(self) -> int:
        return _as_int(self.attributes.get(A.GEN_AI_USAGE_INPUT_TOKENS))

    @property
    def output_tokens(self) -> int:
        return _as_int(self.attributes.get(A.GEN_AI_USAGE_OUTPUT_TOKENS))

    @property
    def cost_usd(self) -> float | None:
        """The recorded cost; None when the span carries none (unpriced, or no LLM call):
        unknown is not free, and a recorded 0.0 stays 0.0."""
        value = self.attributes.get(A.COST_USD)
        return None if value is None else _as_float(value)

    def properties(self) -> dict[str, Any]:
        n = len(A.PROPERTY_PREFIX)
        return {k[n:]: v for k, v in self.attributes.items() if k.startswith(A.PROPERTY_PREFIX)}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe summary (what ``query --json`` prints)."""
        return {
            "trace_id": self.trace_id,
            "span_id": self.span_id,
            "parent_span_id": self.parent_span_id or None,
            "name": self.name,
            "kind": self.kind_name,
            "span_type": self.span_type or None,
            "start": ns_to_iso(self.start_ns),
            "end": ns_to_iso(self.end_ns),
            "start_time_unix_nano": self.start_ns,
            "end_time_unix_nano": self.end_ns,
            "duration_ms": round(self.duration_ms, 3),
            "status": self.status,
            "status_message": self.status_message or None,
            "session_id": self.session_id,
            "attributes": {k: _json_safe(v) for k, v in self.attributes.items()},
            "source": self.source or None,
        }

    def __repr__(self) -> str:
        return f"Span({self.name!r}, trace={self.trace_id[:8]}, span={self.span_id[:8]})"


def _as_int(value: Any) -> int:
    try:
        return int(value) if value is not None else 0
    except (TypeError, ValueError):
        return 0


def _as_float(value: Any) -> float:
    try:
        return float(value) if value is not None else 0.0
    except (TypeError, ValueError):
        return 0.0


def _json_safe(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    return value


def ns_to_iso(ns: int) -> str:
    seconds, rem = divmod(int(ns), 1_000_000_000)
    dt = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + f".{rem // 1000:06d}Z"


# --- OTLP/JSON decoding ------------------------------------------------------
# The span exporter's own decoder is the one contract for reading its lines;
# this only turns its plain dicts into Span objects.

def _from_otlp_dict(d: dict, source: str) -> Span:
    scope = d.get("scope") or {}
    return Span(
        trace_id=d["trace_id"], span_id=d["span_id"], parent_span_id=d.get("parent_span_id") or "",
        name=d.get("name", ""), kind=d.get("kind", 0), start_ns=d.get("start_ns", 0), end_ns=d.get("end_ns", 0),
        attributes=d.get("attributes") or {}, status_code=d.get("status_code", 0),
        status_message=d.get("status_message") or "", events=d.get("events"), links=d.get("links"),
        resource=d.get("resource"), scope_name=scope.get("name", ""), scope_version=scope.get("version", ""),
        trace_state=d.get("trace_state") or "", flags=d.get("flags") or 0, source=source,
    )


# --- seed TraceEntry decoding ------------------------------------------------

_ERROR_STATUSES = {"error", "failed", "failure", "fail", "exception"}
_OK_STATUSES = {"ok", "success", "succeeded", "completed", "done"}


def _parse_time_ns(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        # Epoch seconds (seed Event.timestamp) or nanoseconds.
        return int(value) if value > 1e14 else int(value * 1e9)
    text = str(value).strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp()) * 1_000_000_000 + dt.microsecond * 1000


def _hex_id(value: Any, nbytes: int) -> str:
    """A hex id from a trace entry, or "" when it has none usable."""
    text = str(value or "").lower()
    if len(text) == nbytes * 2 and all(c in "0123456789abcdef" for c in text):
        return text
    return ""


def _derived_id(source: str, nbytes: int) -> str:
    return hashlib.blake2b(source.encode(), digest_size=nbytes).hexdigest()


def _entry_times(doc: dict) -> tuple[int, int]:
    """(start, end) in ns from whichever of start, end and duration the entry has."""
    start = _parse_time_ns(doc.get("started_at") or doc.get("timestamp"))
    end = _parse_time_ns(doc.get("ended_at"))
    duration = doc.get("duration_ms")
    if start is not None and end is None and isinstance(duration, (int, float)):
        end = start + int(duration * 1e6)
    if end is not None and start is None and isinstance(duration, (int, float)):
        start = end - int(duration * 1e6)
    start = start or end or 0
    end = end if end is not None else start
    return start, end


def _entry_attributes(doc: dict) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    metadata = doc.get("metadata")
    if isinstance(metadata, dict):
        for key, value in metadata.items():
            attrs[A.METADATA_PREFIX + str(key)] = value
            # Common usage keys in seed metadata feed the same numbers as spans.
            if key in ("input_tokens", "prompt_tokens"):
                attrs.setdefault(A.GEN_AI_USAGE_INPUT_TOKENS, value)
            elif key in ("output_tokens", "completion_tokens"):
                attrs.setdefault(A.GEN_AI_USAGE_OUTPUT_TOKENS, value)
            elif key in ("cost_usd", "cost"):
                attrs.setdefault(A.COST_USD, value)
            elif key == "model":
                attrs.setdefault(A.GEN_AI_REQUEST_MODEL, value)
    if isinstance(doc.get("attributes"), dict):
        attrs.update(doc["attributes"])
    for key, name in (("operation", A.OPERATION), ("connector", A.CONNECTOR), ("asset_id", A.ASSET_ID),
                      ("input_summary", A.INPUT), ("output_summary", A.OUTPUT)):
        if doc.get(key) not in (None, ""):
            attrs[name] = doc[key]
    if doc.get("conversation_id"):
        attrs[A.GEN_AI_CONVERSATION_ID] = doc["conversation_id"]
        attrs.setdefault(A.SESSION_ID, doc["conversation_id"])
    attrs.setdefault(A.SPAN_TYPE, str(doc.get("span_type") or "action"))
    return attrs


def _entry_status(doc: dict) -> int:
    status_text = str(doc.get("status") or "").lower()
    if status_text in _ERROR_STATUSES or (doc.get("error") and status_text not in _OK_STATUSES):
        return 2
    return 1 if status_text in _OK_STATUSES else 0


def _decode_entry(doc: dict, source: str) -> Span:
    start, end = _entry_times(doc)
    attrs = _entry_attributes(doc)
    status_code = _entry_status(doc)
    error = doc.get("error")
    if error and status_code == 2:
        attrs.setdefault(A.ERROR_TYPE, str(doc.get("error_type") or "error"))
    name = str(doc.get("action") or doc.get("name") or doc.get("event_type") or "entry")
    if not doc.get("name"):
        name = entry_span_name(name, doc.get("operation"))
    return Span(
        trace_id=_hex_id(doc.get("trace_id"), 16) or _derived_id(source, 16),
        span_id=_hex_id(doc.get("span_id"), 8) or _derived_id(source + "#span", 8),
        parent_span_id=_hex_id(doc.get("parent_span_id"), 8),
        name=name,
        kind=1,
        start_ns=start,
        end_ns=end,
        attributes=attrs,
        status_code=status_code,
        status_message=str(error) if error else "",
        source=source,
    )


def decode_line(line: str, source: str = "") -> list[Span]:
    """Spans in one JSONL line (either format); raises ValueError if neither."""
    if '"resourceSpans"' in line or '"resource_spans"' in line:
        return [_from_otlp_dict(d, source) for d in iter_spans_from_line(line)]
    if '"resourceLogs"' in line or '"resource_logs"' in line:
        return []  # a log record (GenAI event) beside the spans: reading._logs reads those
    doc = json.loads(line)
    if isinstance(doc, dict) and ("action" in doc or "started_at" in doc or "event_type" in doc):
        return [_decode_entry(doc, source)]
    raise ValueError("neither an OTLP/JSON document nor a trace entry")


# --- inputs ------------------------------------------------------------------

def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """Files in reading order; directories give their ``*.jsonl`` sorted by name."""
    out: list[str] = []
    for item in inputs:
        if item == "-":
            out.append("-")
        elif os.path.isdir(item):
            names = sorted(n for n in os.listdir(item) if n.endswith(".jsonl"))
            out.extend(os.path.join(item, n) for n in names if os.path.isfile(os.path.join(item, n)))
        elif os.path.exists(item):
            out.append(item)
        else:
            raise FileNotFoundError(item)
    return out


def _stderr_warn(message: str) -> None:
    print(f"actiontrace: warning: {message}", file=sys.stderr)


def read_lines(path: str) -> Iterator[tuple[int, str]]:
    """(line number, text) for each line; bytes that aren't UTF-8 are replaced."""
    if path == "-":
        stream: Any = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        yield from enumerate(stream, 1)
        return
    with open(path, "r", encoding="utf-8", errors="replace", newline="\n") as fh:
        yield from enumerate(fh, 1)


def read_spans(inputs: Iterable[str] | str, warn: Warn | None = None) -> Iterator[Span]:
    """Stream every span in ``inputs``; bad lines are reported to ``warn`` and skipped."""
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [os.fspath(inputs)]
    warn = warn or _stderr_warn
    for path in expand_inputs(inputs):
        label = "<stdin>" if path == "-" else path
        for lineno, line in read_lines(path):
            if not line.strip():
                continue
            source = f"{label}:{lineno}"
            try:
                spans = decode_line(line, source)
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                torn = "" if line.endswith("\n") else " (torn last line)"
                warn(f"{label}:{lineno}: skipped unreadable line{torn}: {_short(exc)}")
                continue
            yield from spans


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."
