"""Trace context in a request's ``params._meta``: injected by the client, extracted by the server.

The conventions carry W3C ``traceparent``/``tracestate`` (and ``baggage``) in ``params._meta``,
so the server span is a child of the client span whatever the transport. The application's
request is never changed: a copy carries the added keys, and a key the application already
set in ``_meta`` is left as it was.
"""

from __future__ import annotations

import typing
from typing import Any

from opentelemetry import propagate
from opentelemetry import trace
from opentelemetry.context import Context

from ._fields import meta_carrier

# Per request class, the params model to build when a request is sent without params.
_params_classes: dict[type, Any] = {}


def _params_class(request_cls: type) -> Any:
    """The params model of a request whose ``params`` is optional and absent (``tools/list``)."""
    if request_cls in _params_classes:
        return _params_classes[request_cls]
    found = None
    field = getattr(request_cls, "model_fields", {}).get("params")
    annotation = getattr(field, "annotation", None)
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and hasattr(candidate, "model_fields") and "meta" in candidate.model_fields:
            found = candidate
            break
    _params_classes[request_cls] = found
    return found


_meta_classes: dict[type, Any] = {}


def _meta_class(params: Any) -> Any:
    cls = type(params)
    if cls not in _meta_classes:
        found = None
        annotation = getattr(cls.model_fields.get("meta"), "annotation", None)
        for candidate in (annotation, *typing.get_args(annotation)):
            if isinstance(candidate, type) and hasattr(candidate, "model_validate"):
                found = candidate
                break
        _meta_classes[cls] = found
    return _meta_classes[cls]


def with_context(request: Any, context: Context | None = None) -> Any:
    """A copy of ``request`` (a ``ClientRequest`` root model) whose ``params._meta`` carries the
    current trace context, or ``request`` itself when there is nothing to add."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=context)
    if not carrier:
        return request
    root = request.root
    params = root.params
    if params is None:
        params_cls = _params_class(type(root))
        if params_cls is None:
            return request
        params = params_cls()
    meta = params.meta
    if meta is None:
        meta_cls = _meta_class(params)
        if meta_cls is None:
            return request
        meta = meta_cls.model_validate(carrier)
    else:
        present = set(type(meta).model_fields) | set(meta.model_extra or ())
        added = {k: v for k, v in carrier.items() if k not in present}
        if not added:
            return request
        meta = meta.model_copy(update=added)
    root = root.model_copy(update={"params": params.model_copy(update={"meta": meta})})
    return request.model_copy(update={"root": root})


def extract(meta: Any) -> Context | None:
    """The remote parent context in ``params._meta``; None when it carries no valid trace context
    (the server span then has the ambient context as parent)."""
    carrier = meta_carrier(meta)
    if "traceparent" not in carrier:
        return None
    ctx = propagate.extract(carrier)
    return ctx if trace.get_current_span(ctx).get_span_context().is_valid else None
