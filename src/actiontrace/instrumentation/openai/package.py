"""The openai versions this instrumentation supports (read by BaseInstrumentor's dependency check)."""

_instruments = ("openai >= 1.0",)
