"""One test per leak class the wide placement test cannot pin on its own: cuts (capture's
final cut, the encoder's, the SDK's attribute length limit), key collisions, JSON layout,
and the PII opt-in both ways."""

from __future__ import annotations

import json
import random

import pytest

from actiontrace.exporters._otlp_json import SpanLineEncoder
from actiontrace.redaction import Redactor, _accel, set_default_redactor
from actiontrace.spans import _capture
from support.secret_corpus_wide import _fill


@pytest.fixture(autouse=True, params=("re", "hyperscan"))
def engine(request, monkeypatch):
    if request.param == "hyperscan" and not _accel.available():
        pytest.skip("hyperscan not installed (optional extra)")
    monkeypatch.setenv("ACTIONTRACE_REDACTION_ENGINE", request.param)
    set_default_redactor(Redactor(engine=request.param))
    yield request.param
    set_default_redactor(None)


def _runs(secret: str) -> set[str]:
    return {secret[i : i + 8] for i in range(len(secret) - 7)}


def _leaked(secret: str, out: str) -> set[str]:
    return {run for run in _runs(secret) if run in out}


def test_capture_redacts_before_its_final_cut(monkeypatch):
    # Control characters grow sixfold when escaped, so the walker's estimate overshoots the
    # budget and the JSON text is cut at the end, wherever the DSN happens to sit.
    password = _fill(random.Random(3), "{a:18}")
    dsn = f"postgres://admin:{password}@db.internal:5432/app"
    for fill in (20, 33, 47):
        start = 2 + 6 * fill + 3  # where the DSN begins in the JSON text
        for budget in range(start + 17, start + len(dsn)):  # a cut anywhere in the password
            out = _capture.to_json(["\x01" * fill, dsn, "\x01" * 80], max_bytes=budget)
            assert not _leaked(password, out), (fill, budget, out[-80:])
            json.loads(out)


class _Config:
    """Captured through its repr (no JSON form), a key or a value alike."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def __repr__(self) -> str:
        return f"Config(url={self.dsn!r})"


def test_a_repr_is_redacted_before_it_is_cut(monkeypatch):
    password = _fill(random.Random(9), "{a:18}")
    dsn = f"postgres://admin:{password}@db.internal:5432/app"
    start = len("Config(url='")
    for limit in range(start + 17, start + len(dsn)):  # a cut anywhere in the password
        monkeypatch.setattr(_capture.settings, "max_string", limit)
        out = _capture.to_json({"cfg": _Config(dsn)})
        assert not _leaked(password, out), (limit, out)
        assert "truncated" in out
    # as a mapping key, cut at 200 characters
    pad = "x" * (200 - start - 17 - 9)
    out = _capture.to_json({_Config(f"postgres://admin:{pad}{password}@db.internal/app"): 1})
    assert not _leaked(password, out), out


def test_the_encoder_redacts_before_it_cuts():
    key = "sk-proj-" + _fill(random.Random(4), "{u:100}")
    encoder = SpanLineEncoder(max_value_chars=60)
    out = encoder._str("x " * 20 + key)
    assert not _leaked(key[8:], out)
    assert "truncated" in out


def test_a_secret_as_a_key_keeps_keys_distinct():
    rng = random.Random(5)
    a, b = "sk-proj-" + _fill(rng, "{u:60}"), "sk-proj-" + _fill(rng, "{u:60}")
    new, hits = Redactor().redact_value({a: 1, b: 2, "plain": 3})
    assert sorted(new.values()) == [1, 2, 3] and len(new) == 3
    assert not _leaked(a[8:], json.dumps(new)) and not _leaked(b[8:], json.dumps(new))
    assert any(h.endswith(":openai-key") for h in hits)
    # captured JSON is redacted on export, as an attribute value
    captured = _capture.to_json({"args": {a: 1, b: 2}})
    attrs, _ = Redactor().redact_attributes({"actiontrace.input": captured})
    exported = json.loads(attrs["actiontrace.input"])
    assert len(exported["args"]) == 2 and not _leaked(a[8:], attrs["actiontrace.input"])


def test_redacting_inside_json_keeps_its_layout():
    key = "sk-proj-" + _fill(random.Random(6), "{u:60}")
    r = Redactor()
    compact = json.dumps({"q": "x", "cfg": {"k": key}}, separators=(",", ":"))
    assert r._redact_str(compact)[0] == '{"q":"x","cfg":{"k":"[REDACTED:openai-key]"}}'
    indented = json.dumps({"q": "x", "k": key}, indent=2)
    assert r._redact_str(indented)[0] == json.dumps({"q": "x", "k": "[REDACTED:openai-key]"}, indent=2)


def test_pii_is_off_by_default_and_on_by_variable(monkeypatch):
    text = "write to ada.lovelace@example.org or call +1 415 555 0142; SSN 123-45-6789"
    assert Redactor().redact_text(text) == (text, ())
    monkeypatch.setenv("ACTIONTRACE_REDACT_PII", "true")
    out, ids = Redactor().redact_text(text)
    assert set(ids) == {"email", "phone", "us-ssn"}
    assert "lovelace" not in out and "0142" not in out and "6789" not in out


def test_an_attribute_named_by_a_secret_is_renamed():
    key = "sk-proj-" + _fill(random.Random(8), "{u:60}")
    r = Redactor()
    attrs = {"actiontrace.property." + key: "v", "gen_ai.request.model": "gpt-4o-mini"}
    assert not r.nothing_to_redact(attrs)
    new, hits = r.redact_attributes(attrs)
    assert new == {"actiontrace.property.[REDACTED:openai-key]": "v", "gen_ai.request.model": "gpt-4o-mini"}
    assert hits == ["<key>:openai-key"]
