"""The built-in redaction rules: sensitive key words and secret value formats.

Pure data plus small validators; no OpenTelemetry SDK import (the capture layer loads
this on the hot path). Every value rule lists *needles*: literal substrings that any
match must contain. The engine turns the needles into its fast prefilter, so a rule
whose regex could match without one of its needles would be silently skipped —
``tests/test_redaction_rules.py`` checks that property over a generated corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from .._vocabulary import REDACTION_MARKER as MARKER  # noqa: F401 - what the redactor writes

# --------------------------------------------------------------------------- keys
# Words that make a mapping key sensitive, by canonical name (the rule id is
# ``key:<canonical>``). Keys are split into lower-case words first (snake, kebab,
# dotted, camelCase), so ``dbPassword``, ``DB_PASSWORD`` and ``db.password`` agree.
KEY_WORDS: dict[str, str] = {
    "password": "password",
    "passwd": "password",
    "pwd": "password",
    "passphrase": "passphrase",
    "secret": "secret",
    "secrets": "secret",
    "token": "token",
    "apikey": "api-key",
    "accesskey": "access-key",
    "privatekey": "private-key",
    "secretkey": "secret-key",
    "auth": "auth",
    "authorization": "authorization",
    "cookie": "cookie",
    "cookies": "cookie",
    "credential": "credential",
    "credentials": "credential",
    "jwt": "jwt",
    "bearer": "bearer",
}
# Two words that together are a sensitive key (``api key``, ``x-api-key``, ``AccountKey``).
KEY_PAIRS: dict[tuple[str, str], str] = {
    ("api", "key"): "api-key",
    ("access", "key"): "access-key",
    ("private", "key"): "private-key",
    ("secret", "key"): "secret-key",
    ("session", "key"): "session-key",
    ("signing", "key"): "signing-key",
    ("encryption", "key"): "encryption-key",
    ("master", "key"): "master-key",
    ("account", "key"): "account-key",
    ("subscription", "key"): "subscription-key",
    ("app", "key"): "app-key",
    ("application", "key"): "application-key",
    ("access", "tokens"): "token",
    ("api", "tokens"): "token",
    ("auth", "tokens"): "token",
    ("refresh", "tokens"): "token",
    ("bearer", "tokens"): "token",
    ("session", "tokens"): "token",
}
# Glued forms without separators (``xapikey``, ``githubtoken``) end with one of these.
KEY_ENDINGS: tuple[tuple[str, str], ...] = (
    ("password", "password"),
    ("passwd", "password"),
    ("secret", "secret"),
    ("token", "token"),
    ("apikey", "api-key"),
    ("accesskey", "access-key"),
    ("privatekey", "private-key"),
    ("secretkey", "secret-key"),
    ("credentials", "credential"),
    ("authorization", "authorization"),
)
# A sensitive word followed by one of these names a property *of* the secret, not the
# secret: ``token_count``, ``password_policy``, ``secret_name``, ``api_key_id``.
META_AFTER = frozenset(
    """count counts type types kind usage used length len size limit limits total totals max min
    id ids name names index idx url uri endpoint path file filename dir format policy expires expiry
    expiration exp ttl lifetime age created updated at time timestamp ts enabled required present set
    exists provided hint strength rotation version method scheme mode strategy flow provider source
    store manager arn ref env header_name field label reset changed last rate ratio per budget
    estimate remaining window location prefix suffix pattern regex rule rules id_token_hint""".split()
)
# ``token`` preceded by one of these is a language-model token, not a credential:
# ``max_token``, ``eos_token``, ``next_page_token`` (a pagination cursor).
TOKEN_NOT_AFTER = frozenset(
    """max min num n total count input output prompt completion cached cache reasoning context eos bos
    pad unk sep cls mask special stop start end first last next prev previous page continuation
    cursor sync""".split()
)

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def key_words(key: str) -> list[str]:
    """``"gen_ai.usage.input_tokens"`` -> ``["gen", "ai", "usage", "input", "tokens"]``."""
    return [w.lower() for w in _CAMEL.findall(key)]


def classify_key(words: list[str], extra: dict[tuple[str, ...], str]) -> Optional[str]:
    """The canonical name when the key made of ``words`` names a secret, else None."""
    n = len(words)
    for seq, canon in extra.items():  # user-added keys: no exclusions, the user asked for them
        m = len(seq)
        for i in range(n - m + 1):
            if tuple(words[i : i + m]) == seq:
                return canon
    for i, w in enumerate(words):
        canon = None
        end = i + 1
        if i + 1 < n and (w, words[i + 1]) in KEY_PAIRS:
            canon = KEY_PAIRS[(w, words[i + 1])]
            end = i + 2
        elif w in KEY_WORDS:
            canon = KEY_WORDS[w]
        else:
            for ending, c in KEY_ENDINGS:
                if w.endswith(ending) and len(w) > len(ending):
                    head = w[: -len(ending)]
                    if c == "token" and head in TOKEN_NOT_AFTER:
                        break
                    canon = c
                    break
        if canon is None:
            continue
        if any(x in META_AFTER for x in words[end:]):
            continue
        if canon == "token" and i > 0 and words[i - 1] in TOKEN_NOT_AFTER:
            continue
        return canon
    return None


# Case forms of each key ending that the text scanner recognises before ``=``/``:``.
# (Mapping keys go through ``classify_key`` and accept any case.)
def key_endings_for_text() -> dict[str, str]:
    """Spelling -> canonical: the forms a key may *end* with in free text / JSON text."""
    spellings: dict[str, str] = {}
    bases: list[tuple[list[str], str]] = [([w], c) for w, c in KEY_WORDS.items()]
    bases += [([a, b], c) for (a, b), c in KEY_PAIRS.items()]
    for words, canon in bases:
        for form in _case_forms(words):
            spellings[form] = canon
    return spellings


def _case_forms(words: list[str]) -> set[str]:
    low = [w.lower() for w in words]
    title = [w.title() for w in words]
    up = [w.upper() for w in words]
    forms = set()
    for seps in ("", "_", "-", " ", "."):
        forms.add(seps.join(low))
        forms.add(seps.join(up))
        forms.add(seps.join(title))
    forms.add(low[0] + "".join(title[1:]))  # camelCase: apiKey, clientSecret stays secret
    return forms


# --------------------------------------------------------------------------- values
@dataclass(frozen=True)
class Rule:
    """A value rule. ``pattern`` may hold a group named ``secret``: only that part is
    replaced (``AccountKey=[REDACTED:…]``); otherwise the whole match is."""

    id: str
    pattern: str
    needles: tuple[str, ...]
    validate: Optional[Callable[[str], bool]] = None
    pii: bool = False
    flags: int = 0
    # Cheap Python-level gate used instead of needles (rules with no literal anchor).
    gate: Optional[Callable[[str], bool]] = field(default=None, compare=False)
    # Needles the Hyperscan scan matches byte for byte, case included (short needles such
    # as "1//0" cost the scan far more as folded classes; the rule's own literal is exact).
    exact: bool = False
    # For a format whose needles are only context (no cheap literal of its own): a pattern
    # every bare token matches, that the Hyperscan scan runs with the needles (the pure
    # engine cannot afford it: docs/redaction.md, "Cost"), and a cheap test that tells the
    # full pass to try the rule on a text whose needles did not name it.
    shape: str = ""
    hint: Optional[Callable[[str], bool]] = field(default=None, compare=False)


_B = r"(?<![A-Za-z0-9_-])"  # token start: not glued to a longer word
_E = r"(?![A-Za-z0-9_-])"


def _luhn(text: str) -> bool:
    digits = [int(c) for c in text if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _phone(text: str) -> bool:
    n = sum(c.isdigit() for c in text)
    return 10 <= n <= 15


_HAS_DIGIT = r"(?=[A-Za-z0-9_-]*[0-9])"

# Order matters where two rules can start at the same place: the first one wins.
RULES: tuple[Rule, ...] = (
    Rule(
        "pem-private-key",
        r"-----BEGIN[A-Z ]{0,40}PRIVATE KEY(?: BLOCK)?-----"
        r"(?:.*?-----END[A-Z ]{0,40}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\:,.-]*)",
        ("PRIVATE KEY-----", "KEY BLOCK-----"),
        flags=re.DOTALL,
    ),
    Rule(
        "bearer-auth",
        r"(?:[Pp]roxy-)?(?:Authorization|authorization|AUTHORIZATION)(?:\\?[\"'])?[ \t]*[:=][ \t]*(?:\\?[\"'])?"
        r"(?:(?:Bearer|bearer|BEARER|Basic|basic|BASIC|Token|token|Digest|Bot)[ \t]+)?"
        # to the end of the value (line, quote, escape, ``&``/``;``), not to the first comma
        r"(?P<secret>(?!\[REDACTED:)[^\s\"'\\&;](?:[^\r\n\"'\\&;]*[^\s\"'\\&;])?)",
        tuple(f + ":" for f in ("authorization", "Authorization", "AUTHORIZATION")),
    ),
    Rule(
        "aws-secret-key",
        r"(?:aws_secret_access_key|AWS_SECRET_ACCESS_KEY|aws_secret_key|AWS_SECRET_KEY|aws-secret-access-key"
        r"|AwsSecretAccessKey|awsSecretAccessKey|AWSSecretAccessKey|secret_access_key|SECRET_ACCESS_KEY"
        r"|SecretAccessKey|secretAccessKey)"
        r"(?:\\?[\"'])?[ \t]*[:=][ \t]*(?:\\?[\"'])?(?P<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
        ("ccess_key", "CCESS_KEY", "ecret_key", "ECRET_KEY", "ccess-key", "ccessKey"),
    ),
    Rule("anthropic-key", _B + r"sk-ant-[A-Za-z0-9_-]{20,}", ("sk-",)),
    Rule(
        "openai-key",
        _B + r"sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}|" + _HAS_DIGIT + r"[A-Za-z0-9]{20,}" + _E + ")",
        ("sk-",),
    ),
    Rule("aws-access-key-id", r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])", ("AKIA", "ASIA")),
    Rule("github-token", r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})",
         ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")),
    Rule("gitlab-token", _B + r"glpat-[A-Za-z0-9_-]{20,}", ("glpat-",)),
    Rule("slack-token", _B + r"xox[baprs]-[A-Za-z0-9-]{10,}", ("xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-")),
    Rule("slack-webhook", r"hooks\.slack\.com/services/[A-Za-z0-9_/]{8,}", ("/services/",)),
    Rule("stripe-key", r"(?<![A-Za-z0-9_])[rs]k_(?:live|test)_[A-Za-z0-9]{10,}", ("sk_", "rk_")),
    Rule("google-api-key", _B + r"AIza[A-Za-z0-9_-]{35}" + _E, ("AIza",)),
    Rule("azure-storage-key", r"(?:AccountKey|SharedAccessKey)=(?P<secret>[A-Za-z0-9+/]{20,}={0,2})",
         ("AccountKey=", "SharedAccessKey=")),
    Rule("huggingface-token", r"(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,}", ("hf_",)),
    # Twilio SIDs carry no distinctive prefix beyond two letters, so the fast path looks
    # for them "in context": a text naming twilio_/TWILIO_/twilio-/twilio:/twilio= .
    Rule("twilio-key", r"(?<![A-Za-z0-9])(?:SK|AC)[0-9a-f]{32}(?![A-Za-z0-9])",
         ("twilio_", "twilio-", "twilio:", "twilio/", "Twilio_", "Twilio-", "Twilio:")),
    Rule("sendgrid-key", _B + r"SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}", ("SG.",)),
    Rule("npm-token", r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])", ("npm_",)),
    Rule("jwt", _B + r"eyJ[A-Za-z0-9_-]{6,}\.eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*", (".eyJ",)),
    Rule(
        "url-credentials",
        # userinfo runs to the *last* ``@`` before a host, as URL parsers split it: the
        # password may hold ``@``, ``/`` or ``:``; the user may be empty (``redis://:pw@h``)
        r"(?<=://)[^\s/?#@:\"'\\]*:(?P<secret>(?!\[REDACTED:)[^\s\"'\\?#]+)"
        r"@(?=[A-Za-z0-9.\[\]_-]+(?![A-Za-z0-9.\[\]_@-]))",
        (),
        gate=lambda s: "@" in s and "://" in s,
    ),
    # --- opt-in PII
    Rule("email", r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}",
         (), pii=True, gate=lambda s: "@" in s),
    Rule("us-ssn", r"(?<![0-9-])(?!000|666|9[0-9]{2})[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}(?![0-9-])", (),
         pii=True, gate=lambda s: _DIGIT_RUN.search(s) is not None),
    Rule("credit-card", r"(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])", (), validate=_luhn, pii=True,
         gate=lambda s: _DIGIT_RUN.search(s) is not None),
    Rule("phone", r"(?<![\w+])\+?(?:[0-9][ ().-]{0,2}){9,14}[0-9](?![\w])", (), validate=_phone, pii=True,
         gate=lambda s: _DIGIT_RUN.search(s) is not None),
)
_DIGIT_RUN = re.compile(r"[0-9][0-9 ().-]{7,}[0-9]")


RULE_IDS: tuple[str, ...] = tuple(dict.fromkeys(r.id for r in RULES))
PII_RULE_IDS: tuple[str, ...] = tuple(dict.fromkeys(r.id for r in RULES if r.pii))

# Free-text ``key=value`` / ``"key": "value"``: the key must *end* with a sensitive
# spelling; the engine then asks ``match_key`` about the whole key, and the rule id is
# ``kv-<canonical>``. Values: quoted (also JSON-escaped quotes inside a JSON string) or a
# bare run; ``[REDACTED:…]`` markers and JSON literals are left alone.
KV_TEMPLATE = (
    # key: a whole word (possessive: no backtracking into it), followed by an optional
    # quote and the separator, and ending with a sensitive spelling (checked last, as
    # lookbehinds, so ordinary words pay only for the cheap lookahead).
    r"(?P<key>[A-Za-z](?<![A-Za-z0-9_.-][A-Za-z])[A-Za-z0-9_.-]*+)"
    r"(?=(?:\\?[\"'])?[ \t]*[:=])(?i:{endings})"
    r"(?:\\?[\"'])?[ \t]*(?P<sep>[:=])[ \t]*"
    r"(?:\\\"(?P<secret>(?!\[REDACTED:)(?:[^\"\\]|\\[^\"])+?)\\\""
    r"|\"(?P<secret2>(?!\[REDACTED:)(?:[^\"\\\n]|\\.)+)\""
    r"|'(?P<secret3>(?!\[REDACTED:)[^'\n]+)'"
    # a bare value runs over blanks to the end of the value (``password=correct horse``),
    # stopping before the next ``key=``
    r"|(?P<secret4>(?!\[REDACTED:|(?:null|true|false|None)(?![^\s,;&}\])]))[^\s\"'\\,;&}\])<>]+"
    r"(?:[ \t]+(?![A-Za-z0-9_.-]+[ \t]*[:=])[^\s\"'\\,;&}\])<>]+)*))"
)


def text_key_endings() -> set[str]:
    """Lower-case spellings a key may end with for the text scanner (no blanks)."""
    out = set(KEY_WORDS)
    for a, b in KEY_PAIRS:
        for sep in ("", "_", "-", "."):
            out.add(a + sep + b)
    return out
