"""The settings table: one declaration per environment variable, one parser per type, and no
other module reading the environment."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import uuid

import pytest

from actiontrace import _settings as S
from support.paths import ROOT, SRC

PACKAGE = SRC / "actiontrace"

# Read through the table once the GenAI rewrite lands: each must then switch to its accessor
# (_settings.prices_file(), _settings.genai_capture_message_content()) and leave this set.
_NOT_YET_SWITCHED: set[str] = set()


# --------------------------------------------------------------------------- the table
def test_every_setting_is_declared_once_with_a_one_line_doc():
    names = [s.env for s in S.TABLE]
    assert len(names) == len(set(names))
    for setting in S.TABLE:
        assert setting.doc.strip() and "\n" not in setting.doc, setting.env
        assert setting.env.startswith(("ACTIONTRACE_", "OTEL_")) or setting.env in ("NO_COLOR", "FORCE_COLOR", "TERM")
        assert callable(setting.parse)


def test_the_table_holds_every_module_level_setting():
    declared = {v.env for v in vars(S).values() if isinstance(v, S.Setting)}
    assert declared == {s.env for s in S.TABLE}


def test_every_variable_named_in_the_source_is_in_the_table():
    # A name spelled out in a module but missing from the table is a setting read some other way.
    table = {s.env for s in S.TABLE}
    for path in PACKAGE.rglob("*.py"):
        for name in re.findall(r"\b(?:ACTIONTRACE|OTEL)_[A-Z_]*[A-Z]\b", path.read_text(encoding="utf-8")):
            assert name in table, (path, name)


def _reads_environment(text: str) -> bool:
    return re.search(r"\bos\.environ\b|\bgetenv\b|\bfrom os import\b[^\n]*\benviron\b", text) is not None


def test_no_module_but_the_settings_reads_the_environment():
    readers = set()
    for path in PACKAGE.rglob("*.py"):
        if path.name != "_settings.py" and _reads_environment(path.read_text(encoding="utf-8")):
            readers.add(path.relative_to(PACKAGE).as_posix())
    assert readers - _NOT_YET_SWITCHED == set(), "read these through actiontrace._settings"
    # Once a pending module is switched, it must leave the allowance too.
    assert _NOT_YET_SWITCHED <= readers, "remove switched modules from _NOT_YET_SWITCHED"


# --------------------------------------------------------------------------- the one bool parser
@pytest.mark.parametrize("word", ["1", "true", "yes", "on", "TRUE", " On ", "Yes\n", "tRuE"])
def test_bool_true_words(word):
    assert S.parse_bool(word, "X") is True


@pytest.mark.parametrize("word", ["0", "false", "no", "off", "none", "FALSE", " Off ", "None", "\tno"])
def test_bool_false_words(word):
    assert S.parse_bool(word, "X") is False


def test_bool_takes_bools_as_they_are():
    assert S.parse_bool(True, "X") is True and S.parse_bool(False, "X") is False


@pytest.mark.parametrize("word", ["", "maybe", "2", "-1", "truthy", "enabled", "y"])
def test_bool_other_words_are_a_value_error_naming_the_setting(word):
    with pytest.raises(ValueError, match="THE_SWITCH"):
        S.parse_bool(word, "THE_SWITCH")


@pytest.mark.parametrize("value", [1, 0, 1.0, None, [], object()])
def test_bool_other_types_are_a_type_error_naming_the_setting(value):
    with pytest.raises(TypeError, match="the_switch"):
        S.parse_bool(value, "the_switch")


def test_every_switch_uses_the_one_bool_parser():
    switches = [s for s in S.TABLE if isinstance(s.default, bool)]
    assert {s.env for s in switches} >= {"ACTIONTRACE_JSONL", "ACTIONTRACE_CAPTURE_CONTENT",
                                          "ACTIONTRACE_SESSION_BAGGAGE"}
    for setting in switches:
        # The GenAI variable adds the OTel mode names to the bool words, and hands the rest over.
        assert setting.parse in (S.parse_bool, S.parse_content_mode), setting.env
        assert setting.parse("none", setting.env) is False and setting.parse(" YES ", setting.env) is True


# --------------------------------------------------------------------------- other parsers
def test_int_parsers():
    assert S.parse_int(" 12 ", "n") == 12 and S.parse_int(-3, "n") == -3
    assert S.parse_non_negative_int("0", "n") == 0
    assert S.parse_positive_int("7", "n") == 7
    with pytest.raises(TypeError, match="n must be an int"):
        S.parse_int(True, "n")
    with pytest.raises(ValueError, match="n must be an integer"):
        S.parse_int("12kb", "n")
    with pytest.raises(ValueError, match="n must be 0 or more"):
        S.parse_non_negative_int("-1", "n")
    with pytest.raises(ValueError, match="n must be 1 or more"):
        S.parse_positive_int(0, "n")


def test_path_str_and_choice_parsers(tmp_path):
    assert S.parse_path(tmp_path, "p") == str(tmp_path)
    with pytest.raises(TypeError, match="p must be a str or os.PathLike, not int"):
        S.parse_path(3, "p")
    with pytest.raises(TypeError, match="s must be a str, not int"):
        S.parse_str(42, "s")
    parse = S.choice("http/protobuf", "grpc")
    assert parse(" GRPC ", "c") == "grpc"
    with pytest.raises(ValueError, match="c must be 'http/protobuf' or 'grpc', not 'udp'"):
        parse("udp", "c")


def test_list_parsers():
    assert S.parse_names(("openai",), "names") == ["openai"]
    with pytest.raises(TypeError, match="names must be a list of str, not str"):
        S.parse_names("openai", "names")
    with pytest.raises(TypeError, match="names must be a list of str, but holds a int"):
        S.parse_names(["openai", 1], "names")
    parse = S.sequence_of(int, "int")
    assert parse([1, 2], "xs") == [1, 2]
    with pytest.raises(TypeError, match="xs must hold only int, not object"):
        parse([1, object()], "xs")


def test_content_mode_words():
    for word, on in [("span_only", True), ("SPAN_AND_EVENT", True), ("event_only", False), ("no_content", False),
                     ("true", True), ("0", False)]:
        assert S.parse_content_mode(word, "G") is on, word


def test_capture_modes_and_the_event_and_opt_in_switches(monkeypatch):
    M = S.ContentMode
    for value, mode in [("Span_Only", M.SPAN_ONLY), (" event_only ", M.EVENT_ONLY), ("SPAN_AND_EVENT", M.SPAN_AND_EVENT),
                        ("no_content", M.NO_CONTENT), ("true", M.SPAN_ONLY), ("off", M.NO_CONTENT), (True, M.SPAN_ONLY),
                        (False, M.NO_CONTENT), (M.EVENT_ONLY, M.EVENT_ONLY)]:
        assert S.parse_capture_mode(value, "capture_content") is mode, value
    assert [m.on_span for m in M] == [False, True, False, True] and [m.in_event for m in M] == [False, False, True, True]
    with pytest.raises(ValueError, match="capture_content must be true, false or one of NO_CONTENT, SPAN_ONLY"):
        S.parse_capture_mode("events", "capture_content")
    with pytest.raises(TypeError, match="capture_content must be a bool, a ContentMode or its name, not int"):
        S.parse_capture_mode(3, "capture_content")
    for name in ("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "OTEL_INSTRUMENTATION_GENAI_EMIT_EVENT",
                 "OTEL_SEMCONV_STABILITY_OPT_IN"):
        monkeypatch.delenv(name, raising=False)
    assert S.genai_content_mode() is None and S.genai_emit_event() is None and not S.genai_latest_experimental()
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "Event_Only")
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_EMIT_EVENT", "FALSE")
    monkeypatch.setenv("OTEL_SEMCONV_STABILITY_OPT_IN", "http, GEN_AI_LATEST_EXPERIMENTAL")
    assert S.genai_content_mode() is M.EVENT_ONLY and S.genai_capture_message_content() is False
    assert S.genai_emit_event() is False and S.genai_latest_experimental()


# --------------------------------------------------------------------------- reading the environment
def _bad_value(setting: S.Setting) -> str | None:
    """A value the setting's parser rejects, unique per call (warnings are logged once per value)."""
    value = f"bogus-{uuid.uuid4().hex[:8]}"
    try:
        setting.parse(value, setting.env)
    except (TypeError, ValueError):
        return value
    return None  # free text: every value is valid


