"""What each decorator's span is called and which attributes it starts with.

The names come from ``_naming``: ``execute_tool {name}``, ``invoke_agent {name}``,
``invoke_workflow {name}``, ``{operation} {model}`` for LLM calls; a plain action is
called by its qualified function name.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from opentelemetry.trace import SpanKind

from .. import _vocabulary as A
from .._naming import agent_span_name, llm_span_name, tool_span_name, workflow_span_name
from ..genai._providers import provider_for_model


@dataclass(frozen=True)
class SpanSpec:
    """Everything about a decorated function's span that is fixed at decoration time."""

    name: str
    span_type: str
    kind: SpanKind = SpanKind.INTERNAL
    attributes: Mapping[str, Any] = field(default_factory=dict)
    capture_input: bool | None = None  # None: follow the global switch
    capture_output: bool | None = None
    exclude: frozenset = frozenset()
    # Tools also record arguments/result under the GenAI names.
    genai_tool: bool = False
    # Agents and workflows collect totals of the LLM calls inside them.
    rolls_up: bool = False
    max_iterations: int | None = None
    # LLM spans may take their model from a ``model`` argument of the call.
    model_from_call: bool = False
    # ...and then their provider from that model, when provider= was not given.
    provider_from_model: bool = False
    operation: str = ""


def first_doc_line(fn: Callable) -> str | None:
    doc = inspect.getdoc(fn)
    if not doc:
        return None
    line = doc.strip().splitlines()[0].strip()
    return line or None


def _capture_flags(capture: bool | str | None) -> tuple[bool | None, bool | None]:
    if capture is None:
        return None, None
    if capture is True or capture is False:
        return capture, capture
    if capture == "input":
        return True, False
    if capture == "output":
        return False, True
    raise ValueError(f"capture must be True, False, 'input', 'output' or None, not {capture!r}")


def _common(capture, exclude: Iterable[str] | None) -> dict:
    cin, cout = _capture_flags(capture)
    return {
        "capture_input": cin,
        "capture_output": cout,
        "exclude": frozenset(exclude or ()),
    }


def action_spec(fn, *, name=None, capture=None, exclude=None, attributes=None, span_type="action") -> SpanSpec:
    return SpanSpec(
        name=name or fn.__qualname__,
        span_type=span_type,
        attributes=dict(attributes or {}),
        **_common(capture, exclude),
    )


def tool_spec(fn, *, name=None, description=None, capture=None, exclude=None, attributes=None) -> SpanSpec:
    tool_name = name or fn.__name__
    attrs = {
        A.GEN_AI_OPERATION_NAME: A.Operation.EXECUTE_TOOL.value,
        A.GEN_AI_TOOL_NAME: tool_name,
        A.GEN_AI_TOOL_TYPE: "function",
    }
    desc = description if description is not None else first_doc_line(fn)
    if desc:
        attrs[A.GEN_AI_TOOL_DESCRIPTION] = desc
    attrs.update(attributes or {})
    return SpanSpec(
        name=tool_span_name(tool_name),
        span_type="tool",
        attributes=attrs,
        genai_tool=True,
        **_common(capture, exclude),
    )


def agent_spec(
    fn, *, name=None, id=None, description=None, max_iterations=None, capture=None, exclude=None, attributes=None
) -> SpanSpec:
    agent_name = name or fn.__name__
    attrs = {A.GEN_AI_OPERATION_NAME: A.Operation.INVOKE_AGENT.value, A.GEN_AI_AGENT_NAME: agent_name}
    if id is not None:
        attrs[A.GEN_AI_AGENT_ID] = str(id)
    desc = description if description is not None else first_doc_line(fn)
    if desc:
        attrs[A.GEN_AI_AGENT_DESCRIPTION] = desc
    attrs.update(attributes or {})
    return SpanSpec(
        name=agent_span_name(agent_name),
        span_type="agent",
        attributes=attrs,
        rolls_up=True,
        max_iterations=max_iterations,
        **_common(capture, exclude),
    )


def workflow_spec(fn, *, name=None, capture=None, exclude=None, attributes=None) -> SpanSpec:
    workflow_name = name or fn.__name__
    attrs = {A.GEN_AI_OPERATION_NAME: A.Operation.INVOKE_WORKFLOW.value, A.GEN_AI_WORKFLOW_NAME: workflow_name}
    attrs.update(attributes or {})
    return SpanSpec(
        name=workflow_span_name(workflow_name),
        span_type="workflow",
        attributes=attrs,
        rolls_up=True,
        **_common(capture, exclude),
    )


def llm_spec(
    fn, *, model=None, provider=None, operation="chat", name=None, capture=None, exclude=None, attributes=None
) -> SpanSpec:
    if provider is not None and (not isinstance(provider, str) or not provider.strip()):
        raise ValueError(f"llm(provider=...) must be a non-empty string such as 'openai' or 'anthropic', "
                         f"not {provider!r}")
    attrs = {A.GEN_AI_OPERATION_NAME: operation}
    provider_name = provider or provider_for_model(model)  # None: the model's family does not say
    if provider_name:
        attrs[A.GEN_AI_PROVIDER_NAME] = provider_name
    if model:
        attrs[A.GEN_AI_REQUEST_MODEL] = model
    attrs.update(attributes or {})
    try:
        takes_model = "model" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        takes_model = False
    model_from_call = not model and not name and takes_model
    return SpanSpec(
        name=name or llm_span_name(operation, model),
        span_type="llm",
        kind=SpanKind.CLIENT,
        attributes=attrs,
        model_from_call=model_from_call,
        provider_from_model=model_from_call and provider is None and A.GEN_AI_PROVIDER_NAME not in attrs,
        operation=operation,
        **_common(capture, exclude),
    )
