"""``@llm`` spans made without an instrumented client: the provider their model implies (or
``provider=``), and the cost of what ``record_usage`` reports, priced and rolled up."""

from __future__ import annotations

import json
from importlib import resources

import pytest

import actiontrace
from actiontrace.genai._cost import set_prices

PROVIDER = "gen_ai.provider.name"


def _price(model: str) -> dict:
    table = json.loads(resources.files("actiontrace").joinpath("data/prices.json").read_text(encoding="utf-8"))
    return table["models"][model]


def _llm_span(spans):
    (span,) = [s for s in spans.get_finished_spans() if s.attributes.get("actiontrace.span.type") == "llm"]
    return span


@pytest.mark.parametrize("model, provider", [
    ("claude-sonnet-4-5", "anthropic"),
    ("gpt-4o", "openai"),
    ("gemini-2.0-flash", "gcp.gemini"),
    ("mistral-large-latest", "mistral_ai"),
    ("command-r-plus", "cohere"),
])
def test_the_provider_follows_the_model_family(spans, model, provider):
    @actiontrace.llm(model=model)
    def ask():
        return "ok"

    ask()
    assert _llm_span(spans).attributes[PROVIDER] == provider


def test_an_unknown_family_leaves_the_provider_out_and_provider_is_taken_as_given(spans):
    @actiontrace.llm(model="llama-3.1-70b-instruct")
    def local():
        return "ok"

    @actiontrace.llm(model="claude-sonnet-4-5", provider="aws.bedrock")
    def bedrock():
        return "ok"

    local()
    assert PROVIDER not in _llm_span(spans).attributes
    spans.clear()
    bedrock()
    assert _llm_span(spans).attributes[PROVIDER] == "aws.bedrock"


def test_a_model_named_by_the_call_names_the_provider_too(spans):
    @actiontrace.llm
    def ask(prompt, model):
        return prompt

    ask("hi", model="claude-3-5-haiku")
    span = _llm_span(spans)
    assert span.name == "chat claude-3-5-haiku" and span.attributes[PROVIDER] == "anthropic"
    spans.clear()
    ask("hi", model="qwen2.5-72b")
    assert PROVIDER not in _llm_span(spans).attributes


def test_a_response_model_names_the_provider_of_a_span_started_without_one(spans):
    @actiontrace.llm
    def ask():
        actiontrace.record_usage(response_model="gpt-4o-mini-2024-07-18")

    ask()
    assert _llm_span(spans).attributes[PROVIDER] == "openai"


def test_a_bad_provider_is_a_clear_error_at_decoration():
    with pytest.raises(ValueError, match="provider"):
        actiontrace.llm(model="m", provider="")(lambda: None)
    with pytest.raises(ValueError, match="provider"):
        actiontrace.llm(model="m", provider=3)(lambda: None)


def test_reported_tokens_of_a_priced_model_get_a_cost_rolled_up_into_the_agent(spans):
    @actiontrace.llm(model="gpt-4o")
    def ask():
        actiontrace.record_usage(1000, 1000)

    @actiontrace.agent(name="planner")
    def plan():
        ask()
        ask()

    plan()
    price = _price("gpt-4o")
    expected = (1000 * price["input"] + 1000 * price["output"]) / 1_000_000
    by = {s.name: s.attributes for s in spans.get_finished_spans()}
    assert by["chat gpt-4o"]["actiontrace.cost.usd"] == pytest.approx(expected)
    assert by["invoke_agent planner"]["actiontrace.total.cost.usd"] == pytest.approx(2 * expected)


def test_the_response_model_and_cached_tokens_are_priced_and_an_explicit_cost_wins(spans):
    @actiontrace.llm
    def ask(cost=None):
        actiontrace.record_usage(1000, 100, response_model="claude-3-5-haiku-20241022",
                                 cache_read_input_tokens=800, cost_usd=cost)

    ask()
    price = _price("claude-3-5-haiku")
    expected = (200 * price["input"] + 800 * price["cached_input"] + 100 * price["output"]) / 1_000_000
    assert _llm_span(spans).attributes["actiontrace.cost.usd"] == pytest.approx(expected)
    spans.clear()
    ask(0.5)
    assert _llm_span(spans).attributes["actiontrace.cost.usd"] == 0.5


def test_an_unpriced_model_gets_no_cost_until_it_is_priced(spans):
    @actiontrace.llm(model="in-house-model-7")
    def ask():
        actiontrace.record_usage(10, 5)

    @actiontrace.agent(name="a")
    def run():
        ask()

    run()
    by = {s.name: s.attributes for s in spans.get_finished_spans()}
    assert "actiontrace.cost.usd" not in by["chat in-house-model-7"]
    assert "actiontrace.total.cost.usd" not in by["invoke_agent a"]
    spans.clear()
    set_prices({"in-house-model-7": {"input": 1.0, "output": 2.0}})
    try:
        run()
    finally:
        set_prices({}, replace=True)
    by = {s.name: s.attributes for s in spans.get_finished_spans()}
    assert by["chat in-house-model-7"]["actiontrace.cost.usd"] == pytest.approx(20 / 1_000_000)
