"""The openai-agents versions this instrumentation supports (read by BaseInstrumentor's dependency check)."""

_instruments = ("openai-agents >= 0.2.0",)
