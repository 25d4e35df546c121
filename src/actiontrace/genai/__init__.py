"""The provider-neutral LLM call: one CLIENT span per client call, from start to its single end.

How a provider plugs in (``instrumentation/openai/`` is the worked example):

- It subclasses ``_call.Provider``: ``name(client)`` (``gen_ai.provider.name``), ``server(client)``
  (``_call.server_of`` parses a base URL), optional ``start_attributes(client, kwargs)`` and
  ``error_type(exc)``, ``result_types`` (a ``_streams.ResultTypes``: which returned classes are
  streams and raw responses) and ``label`` for log messages.
- Per API it supplies an operation (``_call.Operation``): ``operation_name``,
  ``request_attributes(kwargs, capture)``, ``response_outcome(response, capture)`` returning an
  ``_outcome.Outcome`` (attributes, ``_tokens.Usage`` mapped from its usage shape, response
  model), and ``stream_accumulator`` (a ``_streams.StreamAccumulator``). Content goes through
  the conventions' builders in ``_messages``.
- At ``instrument()`` it calls ``provider.enable(tracer=..., capture=..., metrics=...)`` (its own
  tracer scope ``actiontrace.instrumentation.<name>``, the capture switch from
  ``_call.capture_switch``, a ``_metrics.Recorder``) and wraps the client's methods with
  ``_wrappers.sync_wrapper(provider, operation)`` / ``async_wrapper``; ``uninstrument()`` calls
  ``provider.disable()``.

The core then does the rest: starts the span through ``spans._starter.begin``, makes it current
while the method runs (nested instrumented calls and HTTP client spans stand down), hands back
the result or a transparent stream proxy, and ends the span exactly once with usage attributes,
cost (``_cost``), the enclosing agent's totals, ``error.type``, time to first chunk and metrics.
"""
