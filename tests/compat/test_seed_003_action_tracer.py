"""Seed 003 (ActionTracer / TraceEntry / JSONLExporter): the document's example run
literally, entries made from ended spans (so instrumented calls inside a block are
entries too), the ring, subscribers, redacted JSONL files."""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import json
import logging
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from opentelemetry.trace import StatusCode

import actiontrace
from actiontrace import _vocabulary as A
from actiontrace.reading._reader import decode_line
from actiontrace.exporters import RotatingJsonlWriter
from actiontrace.seeds import ActionTracer, JSONLExporter, TraceEntry

ANSWER = "The capital of France is Paris. " * 10


class LLM:
    @actiontrace.llm(model="gpt-4o")
    async def complete(self, messages):
        await asyncio.sleep(0)
        actiontrace.record_usage(input_tokens=12, output_tokens=40)
        return ANSWER


llm = LLM()
messages = [{"role": "user", "content": "What is the capital of France?"}]


def otel_span(spans, name):
    (span,) = [s for s in spans.get_finished_spans() if s.name == name]
    return span


# --- the document's example ----------------------------------------------------------

async def test_document_example(spans):
    tracer = ActionTracer()
    with tracer.trace("llm_call", operation="complete") as span:
        result = await llm.complete(messages)
        span.output_summary = result[:100]

    entries = tracer.entries
    assert len(entries) == 2  # the instrumented call inside the block, then the block
    child, entry = entries
    assert entry is span
    assert (entry.action, entry.operation, entry.status, entry.error) == ("llm_call", "complete", "ok", None)
    assert entry.output_summary == ANSWER[:100]
    assert entry.ended_at >= entry.started_at and entry.duration_ms > 0

    block = otel_span(spans, "llm_call.complete")
    assert entry.trace_id == format(block.context.trace_id, "032x")
    assert entry.span_id == format(block.context.span_id, "016x")
    assert json.loads(block.attributes[A.OUTPUT]) == ANSWER[:100]
    assert block.attributes[A.ACTION_TYPE] == "llm_call"
    assert block.attributes[A.OPERATION] == "complete"
    assert entry.duration_ms == (block.end_time - block.start_time) / 1e6

    call = otel_span(spans, "chat gpt-4o")
    assert (child.action, child.operation) == ("llm_call", "chat gpt-4o")
    assert child.parent_span_id == entry.span_id and child.trace_id == entry.trace_id
    assert child.span_id == format(call.context.span_id, "016x")
    assert child.metadata["model"] == "gpt-4o"
    assert child.metadata["input_tokens"] == 12 and child.metadata["output_tokens"] == 40
    assert child.output_summary == ANSWER  # a captured JSON string reads back as its text


async def test_async_with(spans):
    tracer = ActionTracer()
    async with tracer.trace("llm_call", operation="complete") as span:
        span.output_summary = (await llm.complete(messages))[:10]
    assert tracer.entries[-1] is span and span.output_summary == ANSWER[:10]


async def test_concurrent_async_blocks_keep_their_own_children(spans):
    tracer = ActionTracer()

    async def one(i):
        async with tracer.trace("step", operation=f"op{i}") as entry:
            await llm.complete(messages)
            return entry

    blocks = await asyncio.gather(*(one(i) for i in range(3)))
    children = [e for e in tracer.entries if e.operation == "chat gpt-4o"]
    assert sorted(c.parent_span_id for c in children) == sorted(b.span_id for b in blocks)


# --- trace() details --------------------------------------------------------------------

def test_fields_and_metadata_reach_the_span_and_the_entry(spans):
    tracer = ActionTracer()
    with tracer.trace("connector_query", connector="postgres", asset_id="orders-db", operation="select",
                      conversation_id="conv-7", rows=3, filters={"status": "active"}) as entry:
        entry.input_summary = "SELECT * FROM orders"
        entry.metadata["late"] = "added in block"
    block = otel_span(spans, "connector_query.select")
    attrs = block.attributes
    assert attrs[A.CONNECTOR] == "postgres"
    assert attrs[A.ASSET_ID] == "orders-db"
    assert attrs[A.GEN_AI_CONVERSATION_ID] == "conv-7"
    assert attrs[A.METADATA_PREFIX + "rows"] == 3
    assert attrs[A.METADATA_PREFIX + "filters.status"] == "active"
    assert attrs[A.METADATA_PREFIX + "late"] == "added in block"
    assert json.loads(attrs[A.INPUT]) == "SELECT * FROM orders"
    assert entry.metadata == {"rows": 3, "filters": {"status": "active"}, "late": "added in block"}
    assert (entry.connector, entry.asset_id, entry.conversation_id) == ("postgres", "orders-db", "conv-7")


