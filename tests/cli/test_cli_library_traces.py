"""The command on files written by the library itself: decorators, session(), JsonlSpanExporter.

The agent runs in its own process (it installs the global tracer provider).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from support.cli_traces import cli_env, run_cli

AGENT = textwrap.dedent("""
    import sys
    from opentelemetry import trace
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    import actiontrace
    from actiontrace.processors._session import SessionSpanProcessor
    from actiontrace.exporters import JsonlSpanExporter

    provider = TracerProvider(resource=Resource.create({"service.name": "lib-agent"}))
    provider.add_span_processor(SessionSpanProcessor())
    provider.add_span_processor(SimpleSpanProcessor(JsonlSpanExporter(sys.argv[1])))
    trace.set_tracer_provider(provider)

    @actiontrace.tool
    def search_database(query: str):
        if query == "fail":
            raise TimeoutError("database timed out")
        return {"rows": [query]}

    @actiontrace.llm(model="gpt-4o")
    def think(prompt: str):
        actiontrace.record_usage(input_tokens=100, output_tokens=20, cost_usd=0.002)
        return "ok"

    @actiontrace.agent(name="support-agent")
    def run(question):
        think(question)
        search_database("shoes")
        try:
            search_database("fail")
        except TimeoutError:
            pass
        return "done"

    for i in range(2):
        with actiontrace.session(session_id=f"lib-{i}", name="Support", path="/support",
                                 properties={"user": f"u{i}"}):
            run("where is my order")
    provider.shutdown()
""")


def test_view_stats_query_on_library_output(tmp_path):
    directory = tmp_path / "traces"
    proc = subprocess.run([sys.executable, "-c", AGENT, str(directory)], capture_output=True, text=True,
                          timeout=120, env=cli_env())
    assert proc.returncode == 0, proc.stderr
    lines = run_cli("view", str(directory), "--session", "lib-0", "--no-io", check_rc=0).stdout.splitlines()
    assert lines[0].startswith("trace ") and "session lib-0 · 4 spans" in lines[0] and "1 error" in lines[0]
    assert lines[1].startswith("└─ invoke_agent support-agent  agent")
    assert lines[2].startswith("   ├─ chat gpt-4o  llm") and "tokens 100→20  $0.0020" in lines[2]
    assert lines[3].startswith("   ├─ execute_tool search_database  tool")
    assert lines[4].startswith("   └─ execute_tool search_database  tool") and "ERROR TimeoutError" in lines[4]
    summary = json.loads(run_cli("stats", str(directory), "--by", "tool", "--json", check_rc=0).stdout)
    [group] = summary["groups"]
    assert (group["key"], group["count"], group["errors"]) == ("search_database", 4, 2)
    assert summary["totals"]["input_tokens"] == 200 and summary["totals"]["traces"] == 2
    rows = json.loads(run_cli("query", str(directory), "--property", "user=u1", "--sessions", "--json",
                              check_rc=0).stdout)
    assert [(r["session_id"], r["span_count"], r["error_count"], r["name"], r["path"]) for r in rows] == [
        ("lib-1", 4, 1, "Support", "/support")]
