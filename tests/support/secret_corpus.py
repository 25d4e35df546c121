"""Secrets generated at test time (random characters, never literal tokens) and a
benign corpus that must pass redaction unchanged."""

from __future__ import annotations

import base64
import random
import string
import uuid

ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "_-"
HEX = "0123456789abcdef"
UPPER_NUM = string.ascii_uppercase + string.digits


def rnd(rng: random.Random, n: int, alphabet: str = ALNUM) -> str:
    while True:
        s = "".join(rng.choice(alphabet) for _ in range(n))
        if alphabet is not ALNUM or any(c.isdigit() for c in s):
            return s


def _luhn_complete(rng: random.Random, prefix: str, length: int) -> str:
    digits = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    for check in string.digits:
        cand = digits + check
        total = 0
        for i, d in enumerate(int(c) for c in reversed(cand)):
            if i % 2:
                d = d * 2 - 9 if d > 4 else d * 2
            total += d
        if total % 10 == 0:
            return cand
    raise AssertionError("unreachable")


def secrets(seed: int = 1234) -> list[tuple[str, str, str]]:
    """``(rule_id, secret, text_containing_it)`` for every value rule."""
    rng = random.Random(seed)
    r = lambda n, a=ALNUM: rnd(rng, n, a)  # noqa: E731
    out: list[tuple[str, str, str]] = []

    def add(rule: str, secret: str, template: str = "value: {} end") -> None:
        out.append((rule, secret, template.format(secret)))

    add("openai-key", "sk-" + r(48), "OPENAI_API_KEY is {}")
    add("openai-key", "sk-proj-" + r(120, URLSAFE), "client = OpenAI(key='{}')")
    add("openai-key", "sk-svcacct-" + r(90, URLSAFE), "use {} for the batch job")
    add("openai-key", "sk-admin-" + r(60, URLSAFE), "admin key {}")
    add("anthropic-key", "sk-ant-api03-" + r(93, URLSAFE) + "AA", "anthropic: {}")
    add("aws-access-key-id", "AKIA" + r(16, UPPER_NUM), "aws id {} here")
    add("aws-access-key-id", "ASIA" + r(16, UPPER_NUM), "temp {}")
    add("aws-secret-key", r(40, ALNUM + "/+"), "aws_secret_access_key = {}")
    add("aws-secret-key", r(40, ALNUM + "/+"), "AWS_SECRET_ACCESS_KEY={}")
    for p in ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"):
        add("github-token", p + r(36), "git token {}")
    add("github-token", "github_pat_" + r(22) + "_" + r(59), "pat={} ok".replace("pat=", "fine-grained "))
    add("gitlab-token", "glpat-" + r(20, URLSAFE), "gitlab {}")
    for p in "baprs":
        add("slack-token", f"xox{p}-" + r(12, string.digits) + "-" + r(24), "slack {}")
    add("slack-webhook", "hooks.slack.com/services/T" + r(8, UPPER_NUM) + "/B" + r(8, UPPER_NUM) + "/" + r(24),
        "POST https://{}")
    add("stripe-key", "sk_live_" + r(24), "stripe {}")
    add("stripe-key", "rk_live_" + r(24), "restricted {}")
    add("stripe-key", "sk_test_" + r(24), "test mode {}")
    add("google-api-key", "AIza" + r(35, URLSAFE), "maps key {}")
    add("azure-storage-key", r(86, ALNUM + "+/") + "==",
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={};EndpointSuffix=core.windows.net")
    add("huggingface-token", "hf_" + r(34), "HF {}")
    add("twilio-key", "SK" + r(32, HEX), "TWILIO_API_KEY_SID={}")
    add("twilio-key", "AC" + r(32, HEX), "twilio_account={}")
    add("sendgrid-key", "SG." + r(22, URLSAFE) + "." + r(43, URLSAFE), "sendgrid {}")
    add("npm-token", "npm_" + r(36), "//registry.npmjs.org/:_authToken {}")
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=").decode()
    payload = base64.urlsafe_b64encode(('{"sub":"' + r(12) + '","iat":1700000000}').encode()).rstrip(b"=").decode()
    add("jwt", f"{header}.{payload}.{r(43, URLSAFE)}", "cookie session={} ;")
    body = "\n".join(r(64, ALNUM + "+/") for _ in range(6))
    add("pem-private-key", f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----", "key file:\n{}\n")
    add("pem-private-key", f"-----BEGIN OPENSSH PRIVATE KEY-----\n{body}\n-----END OPENSSH PRIVATE KEY-----", "{}")
    add("bearer-auth", r(40, URLSAFE), "Authorization: Bearer {}")
    basic = base64.b64encode(f"user{r(4)}:{r(16)}".encode()).decode()
    add("bearer-auth", basic, "curl -H 'Authorization: Basic {}' https://x")
    add("url-credentials", r(18), "postgres://admin:{}@db.internal:5432/app")
    add("kv-password", r(14), "password={}")
    add("kv-password", r(14), "DB_PASSWORD={} ./run")
    add("kv-secret", r(20), 'client_secret: "{}"')
    add("kv-token", r(24), "token={}&page=2")
    add("kv-api-key", r(24), "x-api-key: {}")
    add("key:api-key", r(24), '{{"config": {{"api_key": "{}"}}}}')
    from .secret_corpus_wide import rule_cases  # one case per vendor format

    out.extend(rule_cases(seed))
    return out


def pii(seed: int = 99) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    card = _luhn_complete(rng, "4", 16)
    spaced = " ".join(card[i : i + 4] for i in range(0, 16, 4))
    user = rnd(rng, 8, string.ascii_lowercase)
    return [
        ("credit-card", card, "card {} exp 12/29"),
        ("credit-card", spaced, "pay with {} now"),
        ("email", f"{user}@example.org", "mail {} please"),
        ("phone", "+1 415 555 " + rnd(rng, 4, string.digits), "call {} today"),
        ("us-ssn", f"{rng.randint(100, 665)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}", "SSN {} on file"),
    ]


def benign() -> list[str]:
    rng = random.Random(5)
    image = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(3000))).decode()
    sha = "".join(rng.choice(HEX) for _ in range(40))
    return [
        "password",
        "Your password has been reset",
        "Please enter your password to continue.",
        "Password: Reset required",
        "The secret to good soup is patience.",
        "Tokens used: 1234 input, 567 output",
        "max_tokens=512 temperature=0.2",
        '{"max_tokens": 512, "token_count": 77, "input_tokens": 10, "model": "gpt-4o-mini"}',
        '{"author": "Ada Lovelace", "session.id": "abc", "tokens": 5}',
        str(uuid.UUID(int=rng.getrandbits(128))),
        f"commit {sha}",
        sha,
        "data:image/png;base64," + image,
        "sk-abc",
        "sk-learn-compatible-estimators",
        "risk-assessment-framework-for-llm-agents",
        "gpt-4o-mini",
        "claude-3-5-sonnet-20241022",
        "text-embedding-3-large",
        "chat gpt-4o",
        "execute_tool search_database",
        "/support-agent/search_database",
        "https://api.openai.com/v1/chat/completions",
        "https://example.com/path?query=1&page=2",
        "user@host is not a URL credential",
        "Use a bearer token in the Authorization header.",
        "Basic information about the account",
        "Bearer authentication is described in RFC 6750.",
        "I think the answer is 42: Asia has the largest population.",
        "The API key rotation policy is documented.",
        "token_type=Bearer expires_in=3600",
        "Set the OPENAI_API_KEY environment variable.",
        "ghp_ tokens start with ghp_ and are 40 chars",
        "eyJ is what base64 JSON starts with",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        "Call 555-0100 for support",
        "Order #12345678 shipped",
        "2024-01-15T10:30:00Z",
        "SG. Pepper is a company",
        "AKIA is the prefix of AWS keys",
        "the key: value pairs are separated by colons",
        "secret_name=prod-db secret_version=3",
        "cookie_policy: strict",
        "author: Jane Doe",
        "credential_type: oauth",
        "next_page_token=abc",
    ]
