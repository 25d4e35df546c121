"""Fixtures for the OpenAI instrumentation tests: the replay server, the instrumentor,
real sync/async clients pointed at the server, and the content-capture switch."""

from __future__ import annotations

import openai
import pytest
from support.openai_replay import set_capture
from support.replay_server import ReplayServer, replay, server  # noqa: F401  (shared fixtures)

from actiontrace.instrumentation.openai import OpenAIInstrumentor


@pytest.fixture(autouse=True)
def instrumented():
    instrumentor = OpenAIInstrumentor()
    instrumentor.instrument()
    yield instrumentor
    instrumentor.uninstrument()


@pytest.fixture
def client(server: ReplayServer) -> openai.OpenAI:
    with openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0) as c:
        yield c


@pytest.fixture
async def aclient(server: ReplayServer) -> openai.AsyncOpenAI:
    async with openai.AsyncOpenAI(base_url=server.base_url, api_key="test", max_retries=0) as c:
        yield c


@pytest.fixture
def capture_on(monkeypatch: pytest.MonkeyPatch) -> None:
    set_capture(monkeypatch, True)


@pytest.fixture
def capture_off(monkeypatch: pytest.MonkeyPatch) -> None:
    set_capture(monkeypatch, False)


# --- conformance count in the terminal summary --------------------------------
_conformance = {"passed": 0, "failed": 0}


def pytest_runtest_logreport(report) -> None:
    if "test_conformance.py::test_cassette[" not in report.nodeid:
        return
    if report.when == "call" or (report.when == "setup" and report.failed):
        _conformance["passed" if report.passed else "failed"] += 1


def pytest_terminal_summary(terminalreporter) -> None:
    total = _conformance["passed"] + _conformance["failed"]
    if total:
        terminalreporter.write_line(
            f"OpenAI conformance: {_conformance['passed']} of {total} recordings pass "
            f"(../shared/cassettes/openai)"
        )
