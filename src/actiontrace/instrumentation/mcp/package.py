"""The mcp versions this instrumentation supports (read by BaseInstrumentor's dependency check).

1.x: the client session and the low-level server are wrapped (tested with 1.30.0).
2.x: the SDK traces itself; its spans are renamed and completed, none are added (tested with 2.3.0).
"""

_instruments = ("mcp >= 1.10, < 3",)
