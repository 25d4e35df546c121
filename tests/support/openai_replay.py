"""Helpers shared by the OpenAI instrumentation tests (a uniquely named module: the test
tree has several conftest.py files, so tests import helpers from here, not from conftest)."""

from __future__ import annotations

from support.paths import ROOT
from pathlib import Path

import pytest
from support.replay_server import ReplayServer, load_cassette

from actiontrace.spans import _capture

RECORDINGS = ROOT / "tests" / "instrumentation" / "openai" / "recordings"


def set_capture(monkeypatch: pytest.MonkeyPatch, on: bool) -> None:
    # Both switches: the OTel variable (no configure()) and the core's (after configure()).
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true" if on else "false")
    monkeypatch.setattr(_capture.settings, "enabled", on)


def queue_recording(server: ReplayServer, name: str) -> None:
    server.queue(*load_cassette(RECORDINGS / f"{name}.yaml"))


def llm_spans(exporter) -> list:
    return [s for s in exporter.get_finished_spans() if s.attributes.get("actiontrace.span.type") == "llm"]
