"""Auto-instrumentation of third-party clients (one subpackage per library)."""
