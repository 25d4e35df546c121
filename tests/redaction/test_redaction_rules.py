"""Redactor rules: every secret format, key context, benign text, options."""

from __future__ import annotations

import json
import random
import re
import sys
import threading

import pytest

from actiontrace.redaction import Redactor, _accel, default_redactor, set_default_redactor
from actiontrace.redaction._formats import FORMAT_RULES
from support.secret_corpus import benign, pii, secrets

R = Redactor()
CORPUS = secrets()
ENGINES = ("re", "hyperscan")


@pytest.fixture(autouse=True, params=ENGINES)
def engine(request, monkeypatch):
    """Every test runs against both prefilter engines: the pure-Python one and the
    optional Hyperscan accelerator (skipped, and so not counted, when not installed)."""
    if request.param == "hyperscan" and not _accel.available():
        pytest.skip("hyperscan not installed (optional extra)")
    monkeypatch.setenv("ACTIONTRACE_REDACTION_ENGINE", request.param)
    monkeypatch.setattr(sys.modules[__name__], "R", Redactor(engine=request.param))
    assert R.engine == request.param
    set_default_redactor(None)
    yield request.param
    set_default_redactor(None)


def runs(secret: str, n: int = 8):
    return {secret[i : i + n] for i in range(len(secret) - n + 1)} or {secret}


def assert_gone(secret: str, out: str) -> None:
    for run in runs(secret):
        assert run not in out, f"{run!r} of the secret survived in {out!r}"


@pytest.mark.parametrize("rule,secret,text", CORPUS, ids=[f"{i}-{c[0]}" for i, c in enumerate(CORPUS)])
def test_every_secret_format_is_redacted(rule, secret, text):
    out, ids = R._redact_str(text)
    assert_gone(secret, out)
    assert rule in ids
    assert f"[REDACTED:{rule}]" in out


@pytest.mark.parametrize("rule,secret,text", CORPUS, ids=[f"{i}-{c[0]}" for i, c in enumerate(CORPUS)])
def test_prefilter_admits_every_secret(rule, secret, text):
    # The fast path must never skip a string a rule would match.
    assert R.might_contain_secret(text)


def test_every_builtin_rule_is_in_the_corpus():
    covered = {c[0] for c in CORPUS} | {c[0] for c in pii()}
    missing = set(R.rule_ids) - covered
    assert not missing


def test_benign_corpus_has_zero_false_positives():
    corpus = benign()
    fired = {text: R._redact_str(text) for text in corpus}
    false_positives = {t: ids for t, (out, ids) in fired.items() if ids or out is not t}
    assert false_positives == {}
    assert len(corpus) >= 40


def test_nothing_fired_returns_the_same_object():
    text = "a perfectly ordinary sentence about " + "tokens " * 50
    out, ids = R.redact_text(text)
    assert out is text and ids == ()


def test_marker_never_echoes_the_secret_and_is_idempotent():
    rule, secret, text = CORPUS[0]
    once, ids = R.redact_text(text)
    assert ids == (rule,)
    twice, ids2 = R.redact_text(once)
    assert twice == once and ids2 == ()


def test_several_secrets_in_one_string():
    text = " ; ".join(c[2] for c in CORPUS[:12])
    out, ids = R.redact_text(text)
    for rule, secret, _ in CORPUS[:12]:
        assert_gone(secret, out)
    assert len(ids) == len(set(ids))


SENSITIVE_KEYS = [
    "password", "passwd", "pwd", "PASSWORD", "db_password", "dbPassword", "DB.Password", "reset_password",
    "password_hash", "passphrase", "secret", "client_secret", "clientSecret", "AWS_SECRET_ACCESS_KEY",
    "token", "access_token", "accessToken", "refresh_token", "id_token", "auth_token", "githubtoken",
    "api_key", "apikey", "api-key", "x-api-key", "X-API-Key", "apiKey", "OPENAI_API_KEY", "api key",
    "authorization", "Authorization", "proxy-authorization", "http.request.header.authorization", "auth",
    "cookie", "Set-Cookie", "cookies", "credential", "credentials", "private_key", "privateKey",
    "private_key_pem", "access_key", "secret_key", "AccountKey", "jwt", "bearer", "session_key",
    "api_tokens", "access_tokens",
]
BENIGN_KEYS = [
    "author", "authors", "authority", "session.id", "session_id", "gen_ai.usage.input_tokens",
    "gen_ai.usage.output_tokens", "max_tokens", "max_token", "token_count", "tokens", "input_tokens",
    "output_tokens", "inputTokenCount", "maxTokens", "tokenizer", "token_type", "next_page_token", "page_token",
    "eos_token", "password_policy", "password_reset", "secret_name", "secretary", "api_key_id", "access_key_id",
    "auth_type", "cookie_policy", "credential_type", "key", "primary_key", "cache_key", "monkey", "user_id",
    "gen_ai.request.model", "actiontrace.input", "session", "private", "public_key", "keyboard", "tokens_per_second",
]


