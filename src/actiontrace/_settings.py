"""Every option actiontrace reads from the environment, declared once.

Each :class:`Setting` names its variable, its parser (which is its type), its default and
one line of doc; :data:`TABLE` lists them all. ``configure()`` puts its arguments through
the same parsers, so ``"false"`` means false whether it comes from
``ACTIONTRACE_CAPTURE_CONTENT`` or ``capture_content=``.

What differs is who hears about a bad value. An argument is a programming error: a wrong
type raises ``TypeError`` and a bad value ``ValueError``, naming the argument. An
environment value is deployment configuration, and a typo there must not stop an
application from starting: it is logged once, naming the variable, and the default is
used. A ``strict`` setting raises instead, as it always has.

This module imports only the standard library, so reading a setting costs no SDK import;
settings are read when their user needs them, not at ``import actiontrace``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable

from ._safety import log_once

Parser = Callable[[Any, str], Any]

# --- parsers: one per type; each takes the raw value and the name to blame ---------

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", "none"})


def _wrong_type(name: str, expected: str, value: Any) -> TypeError:
    return TypeError(f"{name} must be {expected}, not {type(value).__name__}")


def parse_bool(value: Any, name: str) -> bool:
    """A bool, or a word: 1/true/yes/on or 0/false/no/off/none (any case, spaces ignored)."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise _wrong_type(name, "a bool", value)
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false (1/true/yes/on or 0/false/no/off/none), not {value!r}")


def parse_int(value: Any, name: str) -> int:
    """An int, or its decimal digits."""
    if isinstance(value, bool):  # True is an int to Python, not to a reader of the call
        raise _wrong_type(name, "an int", value)
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        raise _wrong_type(name, "an int", value)
    try:
        return int(value.strip())
    except ValueError:
        raise ValueError(f"{name} must be an integer, not {value!r}") from None


def parse_non_negative_int(value: Any, name: str) -> int:
    number = parse_int(value, name)
    if number < 0:
        raise ValueError(f"{name} must be 0 or more, not {number}")
    return number


def parse_positive_int(value: Any, name: str) -> int:
    number = parse_int(value, name)
    if number <= 0:
        raise ValueError(f"{name} must be 1 or more, not {number}")
    return number


