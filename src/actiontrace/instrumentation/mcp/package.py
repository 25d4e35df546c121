"""The mcp versions this instrumentation supports (read by BaseInstrumentor's dependency check).

mcp 2.x traces itself (its own client and server spans, with ``params._meta`` propagation), and
its API moved (``MCPServer``, a dispatcher in place of ``BaseSession``): it is not instrumented,
so a 2.x application has exactly the SDK's span pair. See docs/mcp.md.
"""

_instruments = ("mcp >= 1.10, < 2",)
