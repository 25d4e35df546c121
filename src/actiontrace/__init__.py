"""actiontrace."""
