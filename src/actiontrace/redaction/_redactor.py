"""The redaction engine: key context, value patterns, and a fast no-secret path
(the prefilter itself is in ``_prefilter``, rule compilation in ``_compile``).

Cost model (CPython ``re``): scanning for any of a *set* of characters runs at
~8 ns/char, but scanning for one literal byte runs at memchr speed. So the
prefilter maps every anchor character of every needle (``- _ : = @ /`` and the
rare capitals ``I J K B C G``) to one byte, NUL, drops quotes and blanks (so
``"password" : "x"`` and ``password=x`` look alike), reverses the bytes (the
anchor usually *ends* a needle: ``sk-``, ``ghp_``, ``password=``) and runs one
regex that starts with that literal NUL and continues with a trie of the
reversed needles. Only a string that passes it gets the one combined pass of all
rules (``re.sub`` over an alternation, each rule a named group).

A span's strings are joined and prefiltered in one pass (``nothing_to_redact``); with the
optional ``hyperscan`` package the same needles run as one Hyperscan scan (``_accel``).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Optional, Union

from .. import _settings
from . import _accel, _encodings, _rules
from ._compile import _GROUP, _Compiled, _flag_prefix, _rename_groups
from ._prefilter import _DELETE, _TABLE, _needle_regex, _translate
from ._formats import FORMAT_RULES
from ._kv_values import not_a_value
from ._rules import MARKER, RULES, Rule
from ._structures import _JOIN, _MIN_LEN, _MISS, _SHORT, StructureRedaction, dumps_like

PatternLike = Union[str, "re.Pattern[str]"]

_CACHE_MAX = 4096
_JSON_DEPTH = 3  # JSON inside a JSON string inside …: enough for tool-call arguments


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    parts: list[str] = []
    at = 0
    for a, b, rule_id in spans:
        parts.append(text[at:a])
        parts.append(MARKER.format(rule_id))
        at = b
    parts.append(text[at:])
    return "".join(parts)


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping spans joined (the earliest rule names the union)."""
    out: list[tuple[int, int, str]] = []
    for a, b, rule_id in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]), out[-1][2])
        else:
            out.append((a, b, rule_id))
    return out


