"""Shared fixtures: one real SDK TracerProvider for the test process (the OpenTelemetry
API allows setting the global provider once), with an in-memory exporter cleared per test."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from actiontrace.processors._session import SessionSpanProcessor

_exporter = InMemorySpanExporter()
_provider = TracerProvider()
_provider.add_span_processor(SessionSpanProcessor())
_provider.add_span_processor(SimpleSpanProcessor(_exporter))
trace.set_tracer_provider(_provider)


@pytest.fixture
def provider() -> TracerProvider:
    return _provider


@pytest.fixture
def spans() -> InMemorySpanExporter:
    """The finished spans of this test (``spans.get_finished_spans()``)."""
    _exporter.clear()
    yield _exporter
    _exporter.clear()


def by_name(exporter: InMemorySpanExporter) -> dict:
    return {s.name: s for s in exporter.get_finished_spans()}
