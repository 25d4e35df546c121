"""Forked and spawned children export their own spans over OTLP/HTTP, to a receiver this test runs
on 127.0.0.1 (bodies parsed with opentelemetry-proto), and into the JSONL files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from actiontrace import _vocabulary as A

from support.otlp_receiver import OtlpHttpReceiver
from support.spans_compare import read_jsonl_dir

APP = Path(__file__).with_name("fork_app.py")
CHILD_TAGS = {"os.fork", "os.fork+_exit", "mp-fork", "mp-spawn"}


def _child_spans(spans, attributes_of) -> dict[str, list[int]]:
    """tag -> pids found in the child_work tool spans (from their captured arguments)."""
    out: dict[str, list[int]] = {}
    for span in spans:
        attrs = attributes_of(span)
        if attrs.get(A.GEN_AI_TOOL_NAME) != "child_work":
            continue
        args = json.loads(attrs[A.GEN_AI_TOOL_CALL_ARGUMENTS])
        out.setdefault(args["tag"], []).append(args["pid"])
    return out


def test_forked_and_spawned_children_export_their_own_spans(tmp_path):
    with OtlpHttpReceiver() as receiver:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_"))}
        done = subprocess.run([sys.executable, str(APP), receiver.base_url, str(tmp_path / "traces")],
                              capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        report = json.loads(done.stdout.strip().splitlines()[-1])
        # Every child's span must be there; wait for the slowest exporter to deliver.
        received = receiver.wait_for_spans(1 + len(CHILD_TAGS), timeout=30)

    assert set(report["children"]) == CHILD_TAGS
    parent_pid = report["parent"]
    by_tag = _child_spans(received, lambda s: s.attributes)
    for tag, pid in report["children"].items():
        assert pid != parent_pid
        assert by_tag.get(tag) == [pid], f"{tag}: exported {by_tag.get(tag)}, expected exactly one span from pid {pid}"
    parents = [s for s in received if s.name == "parent-work"]
    assert len(parents) == 1 and parents[0].attributes["test.pid"] == parent_pid
    assert len({s.span_id for s in received}) == len(received), "a span was exported twice"

    # The local record has the same spans (each child wrote its own lines).
    recorded = read_jsonl_dir(tmp_path / "traces")
    assert _child_spans(recorded, lambda s: s["attributes"]) == by_tag
