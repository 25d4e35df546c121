"""What ``configure()`` checks about its deployment before it builds an exporting branch.

The rule for a bad environment value or path: tracing never stops an application from
starting. Each problem is logged once, as one error naming the variable (or argument) and
what is wrong, and the application runs without that exporter; the other branches still
work. A wrong *type* of ``configure()`` argument is a programming error and raises.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any
from urllib.parse import urlsplit

from .._safety import logger

_reported: set[str] = set()


def off(what: str, problem: str) -> None:
    """Log, once per problem, that ``what`` is off and why."""
    key = f"{what}: {problem}"
    if key in _reported:
        return
    _reported.add(key)
    try:
        logger.error("actiontrace: %s is off: %s; tracing continues without it", what, problem)
    except Exception:
        pass


def jsonl_problem(path: str) -> str | None:
    """Why JSONL files cannot be written under ``path`` now, or None."""
    directory = os.path.abspath(path)
    if not os.path.isdir(os.path.dirname(directory)):
        return f"the parent directory of {directory!r} does not exist"
    try:
        os.makedirs(directory, exist_ok=True)  # the one level the exporter would make too
        # A real write: os.access says yes to root on a read-only file system.
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        return f"cannot write trace files in {directory!r} ({error.strerror or error})"
    return None


def endpoint_problem(endpoint: str, protocol: str) -> str | None:
    """Why ``endpoint`` cannot be an OTLP endpoint for ``protocol``, or None."""
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as error:
        return f"{endpoint!r} is not a URL ({error})"
    if protocol == "grpc" and not parts.scheme:
        return None  # host:port is what gRPC takes
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{endpoint!r} is not an http:// or https:// URL with a host"
    return None


def exporting_processors(provider: Any) -> list[str]:
    """The application's own exporting processors already on ``provider`` (names to warn with)."""
    multi = getattr(provider, "_active_span_processor", None)
    found = []
    for processor in getattr(multi, "_span_processors", ()) or ():
        kind = type(processor).__name__
        if kind.startswith("Redacting"):
            continue  # already behind redaction
        exporter = getattr(processor, "span_exporter", None)
        if exporter is None:
            exporter = getattr(getattr(processor, "_batch_processor", None), "_exporter", None)
        if exporter is not None and not type(exporter).__name__.startswith("Redacting"):
            found.append(f"{kind}({type(exporter).__name__})")
    return found


def warn_unredacted(names: list[str]) -> None:
    logger.warning("actiontrace.configure() joined a TracerProvider that already exports through %s: "
                   "those exporters get spans before redaction, so captured secrets reach them. "
                   "Pass them as configure(span_processors=[...]) or wrap them in "
                   "actiontrace.RedactingSpanProcessor to redact them too.", ", ".join(names))


def warn_calls_before(count: int) -> None:
    logger.warning("actiontrace.configure() ran after %d traced call(s); their spans were dropped "
                   "(nothing records spans before configure()). Call it once at start-up, before "
                   "the first traced call.", count)