def _dedupe(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


class Redactor(StructureRedaction):
    """Finds secrets by key name and by value format, and replaces them with
    ``[REDACTED:<rule-id>]``.

    - ``extra_patterns``: ``{rule_id: regex}`` (or ``(rule_id, regex)`` pairs). The whole
      match is replaced, or only a group named ``secret`` when the regex has one.
    - ``extra_keys``: more sensitive key words (``"pin"``, ``"x-internal-sig"``); rule id
      ``key:<word>``.
    - ``disable``: rule ids to switch off (``"jwt"``, ``"key:auth"``, ``"kv-token"``…).
    - ``pii``: also redact e-mail addresses, phone numbers, Luhn-valid card numbers and US
      SSNs; None reads ``ACTIONTRACE_REDACT_PII`` (default off).
    - ``allow(rule_id, text) -> bool``: return True to keep a match (``text`` is the
      matched secret, or the key name for key rules).
    - ``engine``: how the needle prefilter runs — ``"auto"`` (Hyperscan when the optional
      ``hyperscan`` package imports, else pure Python), ``"re"`` or ``"hyperscan"``; None
      reads ``ACTIONTRACE_REDACTION_ENGINE`` (default ``auto``). Only the speed differs;
      the ``engine`` attribute tells which one is in use.
    """

    def __init__(
        self,
        *,
        extra_patterns: Optional[Union[Mapping[str, PatternLike], Iterable[tuple[str, PatternLike]]]] = None,
        extra_keys: Optional[Iterable[str]] = None,
        disable: Iterable[str] = (),
        pii: Optional[bool] = None,
        allow: Optional[Callable[[str, str], bool]] = None,
        engine: Optional[str] = None,
    ) -> None:
        self._disabled = frozenset(disable)
        self._allow = allow
        self.pii = _settings.REDACT_PII.read() if pii is None else bool(pii)
        self._extra_keys: dict[tuple[str, ...], str] = {}
        for word in extra_keys or ():
            words = tuple(_rules.key_words(str(word)))
            if words:
                self._extra_keys[words] = "-".join(words)
        self._key_cache: dict[str, Optional[str]] = {}
        self._benign_keys: set[str] = set()  # keys match_key said None to (the span fast path)
        self._text_cache: dict[str, tuple[Optional[str], tuple[str, ...]]] = {}
        self._resources: dict[int, tuple[Any, Any]] = {}  # id -> (resource, its redacted form)
        self._resource_last: tuple[Any, Any] = (object(), None)
        self._lock = threading.Lock()
        if engine is None:
            engine = _settings.REDACTION_ENGINE.read()
        self._build(extra_patterns, engine)

    # ------------------------------------------------------------------ setup
    def _build(self, extra_patterns, engine: str) -> None:
        rules: list[Rule] = [
            r for r in RULES + FORMAT_RULES if r.id not in self._disabled and (self.pii or not r.pii)
        ]
        needles: list[str] = []
        exact: set[str] = set()
        gates: list[Callable[[str], bool]] = []
        self._parts: list[str] = []
        self._groups: dict[str, _Compiled] = {}
        literals: dict[str, list[tuple[Rule, re.Pattern]]] = {}
        hinted: list[tuple[Rule, re.Pattern]] = []
        for r in rules:
            if r in FORMAT_RULES:
                # run only on a text holding one of its literal needles (see _formats)
                compiled = re.compile(r.pattern, r.flags)
                for n in r.needles:
                    literals.setdefault(n, []).append((r, compiled))
                if r.shape and r.hint:  # shaped: the scan holds the shape, the full pass asks the hint
                    hinted.append((r, compiled))
            else:
                self._add(r.pattern, r.flags, r.id, r.validate, "value")
            needles.extend(r.needles)
            if r.exact:
                exact.update(r.needles)
            if r.gate is not None:
                gates.append(r.gate)
        self._literals = literals
        self._hinted = tuple(hinted)
        self._literal_rx = (re.compile("|".join(map(re.escape, sorted(literals, key=len, reverse=True))))
                            if literals else None)
        needles.extend(self._add_key_value_rule())
        gates.append(_encodings.encoded)
        extra_rx = self._add_extra_patterns(extra_patterns)

        self._needles = _needle_regex(needles)
        self._needle_list = list(needles)
        if any(_JOIN in n for n in needles):
            raise ValueError("a key or needle must not contain a line break")
        self.engine, self._accel = _accel.build(engine, needles, _TABLE, _DELETE,
                                                exact - {n for r in rules if not r.exact for n in r.needles},
                                                shapes=[r.shape for r in rules if r.shape])
        # One gate pass over all of a span's strings joined is as exact as one per string,
        # except for user patterns (their anchors, e.g. ``$``, see the join): those keep
        # the per-string path.
        self._joinable = not extra_rx
        if extra_rx:
            # User patterns have no declared needles: they are their own (slower) gate.
            extra_gate = re.compile("|".join(extra_rx))
            gates.append(lambda s: extra_gate.search(s) is not None)
        self._gates = tuple(gates)
        self._full = re.compile("|".join(self._parts))
        del self._parts
        self.rule_ids: tuple[str, ...] = _dedupe(
            [r.id for r in rules] + [g.rule_id for g in self._groups.values() if g.kind == "extra"]
        )

    def _add(self, pattern: str, flags: int, rule_id: str, validate, kind: str) -> None:
        """One rule as one named group of the combined pattern."""
        n = len(self._parts)
        body, secrets, key, sep = _rename_groups(pattern, n)
        group = f"r{n}"
        self._parts.append(f"(?P<{group}>{_flag_prefix(flags)}{body}))")
        self._groups[group] = _Compiled(group, rule_id, secrets, key, sep, validate, kind)

    def _add_key_value_rule(self) -> list[str]:
        """Key/value pairs in text, keys ending with a sensitive spelling; returns its needles."""
        spellings = _rules.key_endings_for_text()
        endings = _rules.text_key_endings()
        for words, canon in self._extra_keys.items():
            for form in _rules._case_forms(list(words)):
                spellings[form] = canon
                if " " not in form:
                    endings.add(form.lower())
        behind = "|".join(f"(?<={re.escape(e)})" for e in sorted(endings, key=len, reverse=True))
        self._add(_rules.KV_TEMPLATE.replace("{endings}", behind), 0, "kv", None, "kv")
        return [s + ":" for s in spellings]

    def _add_extra_patterns(self, extra_patterns) -> list[str]:
        """The user's patterns; returns them with their groups made non-capturing, for a gate."""
        extra_rx: list[str] = []
        items = extra_patterns.items() if isinstance(extra_patterns, Mapping) else (extra_patterns or ())
        for rule_id, pat in items:
            rule_id = str(rule_id)
            if rule_id in self._disabled:
                continue
            src, flags = (pat.pattern, pat.flags) if isinstance(pat, re.Pattern) else (str(pat), 0)
            re.compile(src, flags)  # fail early, naming the bad pattern
            self._add(src, flags, rule_id, None, "extra")
            extra_rx.append(_flag_prefix(flags) + _GROUP.sub(lambda m: "(?:" if m.group(1) else "", src) + ")")
        return extra_rx

    # ------------------------------------------------------------------ keys
    def match_key(self, key: str) -> Optional[str]:
        """``key:<name>`` when a mapping key names a secret (``api_key``, ``Authorization``,
        ``dbPassword``), else None (``author``, ``max_tokens``, ``token_count``, ``session.id``)."""
        try:
            hit = self._key_cache.get(key, _MISS)
        except TypeError:
            return None
        if hit is not _MISS:
            return hit  # type: ignore[return-value]
        if not isinstance(key, str):
            return None
        canon = _rules.classify_key(_rules.key_words(key), self._extra_keys)
        rid = f"key:{canon}" if canon else None
        if rid is not None and (rid in self._disabled or self._allowed(rid, key)):
            rid = None
        if len(self._key_cache) >= _CACHE_MAX:
            self._key_cache.clear()
            self._benign_keys.clear()
        self._key_cache[key] = rid
        if rid is None and not self.might_contain_secret(key):
            self._benign_keys.add(key)  # a key that may *hold* a secret takes the careful path
        return rid

    def _allowed(self, rule_id: str, text: str) -> bool:
        if self._allow is None:
            return False
        try:
            return bool(self._allow(rule_id, text))
        except Exception:  # a broken allow callback must fail closed (redact)
            return False

    # ------------------------------------------------------------------ text
    def might_contain_secret(self, text: str) -> bool:
        """The prefilter alone: False means no rule can fire on ``text``."""
        if self._needles is not None:
            hit = self._accel.search(text) if self._accel is not None else None
            if hit is None:
                hit = self._needles.search(_translate(text)[::-1]) is not None
            if hit:
                return True
        for gate in self._gates:
            if gate(text):
                return True
        return False

    def redact_text(self, text: str) -> tuple[str, tuple[str, ...]]:
        """``(text with each secret replaced by [REDACTED:<rule-id>], ids fired)``; the
        same object comes back when nothing fired."""
        if not isinstance(text, str) or len(text) < _MIN_LEN:
            return text, ()
        if len(text) <= _SHORT and text[0] not in "{[":
            hit = self._text_cache.get(text)
            if hit is not None:
                return (text if hit[0] is None else hit[0]), hit[1]
            out, ids = self._redact_uncached(text)
            if len(self._text_cache) >= _CACHE_MAX:
                self._text_cache.clear()
            self._text_cache[text] = (None if out is text else out, ids)
            return out, ids
        return self._redact_uncached(text)

    def _redact_uncached(self, text: str) -> tuple[str, tuple[str, ...]]:
        if not self.might_contain_secret(text):
            return text, ()
        return self._full_pass(text)

    def _spans(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, rule_id)`` of every secret in ``text``, left to right, not overlapping."""
        found: list[tuple[int, int, str]] = []
        groups = self._groups
        for m in self._full.finditer(text):
            info = groups[m.lastgroup]  # the rule's outer group closes last
            sec = None
            for g in info.secrets:
                if m.group(g) is not None:
                    sec = g
                    break
            secret = m.group(sec) if sec else m.group(0)
            if info.kind == "kv":
                rule_id = self._kv_rule(m.group(info.key), m.group(info.sep), sec == info.secrets[-1], secret)
                if rule_id is None:
                    continue
            else:
                rule_id = info.rule_id
                if info.validate is not None and not info.validate(m.group(0)):
                    continue
            if self._allowed(rule_id, secret):
                continue
            found.append((*(m.span(sec) if sec else m.span()), rule_id))
        if self._literal_rx is not None:
            more = self._format_spans(text)
            if more:
                found = _merge(found + more)
        return found

    def _format_spans(self, text: str) -> list[tuple[int, int, str]]:
        """Spans of the vendor format rules whose needles ``text`` holds."""
        seen: set[int] = set()
        found: list[tuple[int, int, str]] = []
        named = [pair for hit in set(self._literal_rx.findall(text)) for pair in self._literals[hit]]
        for rule, rx in named + [pair for pair in self._hinted if pair[0].hint(text)]:
            if id(rule) in seen:
                continue
            seen.add(id(rule))
            has_secret = "secret" in rx.groupindex
            for m in rx.finditer(text):
                secret = m.group("secret") if has_secret else m.group(0)
                if (rule.validate is not None and not rule.validate(m.group(0))) or self._allowed(rule.id, secret):
                    continue
                found.append((*(m.span("secret") if has_secret else m.span()), rule.id))
        return found

    def _full_pass(self, text: str) -> tuple[str, tuple[str, ...]]:
        spans = self._spans(text)
        if _encodings.encoded(text):
            # a secret percent-encoded (``?next=postgres%3A%2F%2F…``) or \u-escaped: find it in
            # the decoded text too and replace the encoded characters it came from
            decoded, where = _encodings.decode(text)
            more = [(*where(a, b), rule_id) for a, b, rule_id in self._spans(decoded)]
            if more:
                spans = _merge(spans + more)
        if not spans:
            return text, ()
        return _replace(text, spans), _dedupe(rule_id for _, _, rule_id in spans)

    def _kv_rule(self, key: str, sep: str, bare: bool, value: str) -> Optional[str]:
        canon = _rules.classify_key(_rules.key_words(key), self._extra_keys)
        if canon is None:
            return None
        rule_id = f"kv-{canon}"
        if rule_id in self._disabled:
            return None
        if bare and not_a_value(value, sep, self._extra_keys):
            return None
        return rule_id

    # ------------------------------------------------------------------ JSON-aware strings
    def _redact_str(self, text: str, jdepth: int = 0) -> tuple[str, tuple[str, ...]]:
        """``redact_text`` plus key context for strings holding a JSON object/array."""
        if len(text) < _MIN_LEN or text[0] not in "{[":
            return self.redact_text(text)
        if jdepth >= _JSON_DEPTH:
            return self._redact_uncached(text)
        short = len(text) <= _SHORT
        if short:
            hit = self._text_cache.get(text)
            if hit is not None:
                return (text if hit[0] is None else hit[0]), hit[1]
        out, ids = self._redact_json(text, jdepth)
        if short:
            if len(self._text_cache) >= _CACHE_MAX:
                self._text_cache.clear()
            self._text_cache[text] = (None if out is text else out, ids)
        return out, ids

    def _redact_json(self, text: str, jdepth: int) -> tuple[str, tuple[str, ...]]:
        if not self.might_contain_secret(text):
            return text, ()
        try:
            doc = json.loads(text)
        except ValueError:
            return self._full_pass(text)
        if not isinstance(doc, (dict, list)):
            return self._full_pass(text)
        hits: list[tuple[str, str]] = []
        new = self._walk(doc, "", hits, 0, jdepth + 1)
        if new is doc:
            return text, ()
        return dumps_like(text, doc, new), _dedupe(rule_id for _, rule_id in hits)


_default: Optional[Redactor] = None
_default_lock = threading.Lock()


def default_redactor() -> Redactor:
    """The process-wide redactor (default rules, built on first use)."""
    global _default
    r = _default
    if r is None:
        with _default_lock:
            if _default is None:
                _default = Redactor()
            r = _default
    return r


def set_default_redactor(redactor: Optional[Redactor]) -> None:
    """Replace the process-wide redactor (None: back to the default rules)."""
    global _default
    if redactor is not None and not isinstance(redactor, Redactor):
        raise TypeError(f"expected a Redactor, got {type(redactor).__name__}")
    with _default_lock:
        _default = redactor
