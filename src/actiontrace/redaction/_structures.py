"""Redaction of structures: nested values (captured arguments) and span attribute mappings.

A mixin of :class:`~._redactor.Redactor`, which supplies the text engine (``_redact_str``,
``match_key``, ``might_contain_secret``) and the caches these walks consult.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Optional

from ._rules import MARKER

_MIN_LEN = 6  # nothing shorter can hold a secret worth the name
_SHORT = 256  # strings up to this length are memoised (they repeat: models, paths, ids)
_MAX_DEPTH = 64
_JOIN = "\n"  # joins a span's strings for one gate pass (no needle holds it: checked at build)
_MISS = object()
_NUMBERS = frozenset((int, float, bool, type(None)))
_SEQUENCES = frozenset((tuple, list))


_JSON_STYLES = ({"separators": (",", ":")}, {}, {"indent": 2}, {"indent": 4})


def dumps_like(text: str, doc: Any, new: Any) -> str:
    """``new`` as JSON in the layout ``text`` had (compact, default, indented; ASCII or not)."""
    for style in _JSON_STYLES:
        for ascii_only in (False, True):
            if json.dumps(doc, ensure_ascii=ascii_only, **style) == text:
                return json.dumps(new, ensure_ascii=ascii_only, **style)
    return json.dumps(new, ensure_ascii=False)


def unique_key(name: Any, taken) -> Any:
    """``name``, or ``name#2``, ``name#3``…: two keys redacted alike stay two keys."""
    if name not in taken:
        return name
    n = 2
    while f"{name}#{n}" in taken:
        n += 1
    return f"{name}#{n}"


def _rename_keys(d: dict, r) -> dict:
    out: dict = {}
    for k, v in d.items():
        nk = r.redact_text(k)[0] if isinstance(k, str) and k not in r._benign_keys else k
        out[unique_key(nk, out)] = v
    return out


