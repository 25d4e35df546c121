"""Fixtures for the OpenAI instrumentation tests: the replay server, the instrumentor,
real sync/async clients pointed at the server, and the content-capture switch."""

from __future__ import annotations

import openai
import pytest
from support.genai_capture import ConformanceTally, capture_off, capture_on  # noqa: F401  (shared fixtures)
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


_tally = ConformanceTally("test_conformance.py::test_cassette[", "../shared/cassettes/openai")


def pytest_runtest_logreport(report) -> None:
    _tally.logreport(report)


def pytest_terminal_summary(terminalreporter) -> None:
    _tally.summary(terminalreporter, "OpenAI conformance")
