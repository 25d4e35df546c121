"""Every format of the wide corpus, in every place an agent's data really takes, exported
through ``configure()`` to JSONL files and to a raw OTLP/HTTP receiver: no 8-character run
of any secret reaches a file byte, a wire byte or a logged byte, in raw, JSON-escaped,
percent-encoded or base64 form. The benign look-alikes arrive unchanged. A run with
redaction bypassed must find leaks (the check can fail)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, quote_plus

import pytest

from support.otlp_receiver import OtlpHttpReceiver
from support.paths import ROOT
from support.secret_corpus_wide import KNOWN_LIMITS, wide_benign, wide_secrets

from actiontrace.redaction import _accel

APP = r'''
import json, logging, sys
from urllib.parse import quote, quote_plus
corpus_path, jsonl, examples, endpoint, mode = sys.argv[1:6]
sys.path.insert(0, examples)
logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(message)s")
import openai
from opentelemetry.trace import Status, StatusCode
import actiontrace
from fake_openai_server import FakeOpenAIServer

corpus = json.load(open(corpus_path))
if mode == "bypass":
    from actiontrace.redaction import _exporter
    _exporter.redact_span = lambda span, *args: span
if mode == "resource":
    actiontrace.configure(jsonl_path=jsonl, otlp_endpoint=endpoint, instrument=[], metrics=False,
                          resource_attributes={f"note.{i}": c for i, (_, _, c) in enumerate(corpus["secrets"])})
    with actiontrace.span("one"):
        pass
    actiontrace.shutdown()
    sys.exit(0)
actiontrace.configure(jsonl_path=jsonl, otlp_endpoint=endpoint, instrument=["openai"], metrics=False)

def uescape(text):
    """A JSON document whose string escapes its punctuation as \\u00XX."""
    body = "".join("\\u%04x" % ord(ch) if ch in ':=/@"&?+' else json.dumps(ch)[1:-1] for ch in text)
    return '{"q": "' + body + '"}'

@actiontrace.tool
def use(positional, text, nested, keyed, as_json, raw, buf, view, url, form, escaped):
    return {"echo": positional}

@actiontrace.tool
def fail(text):
    raise RuntimeError(text)

@actiontrace.tool
def benign(text):
    return text

class Hostile(str):
    def __str__(self):
        raise RuntimeError("capture failed on " + self[:0] + HOSTILE)

HOSTILE = corpus["secrets"][0][2]
with FakeOpenAIServer() as server:
    client = openai.OpenAI(base_url=server.base_url, api_key="local", max_retries=0)
    benign(Hostile("x"))
    for family, secret, c in corpus["secrets"]:
        data = c.encode()
        use(c, text=c, nested={"a": {"b": [c, 1]}}, keyed={c: "v", "copy of " + c: 2}, as_json=json.dumps({"q": c}),
            raw=data, buf=bytearray(data), view=memoryview(data),
            url="https://app.example/login?next=" + quote(c, safe=""), form="q=" + quote_plus(c),
            escaped=uescape(c))
        try:
            fail(c)
        except RuntimeError:
            pass
        with actiontrace.session(name=c, user_id=c, properties={"note": c}):
            with actiontrace.span("carrier", note=c, values=[c, "ok"]) as span:
                span.add_event("note", {"detail": c})
                span.set_status(Status(StatusCode.ERROR, c))
        messages = [
            {"role": "user", "content": c},
            {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function",
             "function": {"name": "lookup", "arguments": json.dumps({"q": c})}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": c},
        ]
        header = c if "\n" not in c else secret.splitlines()[1]
        client.chat.completions.create(model="gpt-4o-mini", messages=messages, extra_headers={"X-Note": header})
        try:  # the fake server answers 404 and echoes the path, query included
            client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}],
                                           extra_query={"next": c})
        except openai.NotFoundError:
            pass
        logging.getLogger("actiontrace").warning("could not use %s", c)
    for text in corpus["benign"]:
        benign(text)
actiontrace.shutdown()
'''


def _runs(text: str, n: int = 8) -> set[str]:
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def _forms(secret: str) -> dict[str, str]:
    """The encodings a secret's bytes may take on the way out."""
    forms = {"raw": secret, "json": json.dumps(secret)[1:-1], "json2": json.dumps(json.dumps(secret))[1:-1],
             "percent": quote(secret, safe=""), "plus": quote_plus(secret)}
    for shift in range(3):  # every alignment of the secret within a base64 stream
        encoded = base64.b64encode(secret[shift:].encode()).decode()
        forms[f"base64+{shift}"] = encoded[4:-4]  # the ends depend on the neighbours
    return forms