def test_exception_is_recorded_and_reraised(spans):
    tracer = ActionTracer()
    with pytest.raises(ValueError, match="boom"):
        with tracer.trace("tool_call", operation="divide"):
            raise ValueError("boom")
    (entry,) = tracer.entries
    assert entry.status == "error"
    assert entry.error == "ValueError: boom"
    assert otel_span(spans, "tool_call.divide").status.status_code is StatusCode.ERROR


def test_decorated_tool_inside_a_block_is_an_entry(spans):
    @actiontrace.tool
    def search_database(query: str, limit: int = 10):
        return {"count": limit}

    tracer = ActionTracer()
    with tracer.trace("agent_step"):
        search_database("shoes", limit=2)
    tool, block = tracer.entries
    assert (tool.action, tool.operation) == ("tool_call", "execute_tool search_database")
    assert json.loads(tool.input_summary) == {"query": "shoes", "limit": 2}
    assert json.loads(tool.output_summary) == {"count": 2}
    assert tool.metadata["tool_name"] == "search_database"
    assert block.action == "agent_step"


def test_spans_outside_blocks_are_not_entries(spans):
    tracer = ActionTracer()
    with actiontrace.span("unrelated"):
        pass
    with tracer.trace("mine"):
        pass
    with actiontrace.span("unrelated again"):
        pass
    assert [e.action for e in tracer.entries] == ["mine"]


def test_nested_tracers(spans):
    outer, inner = ActionTracer(), ActionTracer()
    with outer.trace("plan"):
        with inner.trace("act"):
            with actiontrace.span("work"):
                pass
    assert [e.operation or e.action for e in inner.entries] == ["work", "act"]
    assert [e.operation or e.action for e in outer.entries] == ["work", "act", "plan"]
    assert inner.entries[0] is outer.entries[0]


def test_span_in_a_worker_thread_under_the_block(spans):
    tracer = ActionTracer()

    def work():
        with actiontrace.span("threaded"):
            pass

    with tracer.trace("fan_out") as block:
        ctx = contextvars.copy_context()
        t = threading.Thread(target=ctx.run, args=(work,))
        t.start()
        t.join()
    threaded = [e for e in tracer.entries if e.operation == "threaded"]
    assert len(threaded) == 1 and threaded[0].parent_span_id == block.span_id


def test_conversation_from_the_session(spans):
    tracer = ActionTracer()
    with actiontrace.session("sess-9"):
        with tracer.trace("llm_call") as entry:
            pass
    assert entry.conversation_id == "sess-9"


# --- the ring, subscribers, summary --------------------------------------------------------

def test_bounded_ring_most_recent_last(spans):
    tracer = ActionTracer(max_entries=3)
    for i in range(5):
        with tracer.trace(f"a{i}"):
            pass
    assert [e.action for e in tracer.entries] == ["a2", "a3", "a4"]
    tracer.clear()
    assert tracer.entries == []


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_max_entries_must_be_positive(bad):
    with pytest.raises(ValueError):
        ActionTracer(max_entries=bad)


def test_raising_subscriber_is_logged_once_and_does_not_stop_others(spans, caplog):
    tracer = ActionTracer()
    seen = []

    def broken(entry):
        raise RuntimeError("subscriber bug")

    tracer.subscribe(broken)
    tracer.subscribe(seen.append)
    with caplog.at_level(logging.WARNING, logger="actiontrace"):
        for name in ("one", "two"):
            with tracer.trace(name):
                pass
    assert [e.action for e in seen] == ["one", "two"]
    assert [e.action for e in tracer.entries] == ["one", "two"]
    assert sum("subscriber" in r.getMessage() for r in caplog.records) == 1


