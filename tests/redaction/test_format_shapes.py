"""Formats found bare by their shape when Hyperscan runs the prefilter (Telegram bot tokens,
Mailchimp keys, Databricks tokens), and only in context with the pure engine."""

from __future__ import annotations

import random
import string

import pytest

from actiontrace.redaction import Redactor, _accel
from actiontrace.redaction._formats import FORMAT_RULES

pytestmark = pytest.mark.skipif(not _accel.available(), reason="hyperscan not installed (optional extra)")

RNG = random.Random(41)


def _pick(alphabet: str, n: int) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


HEX = "0123456789abcdef"
B64 = string.ascii_letters + string.digits + "_-"
BARE = {
    "telegram-token": lambda: _pick(string.digits, 10) + ":AA" + _pick(B64, 33),
    "mailchimp-key": lambda: _pick(HEX, 32) + "-us" + _pick(string.digits, 2),
    "databricks-token": lambda: "dapi" + _pick(HEX, 32),
}
CONTEXT = {"telegram-token": "TELEGRAM_BOT_TOKEN", "mailchimp-key": "MAILCHIMP_KEY",
           "databricks-token": "DATABRICKS_HOST=x DATABRICKS_PAT"}


def test_every_shaped_rule_is_tested():
    assert {r.id for r in FORMAT_RULES if r.shape} == set(BARE)


@pytest.mark.parametrize("rule_id", sorted(BARE))
def test_hyperscan_finds_a_bare_token_by_its_shape(rule_id):
    r = Redactor(engine="hyperscan")
    for template in ("{}", "the bot answered with {} and stopped", '{{"note": "{}"}}', "a\n{}\nb"):
        secret = BARE[rule_id]()
        out, ids = r.redact_text(template.format(secret))
        assert secret[8:] not in out and rule_id in ids, (template, out)
        assert out == template.format(f"[REDACTED:{rule_id}]")


@pytest.mark.parametrize("rule_id", sorted(BARE))
def test_the_pure_engine_finds_them_in_context_and_keeps_the_bare_limit(rule_id):
    r = Redactor(engine="re")
    secret = BARE[rule_id]()
    out, ids = r.redact_text(f"{CONTEXT[rule_id]}: {secret}")
    assert secret not in out and ids
    bare = f"the bot answered with {secret} and stopped"
    assert r.redact_text(bare) == (bare, ())  # the documented limit (docs/redaction.md)


@pytest.mark.parametrize("engine", ["re", "hyperscan"])
def test_look_alikes_of_the_shapes_stay(engine):
    r = Redactor(engine=engine)
    for text in ("ticket 12345678:AA-short, see 9:00-17:00", "chat 123:AAbc at 10:30",
                 _pick(HEX, 32) + "-users and the re-use of a plan", "dapi" + _pick(HEX, 16) + " build",
                 "the dapi endpoint, dapi_version=2", "dapi" + _pick(HEX, 32) + "x trailing letter"):
        assert r.redact_text(text) == (text, ()), text


def test_a_shape_hit_alone_runs_only_the_hinted_rules():
    # With Hyperscan a text that only the Telegram shape flags goes to the full pass; there
    # the hint picks the rule, and unrelated text around it is kept as it was.
    r = Redactor(engine="hyperscan")
    secret = BARE["telegram-token"]()
    text = f"order 4411 shipped; token {secret}; see 9:00-17:00 CET"
    assert r.might_contain_secret(text)
    assert r.redact_text(text)[0] == "order 4411 shipped; token [REDACTED:telegram-token]; see 9:00-17:00 CET"
