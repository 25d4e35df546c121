"""Make the screenshots of ``actiontrace html`` in docs/img/ with headless Chromium.

Three states, each from traces written by the library itself in a child process:
  html-tool-session.png  the example agent (real openai client, embedded scripted server):
                         the conversation of an LLM call that asked for a tool, and the tool's row
  html-error.png         an agent whose tool raises: the exception with its stack trace
  html-70-traces.png     70 agent runs: the collapsed rows, newest first

Run:  .venv/bin/python scripts/html_screenshots.py [--chromium /usr/bin/chromium] [--out docs/img]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ERROR_AGENT = textwrap.dedent("""
    import sys
    import actiontrace
    actiontrace.configure(service_name="screenshot", jsonl_path=sys.argv[1], instrument=[])

    @actiontrace.tool
    def lookup_order(order_id: str) -> dict:
        if order_id.startswith("B"):
            raise TimeoutError(f"orders database did not answer for {order_id} within 2.0 s")
        return {"order_id": order_id, "status": "shipped"}

    @actiontrace.llm(model="gpt-4o-mini")
    def plan(question: str) -> str:
        actiontrace.record_usage(input_tokens=180, output_tokens=24)
        return "call lookup_order"

    @actiontrace.agent(name="order-agent")
    def run(question: str, order_id: str) -> str:
        plan(question)
        return str(lookup_order(order_id))

    with actiontrace.session(session_id="orders-1", name="Orders"):
        try:
            run("Where is my order B-1042?", "B-1042")
        except TimeoutError:
            pass
    actiontrace.shutdown()
""")

MANY_AGENT = textwrap.dedent("""
    import random, sys
    import actiontrace
    actiontrace.configure(service_name="screenshot", jsonl_path=sys.argv[1], instrument=[])
    rng = random.Random(7)

    @actiontrace.tool
    def search_database(query: str) -> dict:
        if rng.random() < 0.12:
            raise TimeoutError("database timed out")
        return {"rows": rng.randint(0, 9)}

    @actiontrace.llm(model="gpt-4o-mini")
    def think(prompt: str) -> str:
        actiontrace.record_usage(input_tokens=rng.randint(40, 900), output_tokens=rng.randint(5, 200))
        return "ok"

    def make_agent(name):
        @actiontrace.agent(name=name)
        def run(question: str) -> str:
            think(question)
            for _ in range(rng.randint(0, 3)):
                try:
                    search_database(question)
                except TimeoutError:
                    pass
            return think(question)
        return run

    agents = [make_agent(n) for n in ("support-agent", "billing-agent", "research-agent")]
    for i in range(70):
        with actiontrace.session(session_id=f"user-{i % 12:02d}", name="Support"):
            agents[i % 3](f"question {i}")
    actiontrace.shutdown()
""")

# Appended to a copy of the page: opens the rows a screenshot is about, in the newest trace.
OPEN_ROWS = """
<script>
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll(".trace:first-of-type .span-name"));
  var wanted = %s;
  rows.forEach(function (r) {
    if (wanted.length && r.textContent.indexOf(wanted[0]) >= 0) { r.click(); wanted.shift(); }
  });
})();
</script>
"""


def env() -> dict:
    e = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ACTIONTRACE_", "OPENAI_"))}
    e["PYTHONPATH"] = str(ROOT / "src")
    return e


def traces(work: Path, name: str, code: str | None) -> Path:
    directory = work / name / "traces"
    directory.mkdir(parents=True)
    if code is None:  # the example agent writes ./traces
        subprocess.run([sys.executable, str(ROOT / "examples" / "agent.py")], cwd=directory.parent, env=env(),
                       check=True, capture_output=True, timeout=120)
    else:
        subprocess.run([sys.executable, "-c", code, str(directory)], env=env(), check=True, capture_output=True,
                       timeout=120)
    return directory


def page(work: Path, directory: Path, name: str, open_rows: list[str]) -> Path:
    out = work / f"{name}.html"
    subprocess.run([sys.executable, "-m", "actiontrace", "html", str(directory), "-o", str(out)], env=env(),
                   check=True, capture_output=True, timeout=120)
    text = out.read_text(encoding="utf-8")
    probe = OPEN_ROWS % json.dumps(open_rows)
    out.write_text(text.replace("</body>", probe + "</body>"), encoding="utf-8")
    return out


def shoot(chromium: str, html: Path, png: Path, work: Path, height: int) -> None:
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--hide-scrollbars", f"--user-data-dir={work / ('profile-' + png.stem)}",
                    f"--window-size=1400,{height}", f"--screenshot={png}", html.as_uri()],
                   check=True, capture_output=True, timeout=120)
    print(f"wrote {png} ({png.stat().st_size:,} bytes)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        states = [
            ("html-tool-session", None, ["chat gpt-4o-mini", "execute_tool", "chat gpt-4o-mini"], 1500),
            ("html-error", ERROR_AGENT, ["lookup_order"], 1000),
            ("html-70-traces", MANY_AGENT, [], 1100),
        ]
        for name, code, open_rows, height in states:
            html = page(work, traces(work, name, code), name, open_rows)
            shoot(args.chromium, html, out / f"{name}.png", work, height)
    return 0


if __name__ == "__main__":
    sys.exit(main())
