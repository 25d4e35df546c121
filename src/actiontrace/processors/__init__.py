"""SDK span processors that run on every span: session stamping at start (and, with metrics on,
per-tool counters at end)."""
