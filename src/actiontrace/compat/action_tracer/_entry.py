"""``TraceEntry``: one traced action as the ActionTracer documentation shows it, with the
pydantic-style dumps its users call (``model_dump``, ``model_dump_json``) — without a
pydantic dependency — and ``redacting_dump_json`` for anything written to disk."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
from typing import Any, Dict, Optional

from ..._vocabulary import redaction_marker, truncation_marker
from ...spans import _capture
from .._timestamps import format_iso_ns, parse_iso_ns

_STRING_FIELDS = ("action", "operation", "connector", "asset_id", "conversation_id", "status", "error",
                  "trace_id", "span_id", "parent_span_id")
_SUMMARY_FIELDS = ("input_summary", "output_summary")


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def _as_datetime(value: Any, field: str) -> Optional[_dt.datetime]:
    if value is None or isinstance(value, _dt.datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _dt.datetime.fromtimestamp(value, _dt.timezone.utc)
    if isinstance(value, str):
        ns = parse_iso_ns(value)
        seconds, nanos = divmod(ns, 1_000_000_000)
        return _dt.datetime.fromtimestamp(seconds, _dt.timezone.utc).replace(microsecond=nanos // 1000)
    raise ValueError(f"TraceEntry {field} must be a datetime, ISO 8601 text or epoch seconds, got {value!r}")


def _iso(value: Optional[_dt.datetime]) -> Optional[str]:
    if value is None:
        return None
    return format_iso_ns(parse_iso_ns(value))


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else repr(value)
    # Anything else through the core's bounded capture, which always yields valid JSON.
    return json.loads(_capture.to_json(value))


@dataclasses.dataclass(kw_only=True)
class TraceEntry:
    """A single traced action performed by the agent."""

    action: str = ""
    operation: str = ""
    connector: str = ""
    asset_id: str = ""
    conversation_id: str = ""
    started_at: _dt.datetime = dataclasses.field(default_factory=_utcnow)
    ended_at: Optional[_dt.datetime] = None
    duration_ms: float = 0.0
    status: str = "ok"
    error: Optional[str] = None
    input_summary: str = ""
    output_summary: str = ""
    metadata: Dict[str, Any] = dataclasses.field(default_factory=dict)
    trace_id: str = ""
    span_id: str = ""
    parent_span_id: str = ""

    def __post_init__(self) -> None:
        self.started_at = _as_datetime(self.started_at, "started_at") or _utcnow()
        self.ended_at = _as_datetime(self.ended_at, "ended_at")
        if self.metadata is None:
            self.metadata = {}
        elif not isinstance(self.metadata, dict):
            self.metadata = dict(self.metadata)

    def model_dump(self, *, mode: str = "python") -> Dict[str, Any]:
        """The fields as a dict; ``mode="json"`` gives JSON-safe values (ISO 8601 times)."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data["metadata"] = dict(self.metadata)
        if mode == "json":
            data["started_at"] = _iso(self.started_at)
            data["ended_at"] = _iso(self.ended_at)
            data["metadata"] = {str(k): _json_safe(v) for k, v in self.metadata.items()}
            for name in _STRING_FIELDS + _SUMMARY_FIELDS:
                value = data[name]
                if value is not None and not isinstance(value, str):
                    data[name] = str(value)
            data["duration_ms"] = _json_safe(float(self.duration_ms or 0.0))
        elif mode != "python":
            raise ValueError(f"mode must be 'python' or 'json', not {mode!r}")
        return data

    def model_dump_json(self, *, indent: Optional[int] = None) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=indent)

    def redacting_dump_json(self, *, max_summary_chars: int = 2000) -> str:
        """JSON with secrets redacted by the project redactor (sensitive metadata keys,
        secret-looking values anywhere) and summaries cut to ``max_summary_chars``
        (redacted before the cut, so no partial secret survives)."""
        if isinstance(max_summary_chars, bool) or not isinstance(max_summary_chars, int) or max_summary_chars < 0:
            raise ValueError(f"max_summary_chars must be an int >= 0, got {max_summary_chars!r}")
        from ...redaction import default_redactor

        redactor = default_redactor()
        data = self.model_dump(mode="json")
        metadata = {}
        for key, value in data["metadata"].items():
            rule = redactor.match_key(key)
            metadata[key] = redaction_marker(rule) if rule else redactor.redact_value(value, f"metadata.{key}")[0]
        data["metadata"] = metadata
        for name in _STRING_FIELDS:
            if isinstance(data[name], str) and data[name]:
                data[name] = redactor.redact_text(data[name])[0]
        for name in _SUMMARY_FIELDS:
            text = redactor.redact_text(data[name])[0] if data[name] else ""
            if len(text) > max_summary_chars:
                text = text[:max_summary_chars] + truncation_marker(len(text))
            data[name] = text
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