@pytest.mark.parametrize("key", SENSITIVE_KEYS)
def test_sensitive_keys(key):
    rid = R.match_key(key)
    assert rid is not None and rid.startswith("key:")


@pytest.mark.parametrize("key", BENIGN_KEYS)
def test_benign_keys(key):
    assert R.match_key(key) is None


def test_kv_pairs_in_text_follow_match_key():
    out, ids = R.redact_text("max_token=5 token_count: 7 password_policy=strict")
    assert ids == ()
    out, ids = R.redact_text("DB_PASSWORD=hunter22 and API_KEY: abc123xyz")
    assert "hunter22" not in out and "abc123xyz" not in out
    assert ids == ("kv-password", "kv-api-key")


def test_redact_value_nested_paths():
    rule, secret, _ = CORPUS[0]
    value = {"user": "ann", "settings": {"api_key": "x" * 10, "nested": [{"note": f"key {secret}"}]},
             "headers": ("Authorization: Bearer " + "z1" * 12,), "n": 3}
    new, hits = R.redact_value(value, "args")
    assert new["settings"]["api_key"] == "[REDACTED:key:api-key]"
    assert new["settings"]["nested"][0]["note"] == f"key [REDACTED:{rule}]"
    assert isinstance(new["headers"], tuple) and "z1z1" not in new["headers"][0]
    assert new["user"] == "ann" and new["n"] == 3
    assert set(hits) == {"args.settings.api_key:key:api-key", f"args.settings.nested[0].note:{rule}",
                         "args.headers[0]:bearer-auth"}
    assert value["settings"]["api_key"] == "x" * 10  # input untouched
    same, none = R.redact_value({"a": [1, "b"]})
    assert none == []


def test_redact_value_whole_value_of_sensitive_key():
    new, hits = R.redact_value({"credentials": {"user": "a", "pass": "b"}, "token": ["t1", "t2"]})
    assert new == {"credentials": "[REDACTED:key:credential]", "token": "[REDACTED:key:token]"}
    assert hits == ["credentials:key:credential", "token:key:token"]


def test_redact_attributes_types_and_json():
    rule, secret, _ = CORPUS[0]
    attrs = {
        "api_key": "plain", "tokens": ("a", "b"), "password": ["x", "y", "z"], "gen_ai.usage.input_tokens": 12,
        "flag": True, "ratio": 0.5, "list": ("ok", f"see {secret}", "fine"),
        "actiontrace.input": json.dumps({"query": "hi", "creds": {"password": 12345678}, "k": secret}),
        "clean": "nothing here at all",
    }
    new, hits = R.redact_attributes(attrs, "attributes.")
    assert new["api_key"] == "[REDACTED:key:api-key]"
    assert new["password"] == ("[REDACTED:key:password]",) * 3
    assert new["tokens"] == ("a", "b") and new["gen_ai.usage.input_tokens"] == 12 and new["flag"] is True
    assert new["list"] == ("ok", f"see [REDACTED:{rule}]", "fine")
    doc = json.loads(new["actiontrace.input"])
    assert doc == {"query": "hi", "creds": {"password": "[REDACTED:key:password]"}, "k": f"[REDACTED:{rule}]"}
    assert new["clean"] is attrs["clean"]
    assert set(hits) == {"attributes.api_key:key:api-key", "attributes.password:key:password",
                         f"attributes.list:{rule}", "attributes.actiontrace.input:key:password",
                         f"attributes.actiontrace.input:{rule}"}
    assert R.redact_attributes({"a": "b" * 2000, "n": 1, "model": "gpt-4o"}) == (None, [])


def test_benign_json_attribute_is_not_reencoded():
    text = json.dumps({"max_tokens": 5, "messages": [{"role": "user", "content": "hello"}]}, indent=2)
    new, hits = R.redact_attributes({"actiontrace.input": text})
    assert new is None and hits == []


