"""Helpers shared by the OpenAI instrumentation tests (a uniquely named module: the test
tree has several conftest.py files, so tests import helpers from here, not from conftest)."""

from __future__ import annotations

from support.paths import ROOT
from pathlib import Path

from support.genai_capture import llm_spans, set_capture  # noqa: F401  (re-exported)
from support.replay_server import ReplayServer, load_cassette

RECORDINGS = ROOT / "tests" / "instrumentation" / "openai" / "recordings"


def queue_recording(server: ReplayServer, name: str) -> None:
    server.queue(*load_cassette(RECORDINGS / f"{name}.yaml"))