def test_record_adds_and_notifies(spans):
    tracer = ActionTracer()
    seen = []
    tracer.subscribe(seen.append)
    entry = TraceEntry(action="manual", started_at="2024-01-15T10:30:00Z", duration_ms=5.0)
    tracer.record(entry)
    assert tracer.entries == [entry] and seen == [entry]
    assert spans.get_finished_spans() == ()  # record() stores an entry; it makes no span
    with pytest.raises(TypeError):
        tracer.record({"action": "x"})
    with pytest.raises(TypeError):
        tracer.subscribe("not callable")


def test_summary_is_json_safe(spans):
    tracer = ActionTracer()
    with tracer.trace("llm_call", operation="complete", model="gpt-4o"):
        pass
    tracer.record(TraceEntry(action="manual", metadata={"ids": {1, 2}, "when": dt.datetime(2024, 1, 15),
                                                        "nan": float("nan")}))
    summary = tracer.summary()
    json.loads(json.dumps(summary, allow_nan=False))
    assert summary[0]["action"] == "llm_call"
    assert summary[0]["started_at"].endswith("Z")
    assert summary[0]["metadata"] == {"model": "gpt-4o"}
    assert summary[1]["metadata"]["when"].startswith("2024-01-15T00:00:00")


# --- TraceEntry -----------------------------------------------------------------------------

def test_model_dump_and_json():
    entry = TraceEntry(action="llm_call", operation="complete", started_at="2024-01-15T10:30:00.050Z",
                       ended_at=dt.datetime(2024, 1, 15, 10, 30, 1, tzinfo=dt.timezone.utc), duration_ms=950)
    python = entry.model_dump()
    assert python["started_at"] == dt.datetime(2024, 1, 15, 10, 30, 0, 50000, tzinfo=dt.timezone.utc)
    data = json.loads(entry.model_dump_json())
    assert data["started_at"] == "2024-01-15T10:30:00.050Z"
    assert data["ended_at"] == "2024-01-15T10:30:01Z"
    assert set(data) == {"action", "operation", "connector", "asset_id", "conversation_id", "started_at",
                         "ended_at", "duration_ms", "status", "error", "input_summary", "output_summary",
                         "metadata", "trace_id", "span_id", "parent_span_id"}
    with pytest.raises(ValueError):
        entry.model_dump(mode="yaml")
    with pytest.raises(ValueError):
        TraceEntry(started_at="not a time")


SECRET = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6"


def test_redacting_dump_json_redacts_and_truncates():
    entry = TraceEntry(
        action="llm_call",
        metadata={"api_key": "plain-value-but-sensitive-key", "note": f"uses {SECRET}", "model": "gpt-4o"},
        input_summary=f"Authorization: Bearer {SECRET}",
        output_summary="x" * 5000,
    )
    line = entry.redacting_dump_json(max_summary_chars=100)
    assert SECRET not in line and "plain-value-but-sensitive-key" not in line
    data = json.loads(line)
    assert data["metadata"]["api_key"].startswith("[REDACTED")
    assert "[REDACTED" in data["metadata"]["note"]
    assert data["metadata"]["model"] == "gpt-4o"
    assert "[REDACTED" in data["input_summary"]
    assert data["output_summary"].startswith("x" * 100) and len(data["output_summary"]) < 200
    assert "5000" in data["output_summary"]  # the marker keeps the original length
    assert entry.output_summary == "x" * 5000 and entry.metadata["api_key"] == "plain-value-but-sensitive-key"
    assert "\n" not in line
    with pytest.raises(ValueError):
        entry.redacting_dump_json(max_summary_chars=-1)


# --- JSONLExporter --------------------------------------------------------------------------

def test_exporter_needs_an_existing_parent(tmp_path):
    with pytest.raises(FileNotFoundError):
        JSONLExporter(tmp_path / "missing" / "traces")


