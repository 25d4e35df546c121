"""The example agent (examples/agent.py), run as a real process configured only through the standard
OTEL_EXPORTER_OTLP_* variables, into Arize Phoenix: directly and through rotel, over http/protobuf and
grpc. Phoenix's REST API must give back every span the run recorded in its JSONL file, once, with
its parent links and GenAI attributes, and nowhere the fake API key the example passes to a tool.
Replay: `actiontrace replay` of that JSONL file into Phoenix stores the same spans as live export.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from actiontrace import _vocabulary as A

from support.spans_compare import assert_same_spans, from_phoenix, read_jsonl_dir

pytestmark = pytest.mark.backend

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "agent.py"
# The example makes up a key in this format at run time; redaction must have removed it everywhere.
SECRET = re.compile(r"sk-proj-[A-Za-z0-9]{20,}")
DEMO_MODEL = "gpt-4o-mini"  # the example's default model name (its embedded server answers for it)


def run_example(cwd: Path, project: str, **otel_env: str) -> subprocess.CompletedProcess:
    # No OPENAI_*: the example must use its embedded OpenAI-compatible server, never the network.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_", "OPENAI_"))}
    env.update(otel_env)
    env["ACTIONTRACE_JSONL_PATH"] = str(cwd / "traces")
    env["OTEL_RESOURCE_ATTRIBUTES"] = f"openinference.project.name={project}"
    done = subprocess.run([sys.executable, str(EXAMPLE)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, f"example failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def assert_forest(spans: list[dict]) -> None:
    """Every trace has one root and every parent link points at a stored span of the same trace."""
    by_id = {s["span_id"]: s for s in spans}
    traces: dict[str, list[dict]] = {}
    for s in spans:
        traces.setdefault(s["trace_id"], []).append(s)
    for trace_id, members in traces.items():
        roots = [s["name"] for s in members if s["parent_span_id"] is None]
        assert len(roots) == 1, f"trace {trace_id}: roots {roots}"
    for s in spans:
        if s["parent_span_id"]:
            parent = by_id.get(s["parent_span_id"])
            assert parent is not None, f"{s['name']}: parent {s['parent_span_id']} missing"
            assert parent["trace_id"] == s["trace_id"], f"{s['name']}: parent in another trace"


def _ancestors(span: dict, by_id: dict[str, dict]) -> list[dict]:
    out = []
    while span["parent_span_id"] in by_id:
        span = by_id[span["parent_span_id"]]
        out.append(span)
    return out


def assert_genai_shape(spans: list[dict]) -> None:
    by_id = {s["span_id"]: s for s in spans}
    ops = [s["attributes"].get(A.GEN_AI_OPERATION_NAME) for s in spans]
    assert {"invoke_agent", "chat", "execute_tool"} <= set(ops), ops
    tools = [s for s in spans if s["attributes"].get(A.GEN_AI_OPERATION_NAME) == "execute_tool"]
    assert {t["attributes"].get(A.GEN_AI_TOOL_NAME) for t in tools} == {"search_database", "fetch_weather"}
    for tool in tools:
        assert tool["name"] == f"execute_tool {tool['attributes'][A.GEN_AI_TOOL_NAME]}"
        assert tool["attributes"].get(A.GEN_AI_TOOL_CALL_ID), tool["attributes"]
        assert A.GEN_AI_TOOL_CALL_ARGUMENTS in tool["attributes"], tool["attributes"]
        agents = [a for a in _ancestors(tool, by_id) if a["attributes"].get(A.GEN_AI_OPERATION_NAME) == "invoke_agent"]
        assert agents, f"{tool['name']} is not inside an agent span"
        assert agents[0]["attributes"].get(A.GEN_AI_AGENT_NAME) == "complete-agent"
    chats = [s for s in spans if s["attributes"].get(A.GEN_AI_OPERATION_NAME) == "chat"]
    assert chats
    for chat in chats:
        attrs = chat["attributes"]
        assert attrs.get(A.GEN_AI_PROVIDER_NAME) == "openai"
        assert attrs.get(A.GEN_AI_REQUEST_MODEL) == DEMO_MODEL
        assert isinstance(attrs.get(A.GEN_AI_USAGE_INPUT_TOKENS), int) and attrs[A.GEN_AI_USAGE_INPUT_TOKENS] > 0
        assert isinstance(attrs.get(A.GEN_AI_USAGE_OUTPUT_TOKENS), int)


def assert_no_secret(raw_spans: list[dict], trace_dir: Path) -> None:
    text = json.dumps(raw_spans)
    assert not SECRET.search(text), f"secret reached the backend: {SECRET.search(text).group()[:12]}..."
    for file in trace_dir.rglob("*.jsonl"):
        assert not SECRET.search(file.read_text()), f"secret written to {file}"
    # Not vacuous: the argument that carried the key was captured, and redaction marked it.
    assert "credentials" in text and "[REDACTED" in text, "the credentials argument was not captured and redacted"


ROUTES = [
    pytest.param("direct", "http/protobuf", id="http-direct"),
    pytest.param("direct", "grpc", id="grpc-direct"),
    pytest.param("rotel", "http/protobuf", id="http-via-rotel"),
    pytest.param("rotel", "grpc", id="grpc-via-rotel"),
]


@pytest.mark.parametrize(("route", "protocol"), ROUTES)
def test_example_agent_spans_arrive_once_intact_and_redacted(request, phoenix, project, tmp_path, route, protocol):
    target = request.getfixturevalue("rotel") if route == "rotel" else phoenix
    endpoint = target.grpc_endpoint if protocol == "grpc" else target.base_url
    run_example(tmp_path, project, OTEL_EXPORTER_OTLP_ENDPOINT=endpoint, OTEL_EXPORTER_OTLP_PROTOCOL=protocol)

    recorded = read_jsonl_dir(tmp_path / "traces")
    assert len(recorded) >= 8, f"the example recorded only {len(recorded)} spans"
    raw = phoenix.wait_for_spans(project, len(recorded))
    stored = [from_phoenix(s) for s in raw]
    assert_same_spans(recorded, stored)
    assert_forest(stored)
    assert_genai_shape(stored)
    assert_no_secret(raw, tmp_path / "traces")


def _delete_project(phoenix, project: str) -> None:
    req = urllib.request.Request(f"{phoenix.base_url}/v1/projects/{project}", method="DELETE")
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status in (200, 204)
    assert phoenix.spans(project) == []


@pytest.mark.parametrize("protocol", ["http/protobuf", "grpc"])
def test_replay_of_the_jsonl_file_stores_what_live_export_stored(phoenix, project, tmp_path, protocol):
    run_example(tmp_path, project, OTEL_EXPORTER_OTLP_ENDPOINT=phoenix.base_url,
                OTEL_EXPORTER_OTLP_PROTOCOL="http/protobuf")
    recorded = read_jsonl_dir(tmp_path / "traces")
    live = [from_phoenix(s) for s in phoenix.wait_for_spans(project, len(recorded))]
    assert_same_spans(recorded, live)

    # Same project (the resource travels in the file), emptied first so replayed spans are all that is there.
    _delete_project(phoenix, project)
    endpoint = phoenix.grpc_endpoint if protocol == "grpc" else phoenix.base_url
    done = subprocess.run([sys.executable, "-m", "actiontrace", "replay", str(tmp_path / "traces"),
                           "--endpoint", endpoint, "--protocol", protocol],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    replayed = [from_phoenix(s) for s in phoenix.wait_for_spans(project, len(recorded))]
    # Both went through Phoenix's storage, so even the timestamps must match exactly.
    assert_same_spans(live, replayed, time_tolerance_ns=0)
    assert_same_spans(recorded, replayed)
