"""Concurrent writers: threads sharing one exporter, processes sharing one directory."""

from __future__ import annotations

import json
import multiprocessing
import os
import threading

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from actiontrace.exporters import JsonlSpanExporter, RotatingJsonlWriter, iter_spans_from_line, read_lines
from support.otlp_json_validator import assert_valid_line

PROCS = 4
BATCHES = 60
LINES_PER_BATCH = 8


def _all_lines(directory) -> list[bytes]:
    out = []
    for name in sorted(os.listdir(directory)):
        out.extend(read_lines(os.path.join(directory, name)))
    return out


def test_threads_share_one_exporter(tmp_path):
    exporter = JsonlSpanExporter(tmp_path / "traces")
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("threads")
    results = []

    def work(t: int) -> None:
        for b in range(50):
            spans = []
            for i in range(5):
                span = tracer.start_span(f"t{t}", attributes={"t": t, "b": b, "i": i, "pad": "z" * 3000})
                span.end()
                spans.append(span)
            results.append(exporter.export(spans))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    exporter.shutdown()
    assert results == [SpanExportResult.SUCCESS] * 400
    seen = set()
    for line in _all_lines(tmp_path / "traces"):
        assert_valid_line(line)
        (span,) = iter_spans_from_line(line)
        a = span["attributes"]
        seen.add((a["t"], a["b"], a["i"]))
    assert len(seen) == 8 * 50 * 5


def _child_writer(directory: str, proc: int, max_bytes: int | None, start: multiprocessing.Event) -> None:
    writer = RotatingJsonlWriter(directory, max_bytes=max_bytes)
    start.wait(10)
    for b in range(BATCHES):
        # Big lines (16-64 KB) so each batch is one large write() racing the others.
        lines = [
            json.dumps({"p": proc, "b": b, "i": i, "pad": chr(97 + proc) * (16384 * (1 + (b + i) % 4))},
                       separators=(",", ":")).encode()
            for i in range(LINES_PER_BATCH)
        ]
        if not writer.write_lines(lines):
            os._exit(2)
    writer.close()
    os._exit(0)


@pytest.mark.parametrize("max_bytes", [None, 2_000_000], ids=["one-file", "size-rotation"])
def test_processes_never_interleave_parts_of_lines(tmp_path, max_bytes):
    d = str(tmp_path / "traces")
    RotatingJsonlWriter(d).close()  # create the directory once
    ctx = multiprocessing.get_context("spawn")  # real separate interpreters
    start = ctx.Event()
    procs = [ctx.Process(target=_child_writer, args=(d, p, max_bytes, start)) for p in range(PROCS)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    seen = set()
    lines = _all_lines(d)
    for line in lines:
        rec = json.loads(line)  # any interleaving would break JSON or mix pad letters
        assert set(rec["pad"]) == {chr(97 + rec["p"])}
        assert len(rec["pad"]) == 16384 * (1 + (rec["b"] + rec["i"]) % 4)
        seen.add((rec["p"], rec["b"], rec["i"]))
    assert len(lines) == len(seen) == PROCS * BATCHES * LINES_PER_BATCH
    if max_bytes:
        assert len(os.listdir(d)) > 3
        # Soft limit: a file may overshoot only by what racing writers appended meanwhile.
        for name in os.listdir(d):
            assert os.path.getsize(os.path.join(d, name)) <= max_bytes + PROCS * LINES_PER_BATCH * 65600


def _child_with_sdk(directory: str, proc: int) -> None:
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(JsonlSpanExporter(directory), max_export_batch_size=50))
    tracer = provider.get_tracer("proc")
    for i in range(300):
        with tracer.start_as_current_span(f"p{proc}", attributes={"p": proc, "i": i, "text": "w" * 1024}):
            pass
    provider.shutdown()


def test_processes_with_the_sdk_batch_processor(tmp_path):
    d = str(tmp_path / "traces")
    os.mkdir(d, 0o700)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_child_with_sdk, args=(d, p)) for p in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    seen = set()
    for line in _all_lines(d):
        assert_valid_line(line)
        (span,) = iter_spans_from_line(line)
        seen.add((span["attributes"]["p"], span["attributes"]["i"]))
    assert len(seen) == 900