def forbidden_runs(corpus, other, public: str) -> dict[bytes, str]:
    """Every 8-character run of every form of every secret, minus the runs the format itself
    spells (present in the same format generated from another seed) and public text."""
    out: dict[bytes, str] = {}
    for (family, secret, _), (_, twin, _) in zip(corpus, other):
        for form, text in _forms(secret).items():
            for run in _runs(text) - _runs(_forms(twin)[form]):
                if run not in public:
                    out[run.encode()] = f"{family}/{form}"
    return out


def find_leaks(data: bytes, forbidden: dict[bytes, str]) -> dict[str, bytes]:
    leaks: dict[str, bytes] = {}
    get = forbidden.get
    for i in range(len(data) - 7):
        hit = get(data[i : i + 8])
        if hit is not None and hit not in leaks:
            leaks[hit] = data[max(0, i - 60) : i + 40]
    return leaks


def _run_app(tmp_path, run: str, corpus_file) -> tuple[bytes, bytes, bytes]:
    """(JSONL bytes, OTLP wire bytes, stderr bytes) of one run of the app; ``run`` is the
    app's mode, with the prefilter engine after a ``-`` (the default engine otherwise)."""
    mode, _, engine = run.partition("-")
    jsonl = tmp_path / f"traces-{run}"
    with OtlpHttpReceiver() as receiver:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_", "OPENAI_"))}
        env["PYTHONPATH"] = str(ROOT / "src")
        if engine:  # pinned: "auto" would switch engines mid-run, when its compile lands
            env["ACTIONTRACE_REDACTION_ENGINE"] = engine
        if mode == "resource":
            corpus = json.loads(corpus_file.read_text())["secrets"]
            env["OTEL_RESOURCE_ATTRIBUTES"] = f"db.password={corpus[1][1]},deploy.token={corpus[6][1]}"
        proc = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(APP), str(corpus_file), str(jsonl), str(ROOT / "examples"),
             receiver.base_url, mode], env=env, capture_output=True, timeout=300)
        assert proc.returncode == 0, proc.stderr.decode()[-3000:]
        wire = b"".join(receiver.state.bodies)
    files = b"".join(p.read_bytes() for p in sorted(jsonl.glob("*.jsonl")))
    return files, wire, proc.stderr


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("placements")
    corpus = {"secrets": wide_secrets(), "benign": wide_benign()}
    corpus_file = tmp_path / "corpus.json"
    corpus_file.write_text(json.dumps(corpus))
    names = ["main-re", "resource", "bypass"] + (["main-hyperscan"] if _accel.available() else [])
    with ThreadPoolExecutor(3) as pool:
        results = dict(zip(names, pool.map(lambda m: _run_app(tmp_path, m, corpus_file), names)))
    public = "\n".join(corpus["benign"])
    forbidden = forbidden_runs(corpus["secrets"], wide_secrets(seed=1), public)
    return corpus, results, forbidden


def test_corpus_size():
    assert len({family for family, _, _ in wide_secrets()}) >= 70
    assert len(wide_benign()) >= 20


@pytest.mark.parametrize("run", ["main-re", "main-hyperscan", "resource"])
def test_no_secret_leaves_in_any_form(runs, run):
    corpus, results, forbidden = runs
    if run not in results:
        pytest.skip("hyperscan not installed (optional extra)")
    files, wire, stderr = results[run]
    assert files and wire
    limits = KNOWN_LIMITS[run.partition("-")[2] or "re"]
    leaks = {sink: find_leaks(data, forbidden) for sink, data in (("file", files), ("wire", wire), ("log", stderr))}
    known = {sink: {hit for hit in found if hit.split("/")[0] in limits} for sink, found in leaks.items()}
    unexpected = {sink: {h: ctx for h, ctx in found.items() if h not in known[sink]} for sink, found in leaks.items()}
    assert {sink: found for sink, found in unexpected.items() if found} == {}
    if run.startswith("main"):  # the documented limits are real: when one is fixed, move it out of KNOWN_LIMITS
        assert {h.split("/")[0] for h in known["file"]} == set(limits)


def test_the_check_finds_leaks_when_redaction_is_bypassed(runs):
    corpus, results, forbidden = runs
    files, wire, _ = results["bypass"]
    leaked = {hit.split("/")[0] for hit in find_leaks(files, forbidden)}
    assert len(leaked) >= len(corpus["secrets"]) * 0.9
    assert find_leaks(wire, forbidden)


@pytest.mark.parametrize("run", ["main-re", "main-hyperscan"])
def test_benign_look_alikes_arrive_unchanged(runs, run):
    corpus, results, _ = runs
    if run not in results:
        pytest.skip("hyperscan not installed (optional extra)")
    files = results[run][0].decode()
    lines = [line for line in files.splitlines() if '"execute_tool benign"' in line][1:]  # the first: Hostile
    assert len(lines) == len(corpus["benign"])
    for sample, line in zip(corpus["benign"], lines):
        assert "[REDACTED" not in line, sample
        assert json.dumps(json.dumps(sample))[1:-1][2:-2] in line, sample
