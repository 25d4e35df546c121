"""Which provider (``gen_ai.provider.name``) a model name implies, for ``@llm`` spans that do not
say it with ``provider=``.

A family maps to a provider only where the name is the one that provider's own API uses, so
the guess names the service that answered: ``claude-*`` is ``anthropic``, ``gpt-*``/``o1``/
``o3``/``o4``/``text-embedding-3-*`` is ``openai``, ``gemini-*`` is ``gcp.gemini`` (the Gemini
API; Vertex AI serves the same names), ``mistral-*``/``codestral-*``/``open-mixtral-*`` is
``mistral_ai``, ``command-*`` is ``cohere``, ``grok-*`` is ``x_ai``, ``sonar``/``sonar-*`` is
``perplexity``, ``deepseek-chat``/``deepseek-reasoner`` is ``deepseek``, and a Bedrock model id
(``anthropic.claude-…``, ``us.meta.llama…``) is ``aws.bedrock``. Open-weight families served by
many hosts (Llama, Gemma, Qwen, Phi, Mixtral, gpt-oss, DeepSeek R1/V3), router names with a
``/`` (``openai/gpt-4o``) and local tags with a ``:`` (``llama3:8b``) imply no provider: the
attribute is left out rather than guessed wrong. The values are the GenAI conventions'
well-known ones.
"""

from __future__ import annotations

from .. import _vocabulary as A

_P = A.Provider

# (family, provider): a model is in a family when its name is the family or starts with it and "-".
_FAMILIES: tuple[tuple[str, str], ...] = (
    ("gpt-oss", ""),  # open weights: OpenAI's API does not serve them, many others do
    ("claude", _P.ANTHROPIC.value),
    ("gpt", _P.OPENAI.value),
    ("chatgpt", _P.OPENAI.value),
    ("o1", _P.OPENAI.value),
    ("o3", _P.OPENAI.value),
    ("o4", _P.OPENAI.value),
    ("text-embedding-3", _P.OPENAI.value),
    ("text-embedding-ada", _P.OPENAI.value),
    ("dall-e", _P.OPENAI.value),
    ("whisper", _P.OPENAI.value),
    ("tts-1", _P.OPENAI.value),
    ("omni-moderation", _P.OPENAI.value),
    ("text-moderation", _P.OPENAI.value),
    ("davinci", _P.OPENAI.value),
    ("babbage", _P.OPENAI.value),
    ("codex", _P.OPENAI.value),
    ("computer-use-preview", _P.OPENAI.value),
    ("gemini", _P.GCP_GEMINI.value),
    ("mistral", _P.MISTRAL_AI.value),
    ("open-mistral", _P.MISTRAL_AI.value),
    ("open-mixtral", _P.MISTRAL_AI.value),
    ("open-codestral", _P.MISTRAL_AI.value),
    ("codestral", _P.MISTRAL_AI.value),
    ("ministral", _P.MISTRAL_AI.value),
    ("pixtral", _P.MISTRAL_AI.value),
    ("magistral", _P.MISTRAL_AI.value),
    ("devstral", _P.MISTRAL_AI.value),
    ("voxtral", _P.MISTRAL_AI.value),
    ("command", _P.COHERE.value),
    ("embed-english", _P.COHERE.value),
    ("embed-multilingual", _P.COHERE.value),
    ("rerank", _P.COHERE.value),
    ("c4ai-aya", _P.COHERE.value),
    ("grok", _P.X_AI.value),
    ("sonar", _P.PERPLEXITY.value),
    ("deepseek-chat", _P.DEEPSEEK.value),
    ("deepseek-reasoner", _P.DEEPSEEK.value),
)

# Bedrock model ids: "<vendor>.<model>", optionally behind a cross-region inference profile prefix.
_BEDROCK_VENDORS = frozenset(("anthropic", "amazon", "meta", "cohere", "mistral", "ai21", "deepseek", "writer",
                              "stability", "openai", "qwen", "twelvelabs", "luma"))
_BEDROCK_REGIONS = frozenset(("us", "eu", "apac", "global", "us-gov", "jp", "au", "ca"))

_known: dict[str, str | None] = {}


def provider_for_model(model: str | None) -> str | None:
    """The well-known provider name ``model`` implies, or None when the name does not say."""
    if not model or not isinstance(model, str):
        return None
    try:
        return _known[model]
    except KeyError:
        pass
    found = _infer(model.strip().lower())
    if len(_known) < 1024:  # model names may come from calls: keep the cache bounded
        _known[model] = found
    return found


def _infer(name: str) -> str | None:
    if name.startswith("ft:"):  # a fine-tune, "ft:<base model>:<org>:<suffix>:<id>", is its base's
        name = name[3:].split(":", 1)[0]
    parts = name.split(".")
    if len(parts) > 1 and parts[0] in _BEDROCK_REGIONS:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in _BEDROCK_VENDORS:
        return _P.AWS_BEDROCK.value
    if "/" in name or ":" in name:  # a router's or a local server's name: which API answers is unknown
        return None
    for family, provider in _FAMILIES:
        if name == family or name.startswith(family + "-"):
            return provider or None
    return None
