"""The anthropic versions this instrumentation supports (read by BaseInstrumentor's dependency check).

Tested: 2.16 (with the client's own spans, switched off while instrumented) and 0.125 (the
last 0.x line: no native spans, the Text Completions API and sampling parameters still there).
"""

_instruments = ("anthropic >= 0.40",)
