"""Vendor credential formats with a distinctive shape: a literal prefix (``gsk_``,
``dop_v1_``, ``hvs.``) or a fixed layout (a Telegram bot token, a Mailchimp key).

Each rule replaces the whole token (or only its ``secret`` group). The needles are
literals (exact, case included) every match contains — or, for a context rule, that the
text around it holds — with at least one prefilter anchor character in them (see
``_prefilter``). The full pass runs a rule here only on a text holding one of its
needles, so the many vendor rules cost nothing on the rest; ``tests/redaction`` checks that
generated secrets of every family pass the prefilter with both engines. A rule with a
``shape`` is also found bare when Hyperscan runs the prefilter: the scan holds the shape, and
the full pass tries the rule wherever its ``hint`` says it may be.
"""

from __future__ import annotations

import string

from ._rules import Rule

_B = r"(?<![A-Za-z0-9_-])"  # token start: not glued to a longer word
_E = r"(?![A-Za-z0-9_-])"
_T = r"[A-Za-z0-9_-]"  # URL-safe base64
# Shapes of the formats found bare only by Hyperscan (no lookarounds: Hyperscan has none).
_TELEGRAM = r"[0-9]{8,10}:AA[A-Za-z0-9_-]{32,33}"
_MAILCHIMP = r"[0-9a-f]{32}-us[0-9]{1,2}"
_DATABRICKS = r"dapi[0-9a-f]{32}(?:-[0-9]+)?"

