"""A wide secret corpus: one entry per real-world credential format, each value generated
from a seed (random characters in the format's alphabet and length, never a literal
token), and benign look-alikes that must arrive unchanged.

Each format is ``(family, secret_template, context)``. In a template ``{a:20}`` is 20
alphanumerics, ``{h:32}`` lower hex, ``{u:40}`` URL-safe base64, ``{b:40}`` standard
base64, ``{d:10}`` digits, ``{U:16}`` capitals and digits, ``{l:8}`` lower-case letters.
``context`` is the text the secret travels in (``{}`` marks it); formats that are only
recognisable next to a name (an AWS secret key, a Twilio SID) carry that name there.
"""

from __future__ import annotations

import base64
import hashlib
import random
import re
import string
import uuid

_ALPHABETS = {
    "a": string.ascii_letters + string.digits,
    "h": "0123456789abcdef",
    "u": string.ascii_letters + string.digits + "_-",
    "b": string.ascii_letters + string.digits + "+/",
    "d": string.digits,
    "U": string.ascii_uppercase + string.digits,
    "l": string.ascii_lowercase,
}
_SLOT = re.compile(r"\{([ahubdUl]):(\d+)\}")

BARE = "{}"
FORMATS: tuple[tuple[str, str, str], ...] = (
    # AI vendors: what this package's users hold
    ("openai-project", "sk-proj-{u:156}", BARE),
    ("openai-legacy", "sk-{a:48}", BARE),
    ("openai-service-account", "sk-svcacct-{u:140}", BARE),
    ("openai-admin", "sk-admin-{u:60}", BARE),
    ("anthropic", "sk-ant-api03-{u:93}AA", BARE),
    ("anthropic-admin", "sk-ant-admin01-{u:93}AA", BARE),
    ("groq", "gsk_{a:52}", BARE),
    ("xai", "xai-{a:80}", BARE),
    ("perplexity", "pplx-{a:48}", BARE),
    ("langsmith-personal", "lsv2_pt_{h:32}_{h:10}", BARE),
    ("langsmith-service", "lsv2_sk_{h:32}_{h:10}", BARE),
    ("openrouter", "sk-or-v1-{h:64}", BARE),
    ("huggingface", "hf_{a:34}", BARE),
    ("huggingface-org", "api_org_{a:34}", BARE),
    ("fireworks", "fw_{a:40}", BARE),
    ("replicate", "r8_{a:37}", BARE),
    ("tavily", "tvly-{a:32}", BARE),
    ("langfuse-secret", "sk-lf-{h:8}-{h:4}-{h:4}-{h:4}-{h:12}", BARE),
    ("pinecone", "pcsk_{a:6}_{a:60}", BARE),
    ("deepseek", "sk-{h:32}", BARE),
    ("elevenlabs", "sk_{h:48}", BARE),
    ("google-ai-studio", "AIza{u:35}", BARE),
    ("google-oauth-client-secret", "GOCSPX-{u:28}", BARE),
    ("google-oauth-access-token", "ya29.a0A{u:160}", BARE),
    ("google-oauth-refresh-token", "1//0{u:96}", BARE),
    ("azure-openai-key", "{h:32}", "AZURE_OPENAI_API_KEY={}"),
    # code hosting and package registries
    ("github-classic", "ghp_{a:36}", BARE),
    ("github-oauth", "gho_{a:36}", BARE),
    ("github-app", "ghs_{a:36}", BARE),
    ("github-fine-grained", "github_pat_{a:22}_{a:59}", BARE),
    ("gitlab-personal", "glpat-{u:20}", BARE),
    ("gitlab-runner", "glrt-{u:20}", BARE),
    ("gitlab-deploy", "gldt-{u:20}", BARE),
    ("npm", "npm_{a:36}", BARE),
    ("pypi", "pypi-AgEIcHlwaS5vcmc{u:70}", BARE),
    ("rubygems", "rubygems_{h:48}", BARE),
    ("dockerhub", "dckr_pat_{u:27}", BARE),
    ("atlassian", "ATATT3xFfGF0{u:150}={h:8}", BARE),
    ("linear", "lin_api_{a:40}", BARE),
    ("notion", "ntn_{d:11}{a:35}", BARE),
    ("postman", "PMAK-{h:24}-{h:34}", BARE),
    ("pulumi", "pul-{h:40}", BARE),
    ("terraform-cloud", "{a:14}.atlasv1.{u:67}", BARE),
    ("sentry-org", "sntrys_eyJ{u:120}", BARE),
    ("sentry-user", "sntryu_{h:64}", BARE),
    ("newrelic", "NRAK-{U:27}", BARE),
    ("grafana-cloud", "glc_eyJ{b:80}", BARE),
    ("grafana-service-account", "glsa_{a:32}_{h:8}", BARE),
    ("flyio", "fo1_{u:43}", BARE),
    ("heroku", "HRKU-AA{u:58}", BARE),
    ("netlify", "nfp_{a:36}", BARE),
    ("supabase", "sbp_{h:40}", BARE),
    ("planetscale", "pscale_tkn_{u:43}", BARE),
    ("doppler", "dp.pt.{a:43}", BARE),
    ("vault-service", "hvs.CAESI{u:86}", BARE),
    ("vault-batch", "hvb.AAAAAQ{u:130}", BARE),
    ("databricks", "dapi{h:32}", BARE),
    ("digitalocean-pat", "dop_v1_{h:64}", BARE),
    ("digitalocean-oauth", "doo_v1_{h:64}", BARE),
    ("shopify-access", "shpat_{h:32}", BARE),
    ("shopify-shared-secret", "shpss_{h:32}", BARE),
    # cloud
    ("aws-access-key-id", "AKIA{U:16}", BARE),
    ("aws-session-key-id", "ASIA{U:16}", BARE),
    ("aws-secret-key", "{b:40}", "aws_secret_access_key = {}"),
    ("azure-storage", "{b:86}==", "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={};EndpointSuffix=core.windows.net"),
    ("azure-sas", "{a:30}%2B{a:10}%3D", "https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&se=2026-01-01&sp=r&sig={}"),
    ("azure-ad-client-secret", "{a:3}8Q~{u:34}", BARE),
    ("alibaba", "LTAI{a:20}", BARE),
    # messaging and payments
    ("slack-bot", "xoxb-{d:12}-{d:13}-{a:24}", BARE),
    ("slack-user", "xoxp-{d:12}-{d:13}-{d:13}-{h:32}", BARE),
    ("slack-app", "xapp-1-A{U:10}-{d:13}-{h:64}", BARE),
    ("slack-webhook", "https://hooks.slack.com/services/T{U:8}/B{U:8}/{a:24}", BARE),
    ("discord-bot", "MT{a:24}.G{u:5}.{u:38}", BARE),
    ("discord-webhook", "https://discord.com/api/webhooks/{d:18}/{u:68}", BARE),
    ("telegram-bot", "{d:10}:AA{u:33}", BARE),
    ("twilio-api-key", "SK{h:32}", "TWILIO_API_KEY_SID={}"),
    ("sendgrid", "SG.{u:22}.{u:43}", BARE),
    ("mailgun", "key-{h:32}", BARE),
    ("mailchimp", "{h:32}-us{d:2}", BARE),
    ("brevo", "xkeysib-{h:64}-{a:16}", BARE),
    ("stripe-live", "sk_live_{a:99}", BARE),
    ("stripe-restricted", "rk_live_{a:99}", BARE),
    ("stripe-webhook", "whsec_{a:32}", BARE),
    ("square", "sq0atp-{u:22}", BARE),
    ("datadog-app-key", "{h:40}", "DD_APP_KEY={}"),
    ("age", "AGE-SECRET-KEY-1{U:58}", BARE),
    # generic shapes and contexts
    ("jwt", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ{u:60}.{u:43}", BARE),
    ("bearer-header", "{u:40}", "Authorization: Bearer {}"),
    ("bearer-comma", "AbCd{a:8},{a:20}", "Authorization: Bearer {}"),
    ("basic-auth", "{b:32}", "Authorization: Basic {}"),
    ("postgres-url", "{a:18}", "postgres://admin:{}@db.internal:5432/app"),
    ("redis-empty-user", "{a:18}", "redis://:{}@cache.internal:6379/0"),
    ("url-password-slash", "{a:9}/{a:9}", "mysql://app:{}@db.internal/app"),
    ("url-password-at", "{a:9}@{a:9}", "amqp://app:{}@mq.internal:5672/"),
    ("kv-password-words", "correct Horse{d:1} Battery{d:1} staple{a:6}", "password={}"),
    ("kv-client-secret", "{a:32}", 'client_secret: "{}"'),
    ("x-api-key-header", "{a:32}", "x-api-key: {}"),
)


def _fill(rng: random.Random, template: str) -> str:
    def slot(m: re.Match) -> str:
        alphabet, n = _ALPHABETS[m.group(1)], int(m.group(2))
        while True:
            s = "".join(rng.choice(alphabet) for _ in range(n))
            # random values that happen to spell only letters look like words: avoid
            if m.group(1) not in "ab" or n < 12 or any(c.isdigit() for c in s):
                return s

    return _SLOT.sub(slot, template)


def pem(rng: random.Random, kind: str) -> str:
    body = "\n".join(_fill(rng, "{b:64}") for _ in range(8))
    return f"-----BEGIN {kind}PRIVATE KEY-----\n{body}\n-----END {kind}PRIVATE KEY-----"


def wide_secrets(seed: int = 20261202) -> list[tuple[str, str, str]]:
    """``(family, secret, context)``: the secret and the text it arrives in."""
    rng = random.Random(seed)
    out = []
    for family, template, context in FORMATS:
        secret = _fill(rng, template)
        out.append((family, secret, context.format(secret)))
    for kind in ("RSA ", "OPENSSH ", "EC ", ""):
        key = pem(rng, kind)
        out.append((f"pem-{kind.strip().lower() or 'pkcs8'}", key, key))
    return out


def wide_benign(seed: int = 7) -> list[str]:
    """Text that looks like secrets to a careless rule and must arrive intact."""
    rng = random.Random(seed)
    hexs = lambda n: "".join(rng.choice("0123456789abcdef") for _ in range(n))  # noqa: E731
    return [
        str(uuid.UUID(int=rng.getrandbits(128))),
        f"commit {hexs(40)}",
        f"trace_id={hexs(32)} span_id={hexs(16)}",
        "sha256:" + hashlib.sha256(str(rng.random()).encode()).hexdigest(),
        "gpt-4o-mini-2024-07-18",
        "claude-3-5-sonnet-20241022",
        "meta-llama/Llama-3.1-8B-Instruct",
        'password = os.environ["DB_PASSWORD"]',
        "api_key = os.getenv('OPENAI_API_KEY')",
        "token = get_token(user)",
        "client = OpenAI(api_key=settings.OPENAI_API_KEY)",
        "secret = config.secret_value",
        "We sent you a password reset link; the password must be 12 characters.",
        "Password: Reset required",
        "prompt_tokens=1234 completion_tokens=567 total_tokens=1801",
        '{"usage": {"input_tokens": 10, "output_tokens": 5}, "max_tokens": 512}',
        "Bearer authentication is described in RFC 6750.",
        "use a key-value store such as Redis",
        "the monkey-patched sk-learn estimator",
        "https://example.com/search?q=redis%20cluster&page=2",
        "data:image/png;base64," + base64.b64encode(bytes(rng.getrandbits(8) for _ in range(300))).decode(),
        "2026-12-02T13:30:00Z order #12345678 shipped",
        "postgres://db.internal:5432/app",
        "The gsk prefix and the hvs. prefix name Groq and Vault tokens.",
        # near misses of the Google refresh token, Telegram and Mailchimp rules
        "assert raises(ZeroDivisionError, lambda: 1//0) and 10//3 == 3",
        "ticket 12345678:AA-short, see 9:00-17:00",
        hexs(32) + "-users and the re-use of a one-user plan",
        "the dapi" + hexs(16) + " build and dapi_version=2",
    ]


# The rule expected to catch each family; a family missing here has no rule (see
# ``KNOWN_LIMITS``).
RULE_OF: dict[str, str] = {
    **dict.fromkeys(("openai-project", "openai-legacy", "openai-service-account", "openai-admin", "deepseek"),
                    "openai-key"),
    **dict.fromkeys(("anthropic", "anthropic-admin"), "anthropic-key"),
    "groq": "groq-key", "xai": "xai-key", "perplexity": "perplexity-key",
    "langsmith-personal": "langsmith-key", "langsmith-service": "langsmith-key",
    "openrouter": "openrouter-key", "huggingface": "huggingface-token",
    "huggingface-org": "huggingface-org-token", "fireworks": "fireworks-key", "replicate": "replicate-token",
    "tavily": "tavily-key", "langfuse-secret": "langfuse-key", "pinecone": "pinecone-key",
    "elevenlabs": "elevenlabs-key", "google-ai-studio": "google-api-key",
    "google-oauth-client-secret": "google-oauth-secret", "google-oauth-access-token": "google-oauth-token",
    "google-oauth-refresh-token": "google-refresh-token", "azure-openai-key": "kv-api-key",
    **dict.fromkeys(("github-classic", "github-oauth", "github-app", "github-fine-grained"), "github-token"),
    **dict.fromkeys(("gitlab-personal", "gitlab-runner", "gitlab-deploy"), "gitlab-token"),
    "npm": "npm-token", "pypi": "pypi-token", "rubygems": "rubygems-key", "dockerhub": "dockerhub-token",
    "atlassian": "atlassian-token", "linear": "linear-key", "notion": "notion-token", "postman": "postman-key",
    "pulumi": "pulumi-token", "terraform-cloud": "terraform-token",
    "sentry-org": "sentry-token", "sentry-user": "sentry-token", "newrelic": "newrelic-key",
    "grafana-cloud": "grafana-token", "grafana-service-account": "grafana-token", "flyio": "flyio-token",
    "heroku": "heroku-key", "netlify": "netlify-token", "supabase": "supabase-token",
    "planetscale": "planetscale-token", "doppler": "doppler-token",
    "vault-service": "vault-token", "vault-batch": "vault-token",
    "digitalocean-pat": "digitalocean-token", "digitalocean-oauth": "digitalocean-token",
    "shopify-access": "shopify-token", "shopify-shared-secret": "shopify-token",
    "aws-access-key-id": "aws-access-key-id", "aws-session-key-id": "aws-access-key-id",
    "aws-secret-key": "aws-secret-key", "azure-storage": "azure-storage-key", "azure-sas": "azure-sas",
    "azure-ad-client-secret": "azure-ad-secret", "alibaba": "alibaba-key-id",
    **dict.fromkeys(("slack-bot", "slack-user", "slack-app"), "slack-token"), "slack-webhook": "slack-webhook",
    "discord-bot": "discord-token", "discord-webhook": "discord-webhook", "telegram-bot": "telegram-token",
    "twilio-api-key": "twilio-key", "sendgrid": "sendgrid-key", "mailgun": "mailgun-key",
    "mailchimp": "mailchimp-key", "brevo": "brevo-key", "databricks": "databricks-token",
    **dict.fromkeys(("stripe-live", "stripe-restricted", "stripe-webhook"), "stripe-key"),
    "square": "square-token", "datadog-app-key": "kv-app-key", "age": "age-secret-key", "jwt": "jwt",
    **dict.fromkeys(("bearer-header", "bearer-comma", "basic-auth"), "bearer-auth"),
    **dict.fromkeys(("postgres-url", "redis-empty-user", "url-password-slash", "url-password-at"),
                    "url-credentials"),
    "kv-password-words": "kv-password", "kv-client-secret": "kv-secret", "x-api-key-header": "kv-api-key",
    **dict.fromkeys(("pem-rsa", "pem-openssh", "pem-ec", "pem-pkcs8"), "pem-private-key"),
}
# Formats with no literal the pure prefilter can anchor on cheaply: found only in a key or
# header context (``DATABRICKS_TOKEN=…``, ``Authorization: Bot …``) or next to their
# vendor's name (``TELEGRAM_…``, ``api.telegram.org/bot…``); documented in docs/redaction.md.
# Hyperscan finds three of them bare by shape; a Discord bot token has no shape it can afford.
KNOWN_LIMITS = {"re": frozenset({"databricks", "discord-bot", "telegram-bot", "mailchimp"}),
                "hyperscan": frozenset({"discord-bot"})}


def rule_cases(seed: int = 31) -> list[tuple[str, str, str]]:
    """``(rule_id, secret, text)`` for every family that has a rule, for the rule tests."""
    templates = {family: template for family, template, _ in FORMATS}
    out = []
    for family, secret, context in wide_secrets(seed):
        if family in RULE_OF:
            # the secret material starts at the first random character: a fixed prefix
            # ("rubygems_", "https://hooks.slack.com/") is format, and may stay
            fixed = _SLOT.search(templates.get(family, "{a:1}")).start()
            if family in KNOWN_LIMITS["re"]:  # the pure engine finds these only in context
                context = f"{family.split('-')[0].upper()}_BOT={secret}"
            out.append((RULE_OF[family], secret[fixed:] if fixed >= 8 else secret, context))
    return out
