"""The provider a model name implies (``@llm`` spans without ``provider=``)."""

from __future__ import annotations

import pytest

from actiontrace import _vocabulary as A
from actiontrace.genai._providers import provider_for_model

WELL_KNOWN = {p.value for p in A.Provider}


@pytest.mark.parametrize("model, provider", [
    ("claude-sonnet-4-5", "anthropic"), ("claude-3-5-haiku-20241022", "anthropic"), ("Claude-3-Opus", "anthropic"),
    ("gpt-4o", "openai"), ("gpt-4o-mini-2024-07-18", "openai"), ("gpt-5", "openai"), ("chatgpt-4o-latest", "openai"),
    ("o1", "openai"), ("o3-mini", "openai"), ("o4-mini", "openai"), ("text-embedding-3-small", "openai"),
    ("text-embedding-ada-002", "openai"), ("dall-e-3", "openai"), ("whisper-1", "openai"), ("tts-1-hd", "openai"),
    ("ft:gpt-4o-mini-2024-07-18:acme:support:abc123", "openai"),
    ("gemini-2.0-flash", "gcp.gemini"), ("gemini-1.5-pro-002", "gcp.gemini"),
    ("mistral-large-latest", "mistral_ai"), ("codestral-latest", "mistral_ai"), ("open-mixtral-8x22b", "mistral_ai"),
    ("ministral-8b-latest", "mistral_ai"), ("pixtral-large-latest", "mistral_ai"),
    ("command-r-plus", "cohere"), ("command-a-03-2025", "cohere"), ("embed-english-v3.0", "cohere"),
    ("grok-3-mini", "x_ai"), ("sonar-pro", "perplexity"), ("sonar", "perplexity"),
    ("deepseek-chat", "deepseek"), ("deepseek-reasoner", "deepseek"),
    ("anthropic.claude-3-5-sonnet-20240620-v1:0", "aws.bedrock"), ("us.anthropic.claude-sonnet-4-20250514-v1:0",
                                                                   "aws.bedrock"),
    ("meta.llama3-70b-instruct-v1:0", "aws.bedrock"), ("amazon.nova-pro-v1:0", "aws.bedrock"),
])
def test_families_of_providers_own_apis(model, provider):
    assert provider_for_model(model) == provider
    assert provider in WELL_KNOWN


@pytest.mark.parametrize("model", [
    # open weights, served by many hosts
    "llama-3.1-70b-instruct", "Llama-4-Maverick-17B-128E-Instruct-FP8", "gemma-2-9b-it", "qwen2.5-72b-instruct",
    "phi-4", "mixtral-8x7b-32768", "gpt-oss-120b", "deepseek-r1-distill-llama-70b",
    # routers and hubs, local tags
    "openai/gpt-4o", "anthropic/claude-3.5-sonnet", "mistralai/Mistral-7B-Instruct-v0.3", "llama3:8b", "mistral:7b",
    # not a family at all
    "gpt4all-j", "claudette", "my-model", "", None,
])
def test_names_that_do_not_say_which_api_answered(model):
    assert provider_for_model(model) is None
