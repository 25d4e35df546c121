"""OTLP/JSON encoding of one span per line.

Encoding (``SpanLineEncoder.encode``): one ``ReadableSpan`` becomes one complete
``ExportTraceServiceRequest`` in the OTLP/JSON form the Collector's
``otlpjsonfile`` receiver reads::

    {"resourceSpans":[{"resource":{...},"scopeSpans":[{"scope":{...},"spans":[SPAN]}]}]}

following the OTLP "JSON Protobuf Encoding" rules: lowerCamelCase field names;
``traceId``/``spanId``/``parentSpanId`` as lowercase hex (32/16 chars), not
base64; enums (``kind``, ``status.code``) as integers; 64-bit integers
(``startTimeUnixNano``, ``endTimeUnixNano``, ``timeUnixNano``, ``intValue``) as
decimal strings; attributes as ``KeyValue``/``AnyValue``. ``flags`` carries the
W3C trace flags (bits 0-7) plus the has-is-remote/is-remote bits (8, 9).

The JSON text is built directly rather than through ``opentelemetry-exporter-otlp-
proto-common`` + ``google.protobuf.json_format``: the generic protobuf JSON
mapping writes ids as base64 and enums as names, which then need a fix-up walk,
and the round trip through protobuf objects is several times slower (see
``bench/jsonl_throughput.py``).

String values longer than ``max_value_chars`` are cut *before* encoding, to
``max_value_chars`` characters followed by the vocabulary's truncation marker naming the
original length (``…[truncated: N chars]``), so every line stays valid JSON.

The decoder is in ``reading._decode``.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from opentelemetry.trace import SpanKind, StatusCode

from .. import _settings
from .._sdk import plain_attributes, span_contents, span_fields
from .._vocabulary import DEFAULT_MAX_VALUE_CHARS, truncation_marker

_NO_LIMIT = float("inf")
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
# OTLP SpanKind numbers are the SDK's shifted by one (0 is UNSPECIFIED in OTLP).
_KIND = {kind: kind.value + 1 for kind in SpanKind}
# Enum members hash in Python code; look them up by identity on the hot path.
_KIND_BY_ID = {id(kind): kind.value + 1 for kind in SpanKind}
# The status's text by the code's identity: an Enum's .value is a Python-level descriptor.
_STATUS_TEXT_BY_ID = {id(code): ',"status":{"code":%d' % code.value for code in StatusCode}
_HAS_IS_REMOTE = 0x100
_IS_REMOTE = 0x200

# The json module's string escaper (C when available): quotes, escapes control
# characters, leaves other Unicode as is.
_q = json.encoder.encode_basestring

# From about this length on, _long_string beats _q: the escaper spends ~33 instructions
# a character, _long_string ~12 plus a fixed ~2,500.
_LONG = 128
# Every byte below 0x20 except "\n" changes, nothing else does: ASCII text it leaves
# unchanged has no control character other than newlines.
_RARE_CONTROLS = bytes.maketrans(bytes(c for c in range(32) if c != 10), b" " * 31)


def max_value_chars_from_env(default: int = DEFAULT_MAX_VALUE_CHARS) -> int | None:
    """The SDK's ``OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`` when set and valid, else ``default``."""
    limit = _settings.ATTRIBUTE_VALUE_LENGTH_LIMIT.read()
    return default if limit is None else limit