def parse_str(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise _wrong_type(name, "a str", value)
    return value


def parse_path(value: Any, name: str) -> str:
    """A ``str`` or ``os.PathLike`` naming a file or directory."""
    path = os.fspath(value) if isinstance(value, os.PathLike) else value
    if not isinstance(path, str):
        raise _wrong_type(name, "a str or os.PathLike", value)
    return path


def _either(options: Iterable[str]) -> str:
    quoted = [repr(o) for o in options]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def choice(*options: str) -> Parser:
    """A parser for one of ``options`` (any case, spaces ignored), returned in lower case."""

    def parse_choice(value: Any, name: str) -> str:
        if not isinstance(value, str):
            raise _wrong_type(name, "a str", value)
        word = value.strip().lower()
        if word not in options:
            raise ValueError(f"{name} must be {_either(options)}, not {value!r}")
        return word

    return parse_choice


class ContentMode(str, Enum):
    """Where LLM message content goes, as the OTel GenAI variable names it (``True`` is
    ``SPAN_ONLY``, ``False`` is ``NO_CONTENT``)."""

    NO_CONTENT = "NO_CONTENT"
    SPAN_ONLY = "SPAN_ONLY"
    EVENT_ONLY = "EVENT_ONLY"
    SPAN_AND_EVENT = "SPAN_AND_EVENT"

    @property
    def on_span(self) -> bool:
        return self is ContentMode.SPAN_ONLY or self is ContentMode.SPAN_AND_EVENT

    @property
    def in_event(self) -> bool:
        return self is ContentMode.EVENT_ONLY or self is ContentMode.SPAN_AND_EVENT


def parse_capture_mode(value: Any, name: str) -> ContentMode:
    """A :class:`ContentMode`, its name (any case), or a bool (word): true is SPAN_ONLY, false NO_CONTENT."""
    if isinstance(value, ContentMode):
        return value
    if isinstance(value, str) and value.strip().upper() in ContentMode.__members__:
        return ContentMode[value.strip().upper()]
    try:
        return ContentMode.SPAN_ONLY if parse_bool(value, name) else ContentMode.NO_CONTENT
    except ValueError:
        modes = ", ".join(ContentMode.__members__)
        raise ValueError(f"{name} must be true, false or one of {modes}, not {value!r}") from None
    except TypeError:
        raise _wrong_type(name, "a bool, a ContentMode or its name", value) from None


def parse_content_mode(value: Any, name: str) -> bool:
    """The OTel GenAI capture variable: a bool word, or a mode naming where content goes;
    True when the mode puts it on the span."""
    return parse_capture_mode(value, name).on_span


def parse_opt_in(value: Any, name: str) -> frozenset[str]:
    """A comma-separated list of opt-in words (``OTEL_SEMCONV_STABILITY_OPT_IN``), lower case."""
    return frozenset(w.strip().lower() for w in parse_str(value, name).split(",") if w.strip())


def parse_names(value: Any, name: str) -> list[str]:
    """A list (any iterable but a string) of str."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise _wrong_type(name, "a list of str", value)
    names = list(value)
    for item in names:
        if not isinstance(item, str):
            raise TypeError(f"{name} must be a list of str, but holds a {type(item).__name__}")
    return names


def parse_str_mapping(value: Any, name: str) -> dict[str, Any]:
    """A mapping with str keys (resource attributes)."""
    if not isinstance(value, Mapping):
        raise _wrong_type(name, "a mapping", value)
    for key in value:
        if not isinstance(key, str):
            raise TypeError(f"{name} keys must be str, not {type(key).__name__}")
    return dict(value)


def instance_of(cls: type, what: str) -> Parser:
    """A parser for an instance of ``cls`` (passed in, so this module imports no SDK)."""

    def parse_instance(value: Any, name: str) -> Any:
        if not isinstance(value, cls):
            raise _wrong_type(name, what, value)
        return value

    return parse_instance


def sequence_of(cls: type, what: str) -> Parser:
    """A parser for a list (any iterable but a string) of ``cls`` instances."""

    def parse_sequence(value: Any, name: str) -> list:
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise _wrong_type(name, f"a list of {what}", value)
        items = list(value)
        for item in items:
            if not isinstance(item, cls):
                raise TypeError(f"{name} must hold only {what}, not {type(item).__name__}")
        return items

    return parse_sequence


# --- the table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    env: str
    parse: Parser
    default: Any
    doc: str
    fallback: Setting | None = None  # read when this variable is unset
    strict: bool = False  # a bad environment value raises instead of falling back

    def is_set(self) -> bool:
        return bool(os.environ.get(self.env, "").strip())

    def raw_reader(self) -> Callable[[], Any]:
        """A function answering the variable's stored value (None when unset), for a caller on
        every LLM call: compare what it returns, don't parse it (see ``_stored_value``)."""
        return _stored_value(self.env)

    def raw(self) -> str | None:
        """The variable's text as it is, unparsed: for a caller that re-parses only on a change."""
        return os.environ.get(self.env)

    def read(self) -> Any:
        """The parsed environment value; unset or empty gives the fallback's, else the default."""
        raw = os.environ.get(self.env, "").strip()
        if not raw:
            if self.fallback is not None and self.fallback.is_set():
                value = self.fallback.read()
                if value is not None:
                    return value
            return self.default
        try:
            return self.parse(raw, self.env)
        except (TypeError, ValueError) as error:
            if self.strict:
                raise
            # Keyed by the value too: a corrected-then-broken variable is reported again.
            log_once(f"setting {self.env}={raw}", "actiontrace: %s; using the default %r",
                     error, self.default, exc_info=False)
            return self.default

    def set_default(self, raw: str) -> None:
        """Give the variable ``raw`` unless it is set (for code that other code reads it for)."""
        os.environ.setdefault(self.env, raw)

    def resolve(self, argument: Any, name: str) -> Any:
        """``argument`` parsed (raising, naming ``name``), or the environment's when it is None."""
        return self.read() if argument is None else self.parse(argument, name)


# JSONL files
JSONL = Setting("ACTIONTRACE_JSONL", parse_bool, True, "write JSONL trace files (off: none)")
JSONL_PATH = Setting("ACTIONTRACE_JSONL_PATH", parse_path, "traces", "directory for the JSONL trace files")
BSP_MAX_QUEUE_SIZE = Setting("OTEL_BSP_MAX_QUEUE_SIZE", parse_positive_int, None,
                             "the SDK's batch queue size; also the JSONL queue's unless set apart")
JSONL_QUEUE_SIZE = Setting("ACTIONTRACE_JSONL_QUEUE_SIZE", parse_positive_int, 8192,
                           "spans the JSONL batch queue holds before it drops", fallback=BSP_MAX_QUEUE_SIZE)
# Short, so `actiontrace tail` shows a span about half a second after it ends (the SDK's 5 s
# lagged 3-5 s); the SDK's own delay variable still governs the OTLP branch.
JSONL_DELAY_MS = Setting("ACTIONTRACE_JSONL_DELAY_MS", parse_positive_int, 500,
                         "milliseconds the JSONL batch waits before it writes its spans")
ATTRIBUTE_VALUE_LENGTH_LIMIT = Setting("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", parse_non_negative_int, None,
                                       "JSONL files cut longer string values (0: no limit; unset: 65536)")

# Captured content
CAPTURE_CONTENT = Setting("ACTIONTRACE_CAPTURE_CONTENT", parse_bool, True,
                          "record arguments, results and LLM messages")
CAPTURE_MAX_BYTES = Setting("ACTIONTRACE_CAPTURE_MAX_BYTES", parse_non_negative_int, 8192,
                            "bytes of JSON per captured value")
CAPTURE_MAX_STRING = Setting("ACTIONTRACE_CAPTURE_MAX_STRING", parse_non_negative_int, 2048,
                             "characters kept of each captured string")
CAPTURE_MAX_ITEMS = Setting("ACTIONTRACE_CAPTURE_MAX_ITEMS", parse_non_negative_int, 50,
                            "entries kept of each captured container")
CAPTURE_MAX_DEPTH = Setting("ACTIONTRACE_CAPTURE_MAX_DEPTH", parse_non_negative_int, 6,
                            "nesting levels kept of a captured value")
GENAI_CAPTURE_MESSAGE_CONTENT = Setting(
    "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", parse_capture_mode, ContentMode.NO_CONTENT,
    "where LLM messages go: NO_CONTENT, SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT (true: SPAN_ONLY)")
GENAI_EMIT_EVENT = Setting("OTEL_INSTRUMENTATION_GENAI_EMIT_EVENT", parse_bool, None,
                           "emit gen_ai.client.inference.operation.details events (unset: when the mode puts content in events)")
SEMCONV_STABILITY_OPT_IN = Setting("OTEL_SEMCONV_STABILITY_OPT_IN", parse_opt_in, frozenset(),
                                   "gen_ai_latest_experimental: the newest GenAI convention names")

# Sessions, redaction, prices
SESSION_BAGGAGE = Setting("ACTIONTRACE_SESSION_BAGGAGE", parse_bool, False,
                          "also send session values to other services as W3C baggage")
REDACTION_ENGINE = Setting("ACTIONTRACE_REDACTION_ENGINE", choice("auto", "re", "hyperscan"), "auto",
                           "the redaction prefilter: auto (Hyperscan when installed), re or hyperscan",
                           strict=True)
REDACT_PII = Setting("ACTIONTRACE_REDACT_PII", parse_bool, False,
                     "also redact e-mail addresses, phone numbers, card numbers and US SSNs")
PRICES_FILE = Setting("ACTIONTRACE_PRICES_FILE", parse_path, None,
                      "a JSON file of model prices added to the shipped table")

# The process's end
HANDLE_SIGNALS = Setting("ACTIONTRACE_HANDLE_SIGNALS", parse_bool, True,
                         "on SIGTERM/SIGHUP flush buffered spans, then let the signal act (off: leave them alone)")
SIGNAL_FLUSH_TIMEOUT_MS = Setting("ACTIONTRACE_SIGNAL_FLUSH_TIMEOUT_MS", parse_non_negative_int, 3000,
                                  "milliseconds a SIGTERM/SIGHUP may spend flushing before the signal acts")

# Zero-code (opentelemetry-instrument)
PYTHON_CONFIGURATOR = Setting("OTEL_PYTHON_CONFIGURATOR", parse_str, None,
                              "the configurator opentelemetry-instrument runs; actiontrace's distro picks actiontrace")

# Read, never parsed: where one is set, the API loads that provider on first use
METER_PROVIDER = Setting("OTEL_PYTHON_METER_PROVIDER", parse_str, None,
                         "the meter provider the OpenTelemetry API loads by entry point")
TRACER_PROVIDER = Setting("OTEL_PYTHON_TRACER_PROVIDER", parse_str, None,
                          "the tracer provider the OpenTelemetry API loads by entry point (actiontrace then keeps its proxy tracer)")

# Resource and OTLP export
SERVICE_NAME = Setting("OTEL_SERVICE_NAME", parse_str, None, "the service name (else actiontrace-app)")
RESOURCE_ATTRIBUTES = Setting("OTEL_RESOURCE_ATTRIBUTES", parse_str, "",
                              "key=value,... resource attributes; a service.name here is kept")
OTLP_ENDPOINT = Setting("OTEL_EXPORTER_OTLP_ENDPOINT", parse_str, None,
                        "base OTLP URL; http/protobuf adds /v1/traces and /v1/metrics")
OTLP_TRACES_ENDPOINT = Setting("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", parse_str, None,
                               "full OTLP traces URL, used as given")
OTLP_LOGS_ENDPOINT = Setting("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", parse_str, None,
                             "full OTLP logs URL (GenAI events), used as given")
OTLP_PROTOCOL = Setting("OTEL_EXPORTER_OTLP_PROTOCOL", choice("http/protobuf", "grpc"), "http/protobuf",
                        "OTLP protocol: http/protobuf or grpc", strict=True)
OTLP_TRACES_PROTOCOL = Setting("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", choice("http/protobuf", "grpc"),
                               "http/protobuf", "OTLP protocol for traces (else OTEL_EXPORTER_OTLP_PROTOCOL)",
                               fallback=OTLP_PROTOCOL, strict=True)

# The CLI's terminal (each counts when set to anything non-empty, as their conventions say)
NO_COLOR = Setting("NO_COLOR", parse_str, "", "no colour in the CLI's output")
FORCE_COLOR = Setting("FORCE_COLOR", parse_str, "", "colour in the CLI's output even when piped")
TERM = Setting("TERM", parse_str, "", "the terminal type; dumb means no colour")

TABLE: tuple[Setting, ...] = tuple(v for v in list(globals().values()) if isinstance(v, Setting))


def prices_file() -> str | None:
    """``ACTIONTRACE_PRICES_FILE``: a price table to add to the shipped one."""
    return PRICES_FILE.read()


def genai_capture_message_content() -> bool:
    """``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT``: whether LLM messages go on spans."""
    return GENAI_CAPTURE_MESSAGE_CONTENT.read().on_span


def genai_content_mode() -> ContentMode | None:
    """``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`` as a mode; None when unset."""
    return GENAI_CAPTURE_MESSAGE_CONTENT.read() if GENAI_CAPTURE_MESSAGE_CONTENT.is_set() else None


def genai_emit_event() -> bool | None:
    """``OTEL_INSTRUMENTATION_GENAI_EMIT_EVENT``; None when unset (the content mode decides)."""
    return GENAI_EMIT_EVENT.read()


def genai_latest_experimental() -> bool:
    """``OTEL_SEMCONV_STABILITY_OPT_IN`` names ``gen_ai_latest_experimental``."""
    return "gen_ai_latest_experimental" in SEMCONV_STABILITY_OPT_IN.read()


def _stored_value(name: str) -> Callable[[], Any]:
    """A reader of ``name`` that skips ``os.environ``'s Mapping path, which encodes the key and
    decodes the value in Python frames and, for an unset variable, raises and catches a
    KeyError: 4-8 k instructions a read. The dict behind ``os.environ`` is updated by every
    assignment, ``del`` and ``putenv`` through it, so equal answers mean an unchanged variable.
    A replaced ``os.environ`` (a test's plain dict) is read through its own ``get``."""
    environ = os.environ
    try:
        key = environ.encodekey(name)  # type: ignore[attr-defined]
        lookup = environ._data.get  # type: ignore[attr-defined]
    except Exception:  # not CPython's os._Environ
        return lambda: os.environ.get(name)

    def read() -> Any:
        return lookup(key) if os.environ is environ else os.environ.get(name)

    return read
