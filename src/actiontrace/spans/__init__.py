"""Spans from the application's own code: the one span starter, the decorators and the calls they
trace, generator driving, bounded capture of arguments and results, LLM usage recorded from inside a
call, agent totals, and the public ``actiontrace.span()``."""
