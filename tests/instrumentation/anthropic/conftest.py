"""Fixtures for the Anthropic instrumentation tests: the replay server, the instrumentor, and
real sync/async clients pointed at the server."""

from __future__ import annotations

import anthropic
import pytest
from support.genai_capture import ConformanceTally, capture_off, capture_on  # noqa: F401  (shared fixtures)
from support.replay_server import ReplayServer, replay, server  # noqa: F401  (shared fixtures)

from actiontrace.instrumentation.anthropic import AnthropicInstrumentor


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


_tally = ConformanceTally("anthropic/test_conformance.py::test_cassette[", "../shared/cassettes/anthropic")


def pytest_runtest_logreport(report) -> None:
    _tally.logreport(report)


def pytest_terminal_summary(terminalreporter) -> None:
    _tally.summary(terminalreporter, f"Anthropic conformance (anthropic {anthropic.__version__})")
