"""Helpers for the tests of every LLM client instrumentation: the content-capture switch (and its
fixtures, which each folder's conftest imports), the LLM spans of a test, and the count of a
conformance suite's recordings printed in the terminal summary."""

from __future__ import annotations

import pytest

from actiontrace.spans import _capture


def set_capture(monkeypatch: pytest.MonkeyPatch, on: bool) -> None:
    # Both switches: the OTel variable (no configure()) and the core's (after configure()).
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true" if on else "false")
    monkeypatch.setattr(_capture.settings, "enabled", on)


def llm_spans(exporter) -> list:
    return [s for s in exporter.get_finished_spans() if s.attributes.get("actiontrace.span.type") == "llm"]


@pytest.fixture
def capture_on(monkeypatch: pytest.MonkeyPatch) -> None:
    set_capture(monkeypatch, True)


@pytest.fixture
def capture_off(monkeypatch: pytest.MonkeyPatch) -> None:
    set_capture(monkeypatch, False)


class ConformanceTally:
    """Counts the recordings of one conformance suite (tests whose node id holds ``marker``) for
    a line in the terminal summary: ``<label>: N of M recordings pass[, K skipped] (<where>)``."""

    def __init__(self, marker: str, where: str) -> None:
        self.marker, self.where = marker, where
        self.counts = {"passed": 0, "failed": 0, "skipped": 0}

    def logreport(self, report) -> None:
        if self.marker not in report.nodeid:
            return
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.counts["passed" if report.passed else "skipped" if report.skipped else "failed"] += 1

    def summary(self, terminalreporter, label: str) -> None:
        total = sum(self.counts.values())
        if total:
            skipped = f", {self.counts['skipped']} skipped" if self.counts["skipped"] else ""
            terminalreporter.write_line(f"{label}: {self.counts['passed']} of {total} recordings pass{skipped} "
                                        f"({self.where})")