_CHECKED = [s for s in S.TABLE if _bad_value(s) is not None]


def test_the_checked_settings_are_the_typed_ones():
    assert {s.env for s in S.TABLE if s not in _CHECKED} == {
        "ACTIONTRACE_JSONL_PATH", "ACTIONTRACE_PRICES_FILE", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "NO_COLOR", "FORCE_COLOR", "TERM",
        "OTEL_PYTHON_CONFIGURATOR", "OTEL_PYTHON_TRACER_PROVIDER", "OTEL_PYTHON_METER_PROVIDER", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
        "OTEL_SEMCONV_STABILITY_OPT_IN"}


@pytest.mark.parametrize("setting", [s for s in _CHECKED if not s.strict], ids=lambda s: s.env)
def test_a_bad_environment_value_warns_once_naming_the_variable_and_falls_back(setting, monkeypatch, caplog):
    bad = _bad_value(setting)
    monkeypatch.setenv(setting.env, bad)
    with caplog.at_level(logging.WARNING, logger="actiontrace"):
        assert setting.read() == setting.default
        assert setting.read() == setting.default
    (record,) = [r for r in caplog.records if setting.env in r.getMessage()]
    assert bad in record.getMessage() and "default" in record.getMessage()


@pytest.mark.parametrize("setting", [s for s in _CHECKED if s.strict], ids=lambda s: s.env)
def test_a_strict_setting_still_raises_naming_the_variable(setting, monkeypatch):
    monkeypatch.setenv(setting.env, "carrier-pigeon")
    with pytest.raises(ValueError, match=setting.env):
        setting.read()


