"""``actiontrace.query``: find spans and sessions in local JSONL trace files.

The local equivalent of a session query endpoint: filter by session id,
custom properties, span name (glob), status and time window; the result holds
the matching spans and their sessions summarised.
"""

from __future__ import annotations

import fnmatch
import os
import re
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Iterator, Mapping

from ._reader import Span, Warn, ns_to_iso, read_spans

__all__ = ["query", "QueryResult", "SessionSummary", "parse_time"]

_RELATIVE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_STATUSES = {"error": 2, "ok": 1, "unset": 0}


def parse_time(value: Any, *, now: float | None = None) -> int | None:
    """A point in time as epoch nanoseconds.

    Accepts datetime (naive means UTC), ISO 8601 text, epoch seconds (int/float),
    a timedelta or relative text like ``"15m"``, ``"2h"``, ``"3d"`` (that long ago).
    """
    if value is None or value == "":
        return None
    now = time.time() if now is None else now
    if isinstance(value, datetime):
        dt = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return int(dt.timestamp() * 1e9)
    if isinstance(value, timedelta):
        return int((now - value.total_seconds()) * 1e9)
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, (int, float)):
        return int(value * 1e9)
    text = str(value).strip()
    match = _RELATIVE.match(text)
    if match:
        return int((now - float(match.group(1)) * _UNIT_SECONDS[match.group(2)]) * 1e9)
    try:
        return int(float(text) * 1e9)
    except ValueError:
        pass
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError(f"not a time: {value!r} (use ISO 8601, epoch seconds or e.g. 15m, 2h, 3d)") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp() * 1e9)


class SessionSummary:
    """Totals for one session over the matching spans. ``cost_usd`` is None when no span of
    the session carries a cost (unpriced models, no LLM calls): unknown, not free."""

    __slots__ = ("session_id", "name", "path", "properties", "span_count", "error_count", "trace_ids",
                 "start_ns", "end_ns", "input_tokens", "output_tokens", "cost_usd")

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        self.name: str | None = None
        self.path: str | None = None
        self.properties: dict[str, Any] = {}
        self.span_count = 0
        self.error_count = 0
        self.trace_ids: list[str] = []
        self.start_ns = 0
        self.end_ns = 0
        self.input_tokens = 0
        self.output_tokens = 0
        self.cost_usd: float | None = None

    def add(self, span: Span) -> None:
        from .. import _vocabulary as A

        if self.span_count == 0 or span.start_ns < self.start_ns:
            self.start_ns = span.start_ns
        self.end_ns = max(self.end_ns, span.end_ns)
        self.span_count += 1
        self.error_count += span.is_error
        if span.trace_id not in self.trace_ids:
            self.trace_ids.append(span.trace_id)
        self.name = self.name or span.attributes.get(A.SESSION_NAME)
        self.path = self.path or span.attributes.get(A.SESSION_PATH)
        for key, value in span.properties().items():
            self.properties.setdefault(key, value)
        self.input_tokens += span.input_tokens
        self.output_tokens += span.output_tokens
        cost = span.cost_usd
        if cost is not None:  # a recorded cost, even 0.0, is known
            self.cost_usd = (self.cost_usd or 0.0) + cost

    @property
    def duration_ms(self) -> float:
        return max(0, self.end_ns - self.start_ns) / 1e6

    def to_dict(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "name": self.name,
            "path": self.path,
            "properties": self.properties,
            "span_count": self.span_count,
            "error_count": self.error_count,
            "trace_ids": self.trace_ids,
            "start": ns_to_iso(self.start_ns),
            "end": ns_to_iso(self.end_ns),
            "duration_ms": round(self.duration_ms, 3),
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": None if self.cost_usd is None else round(self.cost_usd, 10),
        }

    def __repr__(self) -> str:
        return f"SessionSummary({self.session_id!r}, spans={self.span_count}, errors={self.error_count})"