def test_exporter_writes_redacted_daily_lines(spans, tmp_path):
    exporter = JSONLExporter(tmp_path / "traces", max_summary_chars=50)
    assert isinstance(exporter._writer, RotatingJsonlWriter)  # the span exporter's writer, shared
    tracer = ActionTracer()
    exporter.attach(tracer)
    with tracer.trace("connector_query", connector="crm", token=SECRET) as entry:
        entry.output_summary = "y" * 500
    day = time.strftime("%Y-%m-%d", time.gmtime())
    path = tmp_path / "traces" / f"actions-{day}.jsonl"
    assert exporter.current_path == str(path)
    lines = path.read_text().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert SECRET not in lines[0]
    assert data["action"] == "connector_query" and data["connector"] == "crm"
    assert data["metadata"]["token"].startswith("[REDACTED")
    assert data["output_summary"].startswith("y" * 50) and len(data["output_summary"]) < 100
    assert data["span_id"] == entry.span_id
    # the CLI reader reads these lines as spans
    (read,) = decode_line(lines[0], str(path))
    assert read.name == "connector_query"
    assert read.span_id == entry.span_id and read.trace_id == entry.trace_id
    assert read.attributes[A.CONNECTOR] == "crm"
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"


def test_exporter_without_daily_rotation(tmp_path):
    exporter = JSONLExporter(tmp_path / "out", rotate_daily=False)
    tracer = ActionTracer()
    exporter.attach(tracer)
    for i in range(3):
        tracer.record(TraceEntry(action=f"a{i}"))
    lines = (tmp_path / "out" / "actions.jsonl").read_text().splitlines()
    assert [json.loads(line)["action"] for line in lines] == ["a0", "a1", "a2"]


def test_exporter_failure_does_not_break_recording(tmp_path):
    exporter = JSONLExporter(tmp_path / "ro")
    os.chmod(tmp_path / "ro", 0o500)
    try:
        tracer = ActionTracer()
        exporter.attach(tracer)
        tracer.record(TraceEntry(action="kept"))
        assert [e.action for e in tracer.entries] == ["kept"]
    finally:
        os.chmod(tmp_path / "ro", 0o700)
    if os.geteuid() != 0:  # root writes anyway
        assert not list((tmp_path / "ro").iterdir())


# --- processes: no SDK at all, and configure() after the tracer was made -----------------

def _run(code: str, tmp_path, **env) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, **env)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path, env=full_env,
                          capture_output=True, text=True, timeout=60)


def test_without_an_sdk_provider_entries_come_from_the_block(tmp_path):
    proc = _run("""
        import json, time
        from actiontrace.seeds import ActionTracer
        tracer = ActionTracer()
        with tracer.trace("llm_call", operation="complete") as span:
            time.sleep(0.01)
            span.output_summary = "hello"
        try:
            with tracer.trace("tool_call"):
                raise KeyError("k")
        except KeyError:
            pass
        print(json.dumps(tracer.summary()))
    """, tmp_path)
    assert proc.returncode == 0, proc.stderr
    ok, failed = json.loads(proc.stdout)
    assert ok["output_summary"] == "hello" and ok["duration_ms"] >= 10 and ok["status"] == "ok"
    assert ok["trace_id"] == ""  # no SDK: no span ids
    assert failed["status"] == "error" and failed["error"] == "KeyError: 'k'"


def test_configure_after_creating_the_tracer(tmp_path):
    proc = _run("""
        import glob, json
        from actiontrace.seeds import ActionTracer, JSONLExporter
        tracer = ActionTracer()
        import actiontrace
        from actiontrace.reading._reader import read_spans
        actiontrace.configure(jsonl_path="traces", instrument=[])
        JSONLExporter("actions").attach(tracer)
        with tracer.trace("llm_call", operation="complete") as span:
            span.output_summary = "hi"
        actiontrace.shutdown()
        spans = [(s.name, s.span_id) for s in read_spans(["traces"])]
        entries = [json.loads(l) for f in glob.glob("actions/*.jsonl") for l in open(f)]
        print(json.dumps({"spans": spans, "entries": entries}))
    """, tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    (entry,) = out["entries"]
    assert entry["output_summary"] == "hi"
    # the entry is the span the JSONL span exporter wrote: same ids
    assert out["spans"] == [["llm_call.complete", entry["span_id"]]]


def test_entries_in_memory_are_redacted():
    from actiontrace.seeds import ActionTracer

    secret = "sk-proj-" + "Ab3" * 16
    tracer = ActionTracer()
    with tracer.trace("llm_call", operation="complete", api_key=secret) as span:
        span.output_summary = f"used key {secret}"
    (entry,) = tracer.entries
    dumped = json.dumps(tracer.summary())
    assert secret not in dumped and secret[:16] not in dumped
    assert "[REDACTED:" in entry.output_summary
