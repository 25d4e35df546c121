"""Faults: full disk, removed directory, read-only file, unwritable path.

Every fault must give ``FAILURE`` (never an exception), log once then
rate-limited, keep nothing queued, and recover by itself once the fault clears.
"""

from __future__ import annotations

import calendar
import json
import logging
import os
import shutil
import stat
import subprocess
import tempfile

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from actiontrace.exporters import JsonlSpanExporter, iter_spans_from_line, read_lines
from support.otlp_json_validator import validate_line

NOV23 = calendar.timegm((2026, 11, 23, 12, 0, 0))
TODAY_FILE = "traces-2026-11-23.jsonl"
SUCCESS, FAILURE = SpanExportResult.SUCCESS, SpanExportResult.FAILURE


def _spans(n: int, tag: str, pad: int = 0):
    """Real SDK spans, as a BatchSpanProcessor would hand them to export()."""
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("faults")
    for i in range(n):
        tracer.start_span(f"{tag}-{i}", attributes={"tag": tag, "i": i, "pad": "x" * pad}).end()
    return memory.get_finished_spans()


def _tags(directory) -> list[str]:
    out = []
    for name in sorted(os.listdir(directory)):
        for line in read_lines(os.path.join(directory, name)):
            for span in iter_spans_from_line(line):
                out.append(span["attributes"]["tag"])
    return out


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "actiontrace.exporters" and r.levelno >= logging.WARNING]


def test_full_disk_dev_full_fails_logs_once_and_recovers(tmp_path, caplog):
    d = tmp_path / "traces"
    exporter = JsonlSpanExporter(d, clock=lambda: NOV23)
    assert exporter.export(_spans(2, "before")) == SUCCESS
    exporter.writer._drop_fd()  # as at the next start; the day's file becomes a full device:
    os.unlink(d / TODAY_FILE)
    os.symlink("/dev/full", d / TODAY_FILE)
    caplog.set_level(logging.WARNING, logger="actiontrace.exporters")
    for _ in range(25):
        assert exporter.export(_spans(3, "lost")) == FAILURE
    assert exporter.writer.failing
    msgs = _warnings(caplog)
    assert len(msgs) == 1 and "No space left" in msgs[0]
    os.unlink(d / TODAY_FILE)  # the fault clears
    assert exporter.export(_spans(2, "after")) == SUCCESS
    assert not exporter.writer.failing
    assert any("again" in m for m in _warnings(caplog))
    assert _tags(d) == ["after", "after"]  # nothing from the failed batches was queued and replayed
    exporter.shutdown()


def test_rate_limit_interval_governs_repeat_logs(tmp_path, caplog):
    d = tmp_path / "traces"
    exporter = JsonlSpanExporter(d, clock=lambda: NOV23)
    os.symlink("/dev/full", d / TODAY_FILE)
    exporter.writer._faults.interval = 0.0  # every failure may log: proves the limiter is what holds them back
    caplog.set_level(logging.WARNING, logger="actiontrace.exporters")
    for _ in range(5):
        assert exporter.export(_spans(1, "x")) == FAILURE
    assert len(_warnings(caplog)) == 5
    assert "5 batches dropped" in _warnings(caplog)[-1]


def _can_mount_tmpfs() -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    probe = tempfile.mkdtemp()
    try:
        ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", probe], capture_output=True).returncode == 0
        if ok:
            subprocess.run(["umount", probe], check=True)
        return ok
    finally:
        os.rmdir(probe)


@pytest.fixture
def tiny_fs():
    if not _can_mount_tmpfs():
        pytest.skip("cannot mount a tmpfs here (needs root); the /dev/full test covers ENOSPC")
    mnt = tempfile.mkdtemp()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", mnt], check=True)
    try:
        yield mnt
    finally:
        subprocess.run(["umount", mnt], check=True)
        os.rmdir(mnt)


def test_full_tiny_filesystem_leaves_at_most_one_torn_line_and_recovers(tiny_fs, caplog):
    filler = os.path.join(tiny_fs, "filler")
    with open(filler, "wb") as f:
        f.write(b"\0" * 96 * 1024)
    d = os.path.join(tiny_fs, "traces")
    exporter = JsonlSpanExporter(d, clock=lambda: NOV23)
    caplog.set_level(logging.WARNING, logger="actiontrace.exporters")
    ok_tags, results = set(), []
    for b in range(40):
        result = exporter.export(_spans(5, f"b{b}", pad=2000))  # ~10 KB per batch
        results.append(result)
        if result == SUCCESS:
            ok_tags.add(f"b{b}")
    assert SUCCESS in results and FAILURE in results
    assert len(_warnings(caplog)) == 1
    os.unlink(filler)  # space comes back
    assert exporter.export(_spans(2, "after")) == SUCCESS
    exporter.shutdown()
    lines = list(read_lines(os.path.join(d, TODAY_FILE)))  # also: no torn *last* line
    bad = [line for line in lines if validate_line(line)]
    assert len(bad) <= 1
    tags = {s["attributes"]["tag"] for line in lines if line not in bad for s in iter_spans_from_line(line)}
    assert ok_tags | {"after"} <= tags