class SpanLineEncoder:
    """Turns ``ReadableSpan`` objects into OTLP/JSON lines (bytes, no newline).

    The JSON text is assembled directly (short strings escaped by the ``json``
    module's C escaper, long ASCII ones by ``_long_string``) instead of building
    dicts for a generic encoder: that was most of the exporter's cost, and this
    is about twice as fast. Resource and scope encodings are cached per object
    since a provider's spans share them.
    """

    def __init__(self, max_value_chars: int | None = DEFAULT_MAX_VALUE_CHARS) -> None:
        self._limit = max_value_chars if max_value_chars and max_value_chars > 0 else None
        # The escaper for literals of _LONG characters or more; _otlp_json_orjson swaps in its own.
        self._long = _long_string
        self._heads: dict[tuple[int, int], tuple[Any, Any, str]] = {}
        self._keys: dict[Any, str] = {}
        self._entries: dict[tuple[str, Any], str] = {}

    # -- values ---------------------------------------------------------------
    def _str(self, s: str) -> str:
        """A JSON string literal, truncated with the marker past the limit."""
        limit = self._limit
        if limit is not None and len(s) > limit:
            from ..redaction import default_redactor  # redact before the cut, whoever fed us

            s = default_redactor().redact_text(s)[0]
            if len(s) > limit:
                # The marker needs no escaping: close the cut text's literal after it, so a long
                # ASCII cut keeps _long_string's fast path despite the marker's ellipsis.
                cut = s[:limit]
                literal = _q(cut) if len(cut) < _LONG else self._long(cut)
                return literal[:-1] + truncation_marker(len(s)) + '"'
        return _q(s) if len(s) < _LONG else self._long(s)

    def any_value(self, v: Any) -> str:
        """``AnyValue`` JSON text for one attribute value."""
        t = type(v)
        if t is str:
            return '{"stringValue":' + self._str(v) + "}"
        if t is bool:
            return '{"boolValue":true}' if v else '{"boolValue":false}'
        if t is int:
            if _INT64_MIN <= v <= _INT64_MAX:
                return '{"intValue":"' + str(v) + '"}'
            return '{"stringValue":"' + str(v) + '"}'  # not representable as int64
        if t is float:
            return '{"doubleValue":' + _double(v) + "}"
        if t is tuple or t is list:
            return '{"arrayValue":{"values":[' + ",".join([self.any_value(x) for x in v]) + "]}}"
        if v is None:
            return "{}"
        if isinstance(v, str):
            return '{"stringValue":' + self._str(str(v)) + "}"
        if isinstance(v, bool):
            return self.any_value(bool(v))
        if isinstance(v, int):
            return self.any_value(int(v))
        if isinstance(v, float):
            return self.any_value(float(v))
        if isinstance(v, (bytes, bytearray, memoryview)):
            return '{"bytesValue":"' + base64.b64encode(bytes(v)).decode("ascii") + '"}'
        if isinstance(v, Mapping):
            return '{"kvlistValue":{"values":' + self.key_values(v) + "}}"
        if isinstance(v, Sequence):
            return '{"arrayValue":{"values":[' + ",".join([self.any_value(x) for x in v]) + "]}}"
        return '{"stringValue":' + self._str(_safe_str(v)) + "}"

    def key_values(self, attributes: Mapping[str, Any] | None) -> str:
        """JSON text of a ``KeyValue`` list."""
        parts: list[str] = []
        self._key_values_into(parts, attributes)
        return "".join(parts)

    def _key_values_into(self, parts: list[str], attributes: Mapping[str, Any] | None) -> None:
        # One text per attribute (one copy of its value), joined once: fewer steps per
        # attribute than appending its pieces.
        inner = plain_attributes(attributes)  # BoundedAttributes iterates in Python: slow
        if not inner:
            parts.append("[]")
            return
        q, long, limit, keys, known = _q, self._long, self._limit or _NO_LIMIT, self._keys, self._entries
        short = _LONG if limit >= _LONG else limit + 1
        entries = []
        for k, v in inner.items():
            if type(v) is str and len(v) < short and type(k) is str:
                # Short string attributes repeat across spans (models, operations, paths,
                # session ids): their whole KeyValue text is looked up, not rebuilt.
                entry = known.get((k, v))
                if entry is None:
                    if len(known) >= 4096:
                        known.clear()
                    entry = known[(k, v)] = '{"key":' + q(k) + ',"value":{"stringValue":' + q(v) + "}}"
                entries.append(entry)
                continue
            pre = keys.get(k)
            if pre is None:  # attribute keys repeat across spans: escape each once
                if len(keys) >= 4096:
                    keys.clear()
                pre = keys[k] = '{"key":' + q(str(k)) + ',"value":'
            t = type(v)
            if t is str and len(v) <= limit:
                literal = q(v) if len(v) < _LONG else long(v)
                entries.append(f'{pre}{{"stringValue":{literal}}}}}')
            elif t is int and _INT64_MIN <= v <= _INT64_MAX:  # token counts: no any_value call
                entries.append(f'{pre}{{"intValue":"{v}"}}}}')
            elif t is float and v - v == 0.0:  # finite (inf - inf and NaN - NaN are NaN)
                entries.append(f'{pre}{{"doubleValue":{v!r}}}}}')
            elif (t is tuple and len(v) <= 8 and type(k) is str
                  and all([type(x) is str and len(x) < short for x in v])):
                # Short tuples of short strings repeat too (finish reasons, tool names): cached
                # like strings (the cache stays under ~4 MB), checked element by element so
                # only exact strings ever share an entry.
                entry = known.get((k, v))
                if entry is None:
                    if len(known) >= 4096:
                        known.clear()
                    entry = known[(k, v)] = pre + self.any_value(v) + "}"
                entries.append(entry)
            else:
                entries.append(pre + self.any_value(v) + "}")
        parts += ("[", ",".join(entries), "]")

    # -- span -----------------------------------------------------------------
    def _span_into(self, parts: list[str], span: Any) -> None:
        ctx, parent, name, kind, start, end, status, dropped_attrs, dropped_events, dropped_links = span_fields(span)
        trace_state = ',"traceState":' + _q(ctx.trace_state.to_header()) if ctx.trace_state else ""
        parent_id = ',"parentSpanId":"%016x"' % parent.span_id if parent is not None and parent.span_id else ""
        # One %-format for the fixed fields: C formats the ints, fewer steps than a piece each.
        parts.append('{"traceId":"%032x","spanId":"%016x"%s%s,"flags":%d,"name":%s,"kind":%d,'
                     '"startTimeUnixNano":"%d","endTimeUnixNano":"%d","attributes":' % (
                         ctx.trace_id, ctx.span_id, trace_state, parent_id, _flags(int(ctx.trace_flags), parent),
                         self._str(name or ""), _KIND_BY_ID.get(id(kind)) or _KIND.get(kind, 0),
                         start or 0, end or start or 0))
        attributes, events, links = span_contents(span)
        self._key_values_into(parts, attributes)
        if dropped_attrs:
            parts += [',"droppedAttributesCount":', str(dropped_attrs)]
        if events:
            parts += [',"events":[', ",".join([self._event(e) for e in events]), "]"]
        if dropped_events:
            parts += [',"droppedEventsCount":', str(dropped_events)]
        if links:
            parts += [',"links":[', ",".join([self._link(link) for link in links]), "]"]
        if dropped_links:
            parts += [',"droppedLinksCount":', str(dropped_links)]
        if status is None:
            parts.append(',"status":{"code":0}}')
            return
        code = status.status_code
        code_text = _STATUS_TEXT_BY_ID.get(id(code)) or ',"status":{"code":%d' % code.value
        if status.description:
            parts += [code_text, ',"message":', self._str(status.description), "}}"]
        else:
            parts += [code_text, "}}"]

    def _event(self, event: Any) -> str:
        text = (
            '{"timeUnixNano":"' + str(event.timestamp or 0) + '","name":' + self._str(event.name or "")
            + ',"attributes":' + self.key_values(event.attributes)
        )
        if event.dropped_attributes:
            text += ',"droppedAttributesCount":' + str(event.dropped_attributes)
        return text + "}"

    def _link(self, link: Any) -> str:
        ctx = link.context
        text = '{"traceId":"' + format(ctx.trace_id, "032x") + '","spanId":"' + format(ctx.span_id, "016x") + '"'
        if ctx.trace_state:
            text += ',"traceState":' + _q(ctx.trace_state.to_header())
        text += ',"attributes":' + self.key_values(link.attributes)
        if link.dropped_attributes:
            text += ',"droppedAttributesCount":' + str(link.dropped_attributes)
        return text + ',"flags":' + str(_flags(int(ctx.trace_flags), ctx)) + "}"

    def _head(self, resource: Any, scope: Any) -> str:
        """The JSON text before the span: resourceSpans/resource/scopeSpans/scope."""
        key = (id(resource), id(scope))
        hit = self._heads.get(key)
        # Keep the objects in the cache entry so their ids cannot be reused.
        if hit is not None and hit[0] is resource and hit[1] is scope:
            return hit[2]
        head = '{"resourceSpans":[{"resource":{"attributes":' + self.key_values(getattr(resource, "attributes", None))
        head += "}"
        if getattr(resource, "schema_url", None):
            head += ',"schemaUrl":' + _q(resource.schema_url)
        head += ',"scopeSpans":[{"scope":{'
        if scope is not None:
            head += '"name":' + _q(scope.name or "")
            if scope.version:
                head += ',"version":' + _q(scope.version)
            scope_attrs = getattr(scope, "attributes", None)
            if scope_attrs:
                head += ',"attributes":' + self.key_values(scope_attrs)
        head += "}"
        if scope is not None and scope.schema_url:
            head += ',"schemaUrl":' + _q(scope.schema_url)
        head += ',"spans":['
        if len(self._heads) >= 64:
            self._heads.clear()
        self._heads[key] = (resource, scope, head)
        return head

    def encode(self, span: Any) -> bytes:
        """One complete OTLP/JSON document for ``span``, UTF-8, without newline."""
        parts = [self._head(span.resource, span.instrumentation_scope)]
        self._span_into(parts, span)
        parts.append("]}]}]}")
        text = "".join(parts)
        if text.isascii():  # O(1) flag check: no separators to escape, no surrogates
            return text.encode("ascii")
        if "\u2028" in text or "\u2029" in text or "\x85" in text:
            # Valid JSON raw, but str.splitlines() breaks lines on them: escape.
            text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            # Lone surrogates: re-encode with \\u escapes, still valid JSON.
            return json.dumps(json.loads(text), ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _long_string(s: str) -> str:
    """The same JSON literal as ``_q(s)``, cheaper for long text: ASCII text (captured
    JSON, English prose) has at most quotes, backslashes and newlines to escape, which C
    scans find (``bytes.translate`` for the other controls, ``in`` for each of the three)
    and ``str.replace`` escapes; anything else goes to ``_q``."""
    if not s.isascii():
        return _q(s)
    raw = s.encode("ascii")
    if raw.translate(_RARE_CONTROLS) != raw:
        return _q(s)
    if "\\" in s:  # first, so the backslashes added below stay single
        s = s.replace("\\", "\\\\")
    if '"' in s:
        s = s.replace('"', '\\"')
    if "\n" in s:
        s = s.replace("\n", "\\n")
    return '"' + s + '"'


def _double(v: float) -> str:
    # proto3 JSON spells non-finite doubles as strings.
    if math.isfinite(v):
        return repr(v)
    if math.isnan(v):
        return '"NaN"'
    return '"Infinity"' if v > 0 else '"-Infinity"'


def _flags(trace_flags: int, remote_ctx: Any) -> int:
    flags = (trace_flags & 0xFF) | _HAS_IS_REMOTE
    if remote_ctx is not None and getattr(remote_ctx, "is_remote", False):
        flags |= _IS_REMOTE
    return flags


def _safe_str(v: Any) -> str:
    try:
        return str(v)
    except Exception:  # a raising __str__ must not lose the span
        return f"<unprintable {type(v).__name__}>"