def test_disable_extra_allow_and_pii():
    _, jwt_secret, jwt_text = next(c for c in CORPUS if c[0] == "jwt")
    assert Redactor(disable=("jwt",)).redact_text(jwt_text)[1] == ()
    assert Redactor(disable=("key:token",)).match_key("token") is None
    assert Redactor(disable=("kv-password",)).redact_text("password=hunter22")[1] == ()

    custom = Redactor(extra_patterns={"acme-key": r"acme_[0-9a-f]{16}", "ticket": re.compile(r"TICKET-(?P<secret>\d+)")},
                      extra_keys=["pin", "x-internal-sig"])
    out, ids = custom.redact_text("acme_0123456789abcdef and TICKET-4242")
    assert out == "[REDACTED:acme-key] and TICKET-[REDACTED:ticket]" and ids == ("acme-key", "ticket")
    assert custom.match_key("user_pin") == "key:pin"
    assert custom.match_key("X-Internal-Sig") == "key:x-internal-sig"
    assert custom.redact_text("pin=1234 ok")[1] == ("kv-pin",)

    rule, secret, text = CORPUS[0]
    allowing = Redactor(allow=lambda rule_id, s: rule_id == rule)
    assert allowing.redact_text(text) == (text, ())
    broken = Redactor(allow=lambda rule_id, s: 1 / 0)
    assert broken.redact_text(text)[1] == (rule,)

    for rule, secret, template in pii():
        text = template.format(secret)
        assert R.redact_text(text)[1] == ()
        out, ids = Redactor(pii=True).redact_text(text)
        assert rule in ids and secret not in out
    bad_card = "card 4111 1111 1111 1112 exp"
    assert "credit-card" not in Redactor(pii=True).redact_text(bad_card)[1]


def test_default_redactor_is_shared_and_replaceable():
    original = default_redactor()
    assert default_redactor() is original
    mine = Redactor(extra_keys=["pin"])
    set_default_redactor(mine)
    try:
        assert default_redactor() is mine
    finally:
        set_default_redactor(None)
    assert default_redactor().match_key("pin") is None
    with pytest.raises(TypeError):
        set_default_redactor("nope")


