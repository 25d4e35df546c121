"""Seed metadata flattened into span attributes: bounded, with the vocabulary's truncation marker."""

from __future__ import annotations

from actiontrace._vocabulary import truncation_marker
from actiontrace.compat._flatten import MAX_KEYS, flatten


def test_nested_mappings_become_dotted_attributes():
    assert flatten("p.", {"parameters": {"a": 12, "tags": ["x", "y"]}, "none": None}) == {
        "p.parameters.a": 12, "p.parameters.tags": ["x", "y"]}


def test_past_the_key_budget_the_marker_names_the_mapping_that_was_cut():
    flat = flatten("p.", {f"k{i}": i for i in range(MAX_KEYS + 36)})
    assert len(flat) == MAX_KEYS + 1
    assert flat["p.…"] == truncation_marker(MAX_KEYS + 36, "items")
    assert [flat[f"p.k{i}"] for i in range(MAX_KEYS)] == list(range(MAX_KEYS))

    nested = flatten("p.", {"first": 1, "inner": {f"k{i}": i for i in range(MAX_KEYS + 6)}, "last": 2})
    assert len(nested) == MAX_KEYS + 1 and "p.last" not in nested
    assert nested["p.…"] == truncation_marker(MAX_KEYS + 6, "items")