FORMAT_RULES: tuple[Rule, ...] = (
    # AI vendors
    Rule("groq-key", _B + r"gsk_[A-Za-z0-9]{40,}", ("gsk_",)),
    Rule("xai-key", _B + r"xai-[A-Za-z0-9]{60,}", ("xai-",)),
    Rule("perplexity-key", _B + r"pplx-[A-Za-z0-9]{40,}", ("pplx-",)),
    Rule("langsmith-key", _B + r"lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}", ("lsv2_",)),
    Rule("openrouter-key", _B + r"sk-or-v1-[0-9a-f]{64}", ("sk-",)),
    Rule("langfuse-key", _B + r"sk-lf-[0-9a-f-]{36}", ("sk-",)),
    Rule("replicate-token", _B + r"r8_[A-Za-z0-9]{37}" + _E, ("r8_",)),
    Rule("tavily-key", _B + r"tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}", ("tvly-",)),
    Rule("pinecone-key", _B + r"pcsk_[A-Za-z0-9]{4,10}_[A-Za-z0-9]{40,}", ("pcsk_",)),
    Rule("elevenlabs-key", _B + r"sk_[0-9a-f]{48}" + _E, ("sk_",)),
    Rule("fireworks-key", _B + r"fw_[A-Za-z0-9]{24,}", ("fw_",)),
    Rule("huggingface-org-token", _B + r"api_org_[A-Za-z0-9]{34}", ("api_org_",)),
    Rule("google-oauth-secret", _B + r"GOCSPX-" + _T + r"{28}", ("GOCSPX-",)),
    Rule("google-oauth-token", _B + r"ya29\." + _T + r"{20,}", ("ya29.",)),
    # bare: 30+ token characters after "1//0", so integer division in code ("1//0") is not one
    Rule("google-refresh-token", r"(?<![A-Za-z0-9/])1//0" + _T + r"{30,}", ("1//0",), exact=True),
    # code hosting, registries, developer platforms
    Rule("gitlab-token", _B + r"gl(?:rt|dt|ptt|cbt|soat|oas|imt|ft|agent)-" + _T + r"{20,}",
         ("glrt-", "gldt-", "glptt-", "glcbt-", "glsoat-", "gloas-", "glimt-", "glft-", "glagent-")),
    Rule("pypi-token", _B + r"pypi-AgE" + _T + r"{50,}", ("pypi-",)),
    Rule("rubygems-key", _B + r"rubygems_[0-9a-f]{48}", ("rubygems_",)),
    Rule("dockerhub-token", _B + r"dckr_pat_" + _T + r"{20,}", ("dckr_pat_",)),
    Rule("atlassian-token", _B + r"AT[AC]TT3xFfG[A-Za-z0-9_=-]{60,}", ("TT3xFfG",)),
    Rule("linear-key", _B + r"lin_(?:api|oauth)_[A-Za-z0-9]{40}", ("lin_api_", "lin_oauth_")),
    Rule("notion-token", _B + r"(?:ntn_[A-Za-z0-9]{40,}|secret_[A-Za-z0-9]{43}" + _E + ")", ("ntn_", "secret_")),
    Rule("postman-key", _B + r"PMAK-[0-9a-f]{24}-[0-9a-f]{34}", ("PMAK-",)),
    Rule("pulumi-token", _B + r"pul-[0-9a-f]{40}", ("pul-",)),
    Rule("terraform-token", _B + r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}", (".atlasv1.",)),
    Rule("sentry-token", _B + r"sntry[su]_[A-Za-z0-9_=+/-]{40,}", ("sntrys_", "sntryu_")),
    Rule("newrelic-key", _B + r"NR(?:AK|JS|II)-[A-Z0-9]{19,32}", ("NRAK-", "NRJS-", "NRII-")),
    Rule("grafana-token", _B + r"(?:glc_[A-Za-z0-9+/]{32,}={0,2}|glsa_[A-Za-z0-9]{32}_[0-9a-f]{8})", ("glc_", "glsa_")),
    Rule("flyio-token", _B + r"fo1_" + _T + r"{40,}", ("fo1_",)),
    Rule("heroku-key", _B + r"HRKU-" + _T + r"{40,}", ("HRKU-",)),
    Rule("netlify-token", _B + r"nfp_[A-Za-z0-9]{36}", ("nfp_",)),
    Rule("supabase-token", _B + r"(?:sbp_[0-9a-f]{40}|sb_secret_" + _T + r"{20,})", ("sbp_", "sb_secret_")),
    Rule("planetscale-token", _B + r"pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_=.-]{32,}", ("pscale_",)),
    Rule("doppler-token", _B + r"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,}", ("dp.",)),
    Rule("vault-token", _B + r"hv[sbr]\.[A-Za-z0-9_-]{24,}", ("hvs.", "hvb.", "hvr.")),
    # "dapi" holds no anchor character: in context for the pure engine, by shape in Hyperscan
    Rule("databricks-token", _B + _DATABRICKS + _E,
         ("databricks_", "Databricks_", "DATABRICKS_", "databricks:", "Databricks:", "databricks-"),
         shape=_DATABRICKS, hint=lambda s: "dapi" in s),
    Rule("digitalocean-token", _B + r"do[opr]_v1_[0-9a-f]{64}", ("_v1_",)),
    Rule("shopify-token", _B + r"shp(?:at|ss|ca|pa)_[0-9a-fA-F]{32}", ("shpat_", "shpss_", "shpca_", "shppa_")),
    # cloud
    Rule("azure-sas", r"(?<![A-Za-z0-9])sig=(?P<secret>[A-Za-z0-9%+/]{20,}={0,2})", ("sig=",)),
    Rule("azure-ad-secret", r"(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}", ("Q~",)),
    Rule("alibaba-key-id", r"(?<![A-Za-z0-9])LTAI[A-Za-z0-9]{12,20}(?![A-Za-z0-9])", ("LTAI",)),
    # messaging, payments
    Rule("slack-token", _B + r"(?:xoxe-|xapp-)[0-9]-?[A-Za-z0-9-]{10,}", ("xoxe-", "xapp-")),
    # A bot token has no literal of its own (base64 id . timestamp . hmac): looked for only
    # when the text names Discord, as Twilio SIDs are. As a Hyperscan shape it cost the scan
    # +57% (no literal to start from: docs/redaction.md, "Cost").
    Rule("discord-token", _B + r"[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}" + _E,
         ("discord_", "Discord_", "DISCORD_", "discord:", "Discord:", "discord-", "Discord-", "discord/")),
    Rule("discord-webhook", r"discord(?:app)?\.com/api/webhooks/[0-9]+/[A-Za-z0-9_-]{40,}", ("/webhooks/",)),
    # bare needles "<digit>:AA" would add ten first bytes to the pure engine's trie (+9% of
    # case 6 in callgrind instructions; docs/redaction.md): in context there, by shape in Hyperscan
    Rule("telegram-token", r"(?<![0-9])" + _TELEGRAM + _E,
         ("org/bot", "telegram_", "Telegram_", "TELEGRAM_", "telegram:", "Telegram:", "telegram-", "Telegram-"),
         shape=_TELEGRAM, hint=lambda s: ":AA" in s),
    Rule("mailgun-key", _B + r"key-[0-9a-f]{32}" + _E, ("key-",)),
    # bare needles "<hex>-us" cost the pure engine as Telegram's do (+8%): context or shape
    Rule("mailchimp-key", _B + _MAILCHIMP + _E,
         ("mailchimp_", "Mailchimp_", "MAILCHIMP_", "mailchimp:", "Mailchimp:", "mailchimp-", "mailchimp."),
         shape=_MAILCHIMP, hint=lambda s: "-us" in s),
    Rule("brevo-key", _B + r"xkeysib-[0-9a-f]{64}-[A-Za-z0-9]{16}", ("xkeysib-",)),
    Rule("stripe-key", _B + r"whsec_[A-Za-z0-9]{32,}", ("whsec_",)),
    Rule("square-token", _B + r"sq0(?:atp|csp)-" + _T + r"{22,43}", ("sq0atp-", "sq0csp-")),
    Rule("age-secret-key", r"AGE-SECRET-KEY-1[0-9A-Z]{58}", ("KEY-1",)),
)