class StructureRedaction:
    def redact_value(self, value: Any, path: str = "") -> tuple[Any, list[str]]:
        """Redact nested dict/list/tuple/str values: sensitive keys lose their whole value,
        strings get value patterns (and key context when they hold JSON). Returns
        ``(new_value, ["path:rule-id", ...])``; the same object when nothing changed."""
        hits: list[tuple[str, str]] = []
        new = self._walk(value, path, hits, 0, 0)
        return new, [f"{p}:{r}" for p, r in hits]

    def _walk(self, value: Any, path: str, hits: list[tuple[str, str]], depth: int, jdepth: int) -> Any:
        if isinstance(value, str):
            new, ids = self._redact_str(value, jdepth)
            for rule_id in ids:
                hits.append((path, rule_id))
            return new
        if isinstance(value, Mapping):
            if depth >= _MAX_DEPTH:
                return MARKER.format("depth-limit")
            out = None
            renamed = False
            for k, v in value.items():
                sub = f"{path}.{k}" if path else str(k)
                rule_id = self.match_key(k) if isinstance(k, str) else None
                nk = k
                if isinstance(k, str) and k not in self._benign_keys:
                    nk, ids = self.redact_text(k)  # a secret used as a key: {"sk-…": …}
                    for i in ids:
                        hits.append((f"{path}.<key>" if path else "<key>", i))
                if rule_id is not None and v is not None:
                    nv = MARKER.format(rule_id)
                    if isinstance(v, str) and v == nv and nk is k:
                        continue
                    hits.append((sub, rule_id))
                else:
                    nv = self._walk(v, sub, hits, depth + 1, jdepth)
                if nv is not v or nk is not k:
                    if out is None:
                        out = dict(value)
                    out[k] = nv
                    renamed = renamed or nk is not k
            if out is not None and renamed:
                out = _rename_keys(out, self)
            return value if out is None else out
        if isinstance(value, (list, tuple)):
            if depth >= _MAX_DEPTH:
                return MARKER.format("depth-limit")
            items = None
            for i, v in enumerate(value):
                nv = self._walk(v, f"{path}[{i}]", hits, depth + 1, jdepth)
                if nv is not v:
                    if items is None:
                        items = list(value)
                    items[i] = nv
            if items is None:
                return value
            return items if isinstance(value, list) else tuple(items)
        return value

    # ------------------------------------------------------------------ span attributes
    def redact_attributes(
        self, attrs: Mapping[str, Any], prefix: str = "", skip: Optional[str] = None
    ) -> tuple[Optional[dict], list[str]]:
        """Redact OpenTelemetry attribute values (str, bool, int, float or sequences of
        them). Returns ``(new_attributes, ["<prefix><key>:rule-id", ...])``, with None in
        place of the dict when nothing changed. ``skip`` names a key to leave alone."""
        if self.nothing_to_redact(attrs):
            return None, []
        out: Optional[dict] = None
        hits: list[str] = []
        key_cache = self._key_cache
        text_cache = self._text_cache
        for k, v in attrs.items():
            if k == skip:
                continue
            rule_id = key_cache.get(k, _MISS)
            if rule_id is _MISS:
                rule_id = self.match_key(k)
            if k not in self._benign_keys:
                renamed = self._rename_attribute(attrs, out, k, prefix, hits)
                if renamed is not None:
                    out, k = renamed
            if rule_id is not None:
                marker = MARKER.format(rule_id)
                if isinstance(v, (list, tuple)):
                    nv: Any = tuple(marker for _ in v)
                    if tuple(v) == nv:
                        continue
                elif v == marker:
                    continue
                else:
                    nv = marker
                hits.append(f"{prefix}{k}:{rule_id}")
            elif type(v) is str:
                if len(v) < _MIN_LEN:
                    continue
                if len(v) <= _SHORT:
                    cached = text_cache.get(v)  # same slot for JSON-aware and plain results
                    if cached is not None and not cached[1]:
                        continue
                nv, ids = self._redact_str(v)
                if not ids:
                    continue
                hits.extend(f"{prefix}{k}:{i}" for i in ids)
            elif isinstance(v, (list, tuple)):
                nv = self._redact_strings(v, f"{prefix}{k}", hits)
                if nv is None:
                    continue
            else:
                continue
            if out is None:
                out = dict(attrs)
            out[k] = nv
        return out, hits

    def _redact_strings(self, values: Any, label: str, hits: list[str]) -> Optional[tuple]:
        """A sequence attribute with its strings redacted; None when none held a secret."""
        items = None
        for i, item in enumerate(values):
            if isinstance(item, str):
                new, ids = self._redact_str(item)
                if ids:
                    if items is None:
                        items = list(values)
                    items[i] = new
                    hits.extend(f"{label}:{r}" for r in ids)
        return None if items is None else tuple(items)

    def _rename_attribute(self, attrs, out, k, prefix, hits):
        """An attribute *named* by a secret keeps its value under the redacted name:
        ``(attributes, new name)``, or None when the name holds no secret."""
        nk, ids = self.redact_text(k)
        if not ids:
            return None
        hits.extend(f"{prefix}<key>:{i}" for i in ids)
        out = dict(attrs) if out is None else out
        v = out.pop(k)
        nk = unique_key(nk, out)
        out[nk] = v
        return out, nk

    def nothing_to_redact(self, attrs: Mapping[str, Any]) -> bool:
        """True when nothing in the attribute mapping ``attrs`` can be redacted: every key
        is one ``match_key`` already called benign, and one prefilter pass over all string
        values joined says no. False only means "look closer" (``redact_attributes``)."""
        if not self._joinable or not self._benign_keys.issuperset(attrs):
            return False
        texts: list[str] = []
        for v in attrs.values():
            t = type(v)
            if t is str:
                texts.append(v)
            elif t in _NUMBERS:
                continue
            elif t in _SEQUENCES and all(type(x) is str or type(x) in _NUMBERS for x in v):
                texts.extend([x for x in v if type(x) is str])  # e.g. finish reasons
            else:
                return False  # anything unusual takes the careful path
        if not texts:
            return True
        joined = _JOIN.join(texts)
        accel = self._accel
        if accel is not None and accel.search(joined) is False:  # the usual answer, one call
            for gate in self._gates:
                if gate(joined):
                    return False
            return True
        return not self.might_contain_secret(joined)
