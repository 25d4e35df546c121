"""More Anthropic scenarios: a stream dropped before it is read, HTTP instrumentation suppressed
during a call, the GenAI metrics of a Claude call, and the legacy Text Completions API
(plain and streamed; only clients of the 0.x line have it)."""

from __future__ import annotations

import gc
import importlib

import anthropic
import pytest
from opentelemetry.instrumentation.utils import is_http_instrumentation_enabled
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from support.anthropic_replay import HAS_COMPLETIONS, message_json, message_sse
from support.genai_capture import llm_spans
from support.replay_server import json_interaction, sse_interaction

from actiontrace.genai import _metrics

MODEL = "claude-haiku-4-5-20251001"
ASK = {"model": MODEL, "max_tokens": 100, "messages": [{"role": "user", "content": "Hi"}]}


def test_stream_dropped_unread_is_ended_by_gc(server, client, spans, capture_off):
    server.queue(message_sse())
    stream = client.messages.create(**ASK, stream=True)
    assert not llm_spans(spans)
    del stream
    gc.collect()
    (span,) = llm_spans(spans)
    assert span.attributes["actiontrace.stream.completed"] is False
    assert span.attributes["actiontrace.stream.items"] == 0


def test_http_instrumentation_suppressed_during_call(server, spans, capture_off):
    from anthropic import _base_client

    httpx = getattr(_base_client, "httpx2", None) or importlib.import_module("httpx")
    seen = []
    hook = httpx.Client(event_hooks={"request": [lambda request: seen.append(is_http_instrumentation_enabled())]})
    with anthropic.Anthropic(base_url=server.root_url, api_key="t", max_retries=0, http_client=hook) as c:
        server.queue(message_json())
        c.messages.create(**ASK)
    assert seen == [False]
    assert is_http_instrumentation_enabled()


@pytest.fixture
def reader():
    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader])
    _metrics.use_meter_provider(provider)
    yield reader
    _metrics.use_meter_provider(None)
    provider.shutdown()


def test_metrics_of_a_claude_call(server, client, reader, capture_off):
    server.queue(message_json(usage={"input_tokens": 10, "cache_read_input_tokens": 30, "output_tokens": 4}))
    client.messages.create(**ASK)
    points = {}
    for rm in reader.get_metrics_data().resource_metrics:
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                points.setdefault(metric.name, []).extend(metric.data.data_points)
    (duration,) = points["gen_ai.client.operation.duration"]
    assert duration.attributes["gen_ai.provider.name"] == "anthropic"
    assert duration.attributes["gen_ai.request.model"] == MODEL
    tokens = {p.attributes["gen_ai.token.type"]: p.sum for p in points["gen_ai.client.token.usage"]}
    assert tokens == {"input": 40, "output": 4}  # input counts the cache reads


needs_completions = pytest.mark.skipif(not HAS_COMPLETIONS, reason="Text Completions left the client in 1.0")


@needs_completions
def test_text_completion(server, client, spans, capture_on):
    server.queue(json_interaction("/complete", {"id": "compl_1", "type": "completion", "completion": " Hi!",
                                                "stop_reason": "stop_sequence", "model": "claude-2.1"}))
    result = client.completions.create(model="claude-2.1", max_tokens_to_sample=20, prompt="\n\nHuman: Hi\n\nAssistant:",
                                       temperature=0.2, top_k=5)
    assert result.completion == " Hi!"
    (span,) = llm_spans(spans)
    a = span.attributes
    assert span.name == "text_completion claude-2.1" and a["gen_ai.operation.name"] == "text_completion"
    assert a["gen_ai.request.max_tokens"] == 20 and a["gen_ai.request.temperature"] == 0.2
    assert a["gen_ai.request.top_k"] == 5 and tuple(a["gen_ai.response.finish_reasons"]) == ("stop",)
    assert "gen_ai.usage.input_tokens" not in a


@needs_completions
def test_text_completion_stream(server, client, spans, capture_on):
    events = [{"type": "completion", "id": "compl_s", "completion": w, "stop_reason": None, "model": "claude-2.1"}
              for w in (" Hel", "lo")]
    events.append({"type": "completion", "id": "compl_s", "completion": "", "stop_reason": "max_tokens",
                   "model": "claude-2.1"})
    server.queue(sse_interaction("/complete", events, done=False, named=True))
    text = "".join(e.completion for e in client.completions.create(
        model="claude-2.1", max_tokens_to_sample=2, prompt="\n\nHuman: Hi\n\nAssistant:", stream=True))
    assert text == " Hello"
    (span,) = llm_spans(spans)
    a = span.attributes
    assert a["gen_ai.response.id"] == "compl_s" and tuple(a["gen_ai.response.finish_reasons"]) == ("length",)
    assert a["actiontrace.stream.completed"] is True
    assert '"content":" Hello"' in a["gen_ai.output.messages"].replace(": ", ":")
