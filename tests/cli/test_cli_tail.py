"""`actiontrace tail` follows files another process is writing."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from support.cli_traces import SRC, cli_env, run_cli

# The writer is a separate process that makes real SDK spans and writes them
# through the project's JSONL span exporter, one trace at a time with pauses.
WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {tests!r})
    from support.cli_traces import build_agent_traces, new_tracer, export_dir
    from opentelemetry import trace as api
    from pathlib import Path
    directory = Path(sys.argv[1])
    for i in range(3):
        tracer, exporter = new_tracer()
        build_agent_traces(tracer, session_id=f"live-{{i}}")
        spans = list(exporter.get_finished_spans())
        export_dir(directory, spans[:3])      # children first ...
        time.sleep(0.4)
        export_dir(directory, spans[3:])      # ... the root arrives last
        time.sleep(0.4)
    # An orphan whose root never comes: printed after the quiet period.
    tracer, exporter = new_tracer()
    root = tracer.start_span("never-written")
    child = tracer.start_span("orphan", context=api.set_span_in_context(root))
    child.end()
    export_dir(directory, [exporter.get_finished_spans()[0]])
    print("writer done", flush=True)
""")


def test_tail_prints_each_trace_when_its_root_arrives(tmp_path):
    directory = tmp_path / "traces"
    directory.mkdir()
    tail = subprocess.Popen([sys.executable, "-m", "actiontrace", "tail", str(directory), "--interval", "0.05",
                             "--quiet-period", "1", "--max-traces", "4", "--from-start", "--exit-after", "60", "--no-io"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env())
    try:
        writer = subprocess.run([sys.executable, "-c", WRITER.format(tests=str(SRC.parent / "tests")),
                                 str(directory)], capture_output=True, text=True, timeout=60, env=cli_env())
        assert writer.returncode == 0, writer.stderr
        out, err = tail.communicate(timeout=60)
    finally:
        if tail.poll() is None:
            tail.kill()
            tail.wait()
    assert tail.returncode == 0, err
    headers = [line for line in out.splitlines() if line.startswith("trace ")]
    assert [h.split(" · ")[1] for h in headers[:3]] == ["session live-0", "session live-1", "session live-2"]
    # Each complete trace printed whole: all six spans, root on top.
    assert out.count("└─ invoke_agent support  agent") == 3
    assert out.count("execute_tool search_database") == 9
    assert "⟨missing parent" in out and "orphan" in out
    assert len(headers) == 4


def test_tail_once_reads_existing_files(tmp_path):
    directory = tmp_path / "traces"
    directory.mkdir()
    subprocess.run([sys.executable, "-c", WRITER.format(tests=str(SRC.parent / "tests")), str(directory)],
                   check=True, timeout=60, env=cli_env(), capture_output=True)
    out = run_cli("tail", str(directory), "--once", "--no-io", check_rc=0).stdout
    assert out.count("trace ") == 4
