"""An argument whose __repr__ raises KeyboardInterrupt or SystemExit does not stop the call."""

from __future__ import annotations

import json
import subprocess
import sys

from support.processes import clean_env, write_app

APP = """
import json, sys
import actiontrace
actiontrace.configure(instrument=[], jsonl_path="traces")

class Hostile:
    def __init__(self, error):
        self.error = error
    def __repr__(self):
        raise self.error

@actiontrace.tool
def step(value, n):
    print("ran", n, flush=True)
    return value

for error in (KeyboardInterrupt, SystemExit, SystemExit(3)):
    step(Hostile(error), 1)  # and again as the result
    step([Hostile(error)], 2)

@actiontrace.tool
def interrupted():
    raise KeyboardInterrupt  # a real Ctrl-C during the call still propagates

try:
    interrupted()
except KeyboardInterrupt:
    print("propagated", flush=True)
actiontrace.shutdown()
inputs = [json.loads(l) for l in open(next(__import__("pathlib").Path("traces").glob("*.jsonl")))]
for line in inputs:
    for rs in line["resourceSpans"]:
        for ss in rs["scopeSpans"]:
            for span in ss["spans"]:
                attrs = {a["key"]: a["value"].get("stringValue") for a in span["attributes"]}
                print("input", attrs.get("actiontrace.input"))
"""


def test_hostile_repr_is_a_placeholder_and_the_function_runs(tmp_path):
    script = write_app(tmp_path, APP)
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env=clean_env())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("ran ") == 6
    assert "propagated" in proc.stdout
    inputs = [line[6:] for line in proc.stdout.splitlines() if line.startswith("input ")]
    assert len(inputs) == 7
    for text in inputs[:6]:
        assert "repr failed" in text or "unserialisable" in text, text
        json.loads(text)