class QueryResult:
    """Matching spans (iterate, index, ``len``) and the sessions they belong to."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans

    def __iter__(self) -> Iterator[Span]:
        return iter(self.spans)

    def __len__(self) -> int:
        return len(self.spans)

    def __getitem__(self, index: int) -> Span:
        return self.spans[index]

    def __bool__(self) -> bool:
        return bool(self.spans)

    @property
    def trace_ids(self) -> list[str]:
        return list(dict.fromkeys(s.trace_id for s in self.spans))

    @property
    def sessions(self) -> list[SessionSummary]:
        """One summary per session id among the matches, in order of first start."""
        by_id: dict[str, SessionSummary] = {}
        for span in self.spans:
            sid = span.session_id
            if sid is None:
                continue
            summary = by_id.get(sid)
            if summary is None:
                summary = by_id[sid] = SessionSummary(sid)
            summary.add(span)
        return sorted(by_id.values(), key=lambda s: s.start_ns)

    def to_dicts(self) -> list[dict[str, Any]]:
        return [s.to_dict() for s in self.spans]

    def __repr__(self) -> str:
        return f"QueryResult({len(self.spans)} spans, {len(self.trace_ids)} traces)"


def _normalise_properties(properties: Mapping[str, Any] | Iterable[str] | None) -> dict[str, str]:
    if not properties:
        return {}
    if isinstance(properties, Mapping):
        return {str(k): _text(v) for k, v in properties.items()}
    out: dict[str, str] = {}
    for item in properties:
        key, sep, value = str(item).partition("=")
        if not sep:
            raise ValueError(f"property filter {item!r} must be KEY=VALUE")
        out[key.strip()] = value
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def span_filter(session_id: str | None = None, properties: Mapping[str, Any] | Iterable[str] | None = None,
                name: str | None = None, status: str | None = None, since: Any = None,
                until: Any = None) -> Callable[[Span], bool]:
    """The predicate ``query`` applies; shared with the CLI's view/stats filters."""
    props = _normalise_properties(properties)
    status_code = None
    if status is not None:
        key = str(status).lower()
        if key not in _STATUSES:
            raise ValueError(f"status must be one of error, ok, unset (got {status!r})")
        status_code = _STATUSES[key]
    since_ns = parse_time(since)
    until_ns = parse_time(until)
    name_re = re.compile(fnmatch.translate(name)) if name else None
    from .. import _vocabulary as A

    prefix = A.PROPERTY_PREFIX

    def match(span: Span) -> bool:
        if session_id is not None and span.session_id != str(session_id):
            return False
        if status_code is not None and span.status_code != status_code:
            return False
        if since_ns is not None and span.start_ns < since_ns:
            return False
        if until_ns is not None and span.start_ns >= until_ns:
            return False
        if name_re is not None and not (name_re.match(span.name) or
                                        (span.tool_name and name_re.match(span.tool_name))):
            return False
        for key, wanted in props.items():
            value = span.attributes.get(prefix + key)
            if value is None or _text(value) != wanted:
                return False
        return True

    return match


def query(path_or_dir: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], session_id: str | None = None,
          properties: Mapping[str, Any] | Iterable[str] | None = None, name: str | None = None,
          status: str | None = None, since: Any = None, until: Any = None, *,
          warn: Warn | None = None) -> QueryResult:
    """Spans in the JSONL files at ``path_or_dir`` matching every filter given.

    ``session_id`` matches ``session.id`` (or the conversation id); ``properties``
    is a mapping (or ``KEY=VALUE`` strings) compared as text with
    ``actiontrace.property.<key>``; ``name`` is a glob on the span name or tool
    name; ``status`` is ``"error"``, ``"ok"`` or ``"unset"``; ``since``/``until``
    bound the span start (datetime, ISO text, epoch seconds, or ``"2h"``-style
    relative text). Result order is span start time.
    """
    if isinstance(path_or_dir, (str, os.PathLike)):
        inputs = [os.fspath(path_or_dir)]
    else:
        inputs = [os.fspath(p) for p in path_or_dir]
    match = span_filter(session_id, properties, name, status, since, until)
    found = [span for span in read_spans(inputs, warn=warn) if match(span)]
    found.sort(key=lambda s: (s.start_ns, s.end_ns))
    return QueryResult(found)
