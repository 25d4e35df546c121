"""Helpers for the tests of every LLM client instrumentation: the content-capture switch and
the LLM spans of a test."""

from __future__ import annotations

import pytest

from actiontrace.spans import _capture


def set_capture(monkeypatch: pytest.MonkeyPatch, on: bool) -> None:
    # Both switches: the OTel variable (no configure()) and the core's (after configure()).
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true" if on else "false")
    monkeypatch.setattr(_capture.settings, "enabled", on)


def llm_spans(exporter) -> list:
    return [s for s in exporter.get_finished_spans() if s.attributes.get("actiontrace.span.type") == "llm"]
