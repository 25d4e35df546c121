"""Span names are built and parsed in ``_naming`` alone: what a builder writes, its parser reads back."""

from __future__ import annotations

from actiontrace import _naming as N


def test_builders_write_the_genai_convention_names():
    assert N.tool_span_name("search") == "execute_tool search"
    assert N.agent_span_name("support") == "invoke_agent support"
    assert N.workflow_span_name("pipeline") == "invoke_workflow pipeline"
    assert N.llm_span_name("chat", "gpt-4o") == "chat gpt-4o"
    assert N.llm_span_name("embeddings", None) == "embeddings"
    assert N.entry_span_name("llm_call", "summarise") == "llm_call.summarise"
    assert N.entry_span_name("llm_call", "") == "llm_call"


def test_parsers_read_back_what_the_builders_wrote():
    for subject in ("search", "two words", "execute_tool nested", ""):
        assert N.tool_from_span_name(N.tool_span_name(subject)) == subject
        assert N.agent_from_span_name(N.agent_span_name(subject)) == subject


def test_parsers_leave_other_names_as_they_are():
    assert N.tool_from_span_name("lookup") == "lookup"
    assert N.tool_from_span_name("invoke_agent support") == "invoke_agent support"
    assert N.agent_from_span_name("execute_tool search") == "execute_tool search"
    assert N.agent_from_span_name("invoke_agents") == "invoke_agents"