def test_unset_or_blank_gives_the_default(monkeypatch):
    monkeypatch.setenv("ACTIONTRACE_CAPTURE_MAX_ITEMS", "   ")
    assert S.CAPTURE_MAX_ITEMS.read() == 50
    monkeypatch.delenv("ACTIONTRACE_CAPTURE_MAX_ITEMS")
    assert S.CAPTURE_MAX_ITEMS.read() == 50
    monkeypatch.setenv("ACTIONTRACE_CAPTURE_MAX_ITEMS", " 7 ")
    assert S.CAPTURE_MAX_ITEMS.read() == 7


def test_fallback_variables(monkeypatch):
    for name in ("ACTIONTRACE_JSONL_QUEUE_SIZE", "OTEL_BSP_MAX_QUEUE_SIZE",
                 "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"):
        monkeypatch.delenv(name, raising=False)
    assert S.JSONL_QUEUE_SIZE.read() == 8192
    monkeypatch.setenv("OTEL_BSP_MAX_QUEUE_SIZE", "100")
    assert S.JSONL_QUEUE_SIZE.read() == 100
    monkeypatch.setenv("ACTIONTRACE_JSONL_QUEUE_SIZE", "200")
    assert S.JSONL_QUEUE_SIZE.read() == 200
    assert S.OTLP_TRACES_PROTOCOL.read() == "http/protobuf"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    assert S.OTLP_TRACES_PROTOCOL.read() == "grpc"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf")
    assert S.OTLP_TRACES_PROTOCOL.read() == "http/protobuf"


def test_the_jsonl_delay_is_short_by_default_and_positive(monkeypatch):
    monkeypatch.delenv("ACTIONTRACE_JSONL_DELAY_MS", raising=False)
    assert S.JSONL_DELAY_MS.read() == 500
    monkeypatch.setenv("ACTIONTRACE_JSONL_DELAY_MS", "1500")
    assert S.JSONL_DELAY_MS.read() == 1500
    with pytest.raises(ValueError, match="ACTIONTRACE_JSONL_DELAY_MS must be 1 or more"):
        S.JSONL_DELAY_MS.parse("0", S.JSONL_DELAY_MS.env)


def test_accessors_for_the_genai_modules(monkeypatch, tmp_path):
    monkeypatch.setenv("ACTIONTRACE_PRICES_FILE", str(tmp_path / "prices.json"))
    assert S.prices_file() == str(tmp_path / "prices.json")
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "span_only")
    assert S.genai_capture_message_content() is True
    monkeypatch.delenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT")
    assert S.genai_capture_message_content() is False


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_"))}
    full.update(PYTHONPATH=str(SRC), **env)
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=60)


def test_a_bad_capture_limit_does_not_stop_the_import():
    proc = _python("import actiontrace\nfrom actiontrace.spans import _capture\nprint(_capture.settings.max_bytes)",
                   ACTIONTRACE_CAPTURE_MAX_BYTES="8k")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "8192"
    assert "ACTIONTRACE_CAPTURE_MAX_BYTES" in proc.stderr and "'8k'" in proc.stderr


def test_capture_content_none_means_off_as_everywhere_else():
    proc = _python("from actiontrace.spans import _capture\nprint(_capture.settings.enabled)",
                   ACTIONTRACE_CAPTURE_CONTENT="None")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


def test_a_bad_attribute_length_limit_warns_and_keeps_the_default(monkeypatch, caplog):
    from actiontrace.exporters._otlp_json import max_value_chars_from_env

    monkeypatch.setenv("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "-5")
    with caplog.at_level(logging.WARNING, logger="actiontrace"):
        assert max_value_chars_from_env(123) == 123
    assert any("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT" in r.getMessage() for r in caplog.records)
    monkeypatch.setenv("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "0")
    assert max_value_chars_from_env(123) == 0


def test_cli_colour_variables(monkeypatch):
    from actiontrace.cli._render import colour_wanted

    class Tty:
        def isatty(self):
            return True

    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    assert colour_wanted("auto", Tty()) is True
    monkeypatch.setenv("TERM", "dumb")
    assert colour_wanted("auto", Tty()) is False
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert colour_wanted("auto", Tty()) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert colour_wanted("auto", Tty()) is False


# --------------------------------------------------------------------------- the docs agree
def _docs() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def test_every_actiontrace_setting_is_documented():
    docs = _docs()
    missing = [s.env for s in S.TABLE if s.env.startswith("ACTIONTRACE_") and f"`{s.env}" not in docs]
    assert missing == []


def test_the_readme_variable_table_names_only_settings_with_their_defaults():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `((?:ACTIONTRACE|OTEL)_[A-Z_]+)[^`]*` \|(.*)\|$", readme, re.M)
    assert rows, "the README's table of variables"
    by_env = {s.env: s for s in S.TABLE}
    for env, effect in rows:
        assert env in by_env, env
        default = by_env[env].default
        if isinstance(default, int) and not isinstance(default, bool):
            assert f"default {default}" in effect, env
    assert {s.env for s in S.TABLE if s.env.startswith("ACTIONTRACE_")} <= {env for env, _ in rows}
