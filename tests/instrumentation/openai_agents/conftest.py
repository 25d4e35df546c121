"""Fixtures for the Agents SDK bridge tests: the replay server speaking the OpenAI API, the
bridge instrumented around each test, our OpenAI client instrumentation on or off, and real
SDK models pointed at the server."""

from __future__ import annotations

import openai
import pytest
from agents import OpenAIChatCompletionsModel, OpenAIResponsesModel
from agents.tracing import get_trace_provider, set_trace_processors
from support.agents_replay import MODEL
from support.openai_replay import set_capture
from support.replay_server import ReplayServer

from actiontrace.instrumentation.openai import OpenAIInstrumentor
from actiontrace.instrumentation.openai_agents import OpenAIAgentsInstrumentor, _current_processors


@pytest.fixture(scope="session", autouse=True)
def no_platform_export():
    """The SDK's default exporter (to OpenAI's platform) stays out of the test process."""
    found = _current_processors(get_trace_provider())
    set_trace_processors([])
    yield
    set_trace_processors(found or [])


@pytest.fixture(scope="session")
def replay() -> ReplayServer:
    with ReplayServer() as server:
        yield server


@pytest.fixture
def server(replay: ReplayServer) -> ReplayServer:
    replay.reset()
    yield replay
    replay.reset()


@pytest.fixture
def bridge(monkeypatch: pytest.MonkeyPatch):
    set_capture(monkeypatch, True)
    instrumentor = OpenAIAgentsInstrumentor()
    instrumentor.instrument()
    yield instrumentor
    instrumentor.uninstrument()


@pytest.fixture(params=["client-instrumented", "bridge-only"])
def client_spans(request) -> bool:
    """Runs a test twice: with our OpenAI client instrumentation on, and without it."""
    on = request.param == "client-instrumented"
    instrumentor = OpenAIInstrumentor()
    if on:
        instrumentor.instrument()
    yield on
    if on:
        instrumentor.uninstrument()


@pytest.fixture
def client(server: ReplayServer) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=server.base_url, api_key="test", max_retries=0)


@pytest.fixture
def model(client: openai.AsyncOpenAI) -> OpenAIResponsesModel:
    return OpenAIResponsesModel(model=MODEL, openai_client=client)


@pytest.fixture
def chat_model(client: openai.AsyncOpenAI) -> OpenAIChatCompletionsModel:
    return OpenAIChatCompletionsModel(model=MODEL, openai_client=client)