def test_rules_module_does_not_import_the_sdk():
    import subprocess
    import sys

    code = ("import sys, actiontrace.redaction._rules, actiontrace.redaction._redactor;"
            "print('opentelemetry.sdk.trace' in sys.modules)")
    env_code = "import sys; sys.modules['actiontrace']=None\n"  # noqa: F841 (documentation of intent)
    # Load the two modules by path so the package __init__ of actiontrace is not involved.
    code = (
        "import importlib.util, sys, types, pathlib\n"
        "root = pathlib.Path('src/actiontrace')\n"
        "for name in ('actiontrace', 'actiontrace.redaction'):\n"
        "    m = types.ModuleType(name); m.__path__ = [str(root if name == 'actiontrace' else root / 'redaction')]\n"
        "    sys.modules[name] = m\n"
        "import actiontrace.redaction._redactor\n"
        "print('opentelemetry.sdk' in ' '.join(sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- span fast path
BENIGN_ATTRS = {
    "gen_ai.request.model": "gpt-4o-mini", "gen_ai.operation.name": "chat", "session.id": "3f0c8a9e-1b2d",
    "actiontrace.path": "/support-agent/search_database", "gen_ai.usage.input_tokens": 1200,
    "actiontrace.cost.usd": 0.00123, "gen_ai.request.stop_sequences": ("\n\n", "END"), "flag": True,
    "actiontrace.input": json.dumps({"query": "refund policy " * 40, "max_tokens": 512, "token_count": 3}),
}


@pytest.mark.parametrize("rule,secret,text", CORPUS[::3], ids=[c[0] for c in CORPUS[::3]])
@pytest.mark.parametrize("where", ["first", "last", "in-list"])
def test_span_gate_finds_one_secret_among_many_attributes(rule, secret, text, where):
    R.redact_attributes(BENIGN_ATTRS)  # warm: every key known benign, so the joined gate runs
    assert R.redact_attributes(BENIGN_ATTRS) == (None, [])
    attrs = dict(BENIGN_ATTRS)
    if where == "in-list":
        attrs["gen_ai.request.stop_sequences"] = ("END", text)
    elif where == "first":
        attrs = {"note": text, **attrs}
    else:
        attrs["note"] = text
    R.redact_attributes(attrs)  # learn "note"
    new, hits = R.redact_attributes(attrs)
    assert new is not None and any(h.endswith(":" + rule) for h in hits)
    assert_gone(secret, json.dumps(new))


def test_span_gate_keeps_user_patterns_exact():
    # A user pattern anchored to a whole value must still fire when other strings are around.
    r = Redactor(extra_patterns={"order-ref": r"^ORD-[0-9]{6}$"})
    attrs = {"a": "hello there", "b": "ORD-123456", "c": "world wide"}
    r.redact_attributes(attrs)
    new, hits = r.redact_attributes(attrs)
    assert new["b"] == "[REDACTED:order-ref]" and hits == ["b:order-ref"]


def test_engine_choice_and_validation(monkeypatch):
    assert Redactor(engine="re").engine == "re"
    monkeypatch.setenv("ACTIONTRACE_REDACTION_ENGINE", "re")
    assert Redactor().engine == "re"
    with pytest.raises(ValueError):
        Redactor(engine="pcre")
    monkeypatch.setenv("ACTIONTRACE_REDACTION_ENGINE", "auto")
    assert Redactor().engine == ("hyperscan" if _accel.available() else "re")


# --------------------------------------------------------------------------- hyperscan patterns
def _variants(needle: str, rng: random.Random) -> list[str]:
    out = [needle, needle.upper(), needle.lower(), "".join(c.upper() if rng.random() < 0.5 else c for c in needle)]
    if needle.endswith((":", "=")):  # the rules allow quotes and blanks before a separator
        key, sep = needle[:-1], needle[-1]
        out += [f'"{key}" {sep} ', f"'{key}'{sep}", f'\\"{key}\\"{sep}', f"{key}\t{sep}"]
    return out


@pytest.mark.parametrize("engine", ["hyperscan"], indirect=True)
def test_hyperscan_patterns_match_every_needle_spelling(engine):
    rng = random.Random(5)
    # exact needles are matched as written: their rules' literals are case-sensitive
    exact = {n for r in FORMAT_RULES if r.exact for n in r.needles}
    for needle in R._needle_list:
        for v in [needle] if needle in exact else _variants(needle, rng):
            text = "ordinary words " + v + " more words"
            assert R._accel.search(text) is True, (needle, v)


@pytest.mark.parametrize("engine", ["hyperscan"], indirect=True)
def test_hyperscan_and_pure_redact_random_text_alike(engine):
    # Texts stitched from secrets, needle spellings, key/value shapes and noise: whatever
    # the pure engine redacts, the accelerated one redacts the same way.
    pure = Redactor(engine="re")
    rng = random.Random(11)
    pieces = [c[2] for c in CORPUS] + list(R._needle_list) + benign()
    pieces += [f'"{k}": "{rnd}"' for k in ("password", "API_KEY", "Token", "x-api-key") for rnd in ("hunter2!x", "a1b2c3d4e5")]
    noise = "sk-_:=/IJKGaecpwordtnAZShfx.\"' y"
    for _ in range(1500):
        parts = [rng.choice(pieces) for _ in range(rng.randint(1, 3))]
        parts.insert(rng.randint(0, len(parts)), "".join(rng.choice(noise) for _ in range(rng.randint(0, 12))))
        text = rng.choice(["", " ", "\n", "; "]).join(parts)
        assert R.redact_text(text) == pure.redact_text(text), text


def test_prefilter_scans_from_many_threads():
    secret_text = CORPUS[0][2]
    results: list[bool] = []
    lock = threading.Lock()

    def work():
        mine = [R.might_contain_secret(secret_text) and not R.might_contain_secret("plain words " * 20)
                for _ in range(300)]
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2400 and all(results)


def test_auto_engine_is_right_before_its_database_is_ready(monkeypatch):
    # "auto" compiles in the background; until then the pure path answers.
    monkeypatch.setenv("ACTIONTRACE_REDACTION_ENGINE", "auto")
    r = Redactor(extra_keys=[f"zq{random.randrange(10**9)}pin"])  # a needle set not compiled yet
    text = "config: db_password = hunter2hunter2 end"
    out, ids = r.redact_text(text)
    assert "hunter2hunter2" not in out and ids


@pytest.mark.parametrize("engine", ["hyperscan"], indirect=True)
def test_a_failed_scan_falls_back_to_the_pure_engine(engine):
    r = Redactor(engine="hyperscan")
    r._accel.search = lambda text: None  # what HyperscanNeedles.search answers when a scan cannot run
    rule, secret, text = CORPUS[0]
    assert r.might_contain_secret(text)
    new, hits = r.redact_attributes({"a": "plain words here", "b": text})
    new, hits = r.redact_attributes({"a": "plain words here", "b": text})
    assert any(h.endswith(":" + rule) for h in hits) and secret not in new["b"]


def test_hyperscan_engine_is_an_error_when_asked_for_and_missing(engine):
    if _accel.available():
        assert Redactor(engine="hyperscan").engine == "hyperscan"
    else:
        with pytest.raises(ImportError):
            Redactor(engine="hyperscan")
