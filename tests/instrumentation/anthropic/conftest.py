"""Fixtures for the Anthropic instrumentation tests: the replay server, the instrumentor, and
real sync/async clients pointed at the server."""

from __future__ import annotations

import anthropic
import pytest
from support.genai_capture import set_capture
from support.replay_server import ReplayServer

from actiontrace.instrumentation.anthropic import AnthropicInstrumentor


@pytest.fixture(scope="session")
def replay() -> ReplayServer:
    with ReplayServer() as server:
        yield server


@pytest.fixture
def server(replay: ReplayServer) -> ReplayServer:
    replay.reset()
    yield replay
    replay.reset()


@pytest.fixture(autouse=True)
def instrumented():
    instrumentor = AnthropicInstrumentor()
    instrumentor.instrument()
    yield instrumentor
    instrumentor.uninstrument()


@pytest.fixture
def client(server: ReplayServer) -> anthropic.Anthropic:
    with anthropic.Anthropic(base_url=server.root_url, api_key="test", max_retries=0) as c:
        yield c


@pytest.fixture
async def aclient(server: ReplayServer) -> anthropic.AsyncAnthropic:
    async with anthropic.AsyncAnthropic(base_url=server.root_url, api_key="test", max_retries=0) as c:
        yield c


@pytest.fixture
def capture_on(monkeypatch: pytest.MonkeyPatch) -> None:
    set_capture(monkeypatch, True)


@pytest.fixture
def capture_off(monkeypatch: pytest.MonkeyPatch) -> None:
    set_capture(monkeypatch, False)


# --- conformance count in the terminal summary --------------------------------
_conformance = {"passed": 0, "failed": 0, "skipped": 0}


def pytest_runtest_logreport(report) -> None:
    if "anthropic/test_conformance.py::test_cassette[" not in report.nodeid:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _conformance["passed" if report.passed else "skipped" if report.skipped else "failed"] += 1


def pytest_terminal_summary(terminalreporter) -> None:
    total = sum(_conformance.values())
    if total:
        terminalreporter.write_line(
            f"Anthropic conformance (anthropic {anthropic.__version__}): {_conformance['passed']} of {total} "
            f"recordings pass, {_conformance['skipped']} skipped (../shared/cassettes/anthropic)"
        )
