"""configure()'s PII switch (argument, variable, default) and the attribute length limit applied
after redaction, in a fresh process: process-level switches, so one prefilter engine is enough
(the in-process leak-class tests run under both)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap

import pytest
from support.otlp_receiver import OtlpHttpReceiver
from support.paths import ROOT
from support.secret_corpus_wide import _fill


def _leaked(secret: str, out: str) -> set[str]:
    """The 8-character runs of ``secret`` found in ``out``."""
    return {secret[i : i + 8] for i in range(len(secret) - 7)} & {out[i : i + 8] for i in range(len(out) - 7)}

APP = r'''
import sys, actiontrace
kind, jsonl, endpoint = sys.argv[1:4]
args = {"redact_pii": True} if kind == "argument" else {}
actiontrace.configure(jsonl_path=jsonl, otlp_endpoint=endpoint, instrument=[], metrics=False, **args)
with actiontrace.span("s", note="mail ada.lovelace@example.org", long="x " * 50 + sys.argv[4]):
    pass
actiontrace.shutdown()
'''


@pytest.mark.parametrize("kind", ["argument", "variable", "default"])
def test_configure_pii_switch_and_length_limit_after_redaction(tmp_path, kind):
    key = "gsk_" + _fill(random.Random(7), "{a:52}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_"))}
    env.update(PYTHONPATH=str(ROOT / "src"), OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT="120")
    if kind == "variable":
        env["ACTIONTRACE_REDACT_PII"] = "on"
    with OtlpHttpReceiver() as receiver:
        proc = subprocess.run([sys.executable, "-c", textwrap.dedent(APP), kind, str(tmp_path), receiver.base_url, key],
                              env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        wire = b"".join(receiver.state.bodies).decode("utf-8", "replace")
        (span,) = receiver.spans
    files = "".join(p.read_text() for p in tmp_path.glob("*.jsonl"))
    for sink in (files, wire):
        # the SDK would have cut the key after 20 characters, below its rule's minimum length
        assert not _leaked(key[4:], sink)
        assert ("lovelace" in sink) == (kind == "default")
    assert span.attributes["long"] == "x " * 50 + "[REDACTED:groq-key]"[:20]  # cut after redaction
