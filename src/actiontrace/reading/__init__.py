"""Reading local JSONL traces back: the OTLP/JSON decoder, the streaming reader and the query
engine behind ``actiontrace.query`` and the CLI."""