def test_removed_directory_is_recreated(tmp_path):
    d = tmp_path / "traces"
    exporter = JsonlSpanExporter(d, clock=lambda: NOV23)
    assert exporter.export(_spans(1, "one")) == SUCCESS
    shutil.rmtree(d)  # writing on into the orphaned file would lose data silently
    assert exporter.export(_spans(1, "two")) == SUCCESS
    assert stat.S_IMODE(os.stat(d).st_mode) == 0o700
    assert _tags(d) == ["two"]
    exporter.shutdown()


def test_removed_parent_fails_until_it_is_back(tmp_path, caplog):
    parent = tmp_path / "app"
    parent.mkdir()
    exporter = JsonlSpanExporter(parent / "traces", clock=lambda: NOV23)
    assert exporter.export(_spans(1, "one")) == SUCCESS
    shutil.rmtree(parent)
    caplog.set_level(logging.WARNING, logger="actiontrace.exporters")
    for _ in range(3):
        assert exporter.export(_spans(1, "lost")) == FAILURE
    assert len(_warnings(caplog)) == 1
    parent.mkdir()
    assert exporter.export(_spans(1, "back")) == SUCCESS
    assert _tags(parent / "traces") == ["back"]
    exporter.shutdown()


def test_path_that_is_a_file_fails_then_recovers(tmp_path):
    p = tmp_path / "traces"
    p.write_text("not a directory")
    exporter = JsonlSpanExporter(p, clock=lambda: NOV23)  # does not raise: a runtime fault
    assert exporter.export(_spans(1, "lost")) == FAILURE
    p.unlink()
    assert exporter.export(_spans(1, "ok")) == SUCCESS
    assert _tags(p) == ["ok"]
    exporter.shutdown()


def _run_unprivileged(fn) -> dict:
    """Run ``fn()`` in a forked child that is not root (permission bits bind it); return its dict."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            result = {"ok": True, **fn()}
        except BaseException as exc:  # report anything to the parent's assertion
            result = {"ok": False, "error": repr(exc)}
        os.write(w, json.dumps(result).encode())
        os._exit(0)
    os.close(w)
    chunks = []
    while chunk := os.read(r, 65536):
        chunks.append(chunk)
    os.close(r)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks))


@pytest.fixture
def shared_dir():
    """A directory the unprivileged child owns (tmp_path is private to root)."""
    base = tempfile.mkdtemp()
    if os.geteuid() == 0:
        os.chown(base, 65534, 65534)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def test_read_only_file_and_unwritable_directory(shared_dir):
    spans = _spans(1, "x")

    def scenario():
        out = {}
        ro = os.path.join(shared_dir, "ro")
        first = JsonlSpanExporter(ro, clock=lambda: NOV23)
        out["first"] = first.export(spans).name
        first.shutdown()
        os.chmod(os.path.join(ro, TODAY_FILE), 0o400)
        restarted = JsonlSpanExporter(ro, clock=lambda: NOV23)
        out["read_only"] = [restarted.export(spans).name for _ in range(3)]
        os.chmod(os.path.join(ro, TODAY_FILE), 0o600)
        out["file_fixed"] = restarted.export(spans).name
        restarted.shutdown()

        locked = os.path.join(shared_dir, "locked")
        os.mkdir(locked, 0o500)
        exp = JsonlSpanExporter(locked, clock=lambda: NOV23)
        out["unwritable_dir"] = exp.export(spans).name
        os.chmod(locked, 0o700)
        out["dir_fixed"] = exp.export(spans).name
        exp.shutdown()
        out["lines"] = len(list(read_lines(os.path.join(ro, TODAY_FILE))))
        return out

    res = _run_unprivileged(scenario)
    assert res["ok"], res
    assert res["first"] == "SUCCESS"
    assert res["read_only"] == ["FAILURE"] * 3
    assert res["file_fixed"] == "SUCCESS"
    assert res["unwritable_dir"] == "FAILURE" and res["dir_fixed"] == "SUCCESS"
    assert res["lines"] == 2


def test_export_never_raises_on_odd_input(tmp_path):
    exporter = JsonlSpanExporter(tmp_path / "traces", clock=lambda: NOV23)
    good = _spans(1, "good")
    assert exporter.export([object(), *good, None]) == SUCCESS  # bad entries dropped, good one kept
    assert _tags(tmp_path / "traces") == ["good"]
    exporter.shutdown()
    assert exporter.export(good) == FAILURE
    assert exporter.force_flush() is True
