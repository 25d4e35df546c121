"""What the page shows, checked in headless Chromium on traces the library wrote (real openai client,
scripted server): the conversation of each LLM call, the tool's arguments and result, the exception,
the collapsed rows newest first, the filter, labels inside their cells, hostile text kept as text."""

from __future__ import annotations

import re

import pytest

from support.browser import chromium, console_errors, probe  # noqa: F401  (chromium is a fixture)
from support.cli_traces import run_cli
from support.html_agent import ERROR_MESSAGE, SYSTEM_PROMPT, write_agent_traces

# A prompt that becomes markup if any text reaches innerHTML: a script, an image whose onerror runs
# (the page's CSP blocks the image, so onerror fires), and a closing tag for the data block.
HOSTILE = ('Find <script>document.body.dataset.pwned="script"</script>'
           '<img src=x onerror="document.body.dataset.pwned=\'img\'"> trail shoes </script><!--')


@pytest.fixture(scope="module")
def agent_traces(tmp_path_factory):
    return write_agent_traces(tmp_path_factory.mktemp("agent") / "traces", HOSTILE)


@pytest.fixture(scope="module")
def agent_page(agent_traces):
    page = agent_traces.parent / "report.html"
    run_cli("html", str(agent_traces) + "/", "-o", str(page), check_rc=0)  # trailing slash, as in the README
    return page


OPEN_EVERYTHING = """
var traces = [].slice.call(document.querySelectorAll("details.trace"));
traces.forEach(function (t) { t.open = true; });
[].forEach.call(document.querySelectorAll(".span-name"), function (n) { n.click(); });
function sections(kind) {
  return [].map.call(document.querySelectorAll('.section[data-kind="' + kind + '"]'), function (s) {
    return {text: s.textContent, visible: s.offsetHeight > 0}; });
}
report({
  ids: traces.map(function (t) { return t.dataset.traceId; }),
  summaries: traces.map(function (t) {  // the collapsed row's cells, " | " between them
    return [].map.call(t.querySelector("summary").children, function (c) { return c.textContent; }).join(" | "); }),
  conversation: sections("conversation"), tool: sections("tool"), error: sections("error"), io: sections("io"),
  events: sections("events"),
  roles: [].map.call(document.querySelectorAll(".msg .role"), function (r) { return r.textContent; }),
  from: document.querySelector("main > .muted").textContent,
  pwned: document.body.dataset.pwned || null,
  images: document.querySelectorAll("img").length,
  scripts: document.querySelectorAll("script").length
});
"""


def test_rows_show_conversation_tool_and_error(chromium, agent_page, agent_traces, tmp_path):
    seen, proc = probe(chromium, agent_page, tmp_path, OPEN_EVERYTHING)
    assert console_errors(proc.stderr) == [] and 'id="js-error"' not in proc.stdout
    # Three LLM calls (two in the good run, one before the failing tool), all drawn and visible.
    assert len(seen["conversation"]) == 3 and all(s["visible"] for s in seen["conversation"])
    first_call = next(s["text"] for s in seen["conversation"] if "trail shoes" in s["text"] and "tool_calls" in s["text"])
    assert SYSTEM_PROMPT in first_call and HOSTILE in first_call  # system prompt, the user's text verbatim
    assert "call search_database" in first_call and '"query": "Find <script>' in first_call
    assert re.search(r"tokens \d+→\d+ · cost \$0\.0000\d\d", first_call)
    answer = next(s["text"] for s in seen["conversation"] if "finish stop" in s["text"])
    assert "result of call_" in answer and "Here is what I found for" in answer
    assert seen["roles"][:3] == ["system", "user", "assistant · output · finish tool_calls"]
    # The tool rows: arguments and result (the failing one has no result).
    tools = [s["text"] for s in seen["tool"]]
    assert len(tools) == 2 and all(s["visible"] for s in seen["tool"])
    ok = next(t for t in tools if "trail shoes" in t)
    assert ok.startswith("Tool search_database") and "arguments" in ok and "result" in ok and '"count": 1' in ok
    # The exception on the tool and on the agent it escaped from: type, message, stack trace.
    errors = [s["text"] for s in seen["error"]]
    assert len(errors) == 2 and all(f"LookupError: {ERROR_MESSAGE}" in e for e in errors)
    assert all("Traceback (most recent call last)" in e and "search_database" in e for e in errors)
    # The agent's own input and output.
    assert any("question" in s["text"] and "output" in s["text"] for s in seen["io"])
    # Hostile text stayed text: nothing ran, no element was made from it.
    assert seen["pwned"] is None and seen["images"] == 0 and seen["scripts"] == 3  # data, page, probe
    assert "<img src=\"x\"" not in proc.stdout


def test_collapsed_rows_newest_first_with_the_cli_numbers(chromium, agent_page, agent_traces, tmp_path):
    seen, _ = probe(chromium, agent_page, tmp_path, OPEN_EVERYTHING)
    headers = [line for line in run_cli("view", str(agent_traces), "--no-io", check_rc=0).stdout.splitlines()
               if line.startswith("trace ")]
    assert len(headers) == 2 and "shop-ok" in headers[0]
    # Newest first: the failing run came second.
    assert [s.split("session ")[1].split(" | ")[0] for s in seen["summaries"]] == ["shop-failing", "shop-ok"]
    for summary, header in zip(seen["summaries"], reversed(headers)):
        assert summary.startswith("invoke_agent shop-agent | ")
        tokens, cost = re.search(r"tokens (\S+) · (\$\S+)", header).groups()
        assert f" | tokens {tokens} | {cost} | " in summary  # the same formatter as the terminal
        assert re.search(r" \| [\d.]+ ms \| ", summary)
    assert " | ✖ 2 errors | " in seen["summaries"][0] and "error" not in seen["summaries"][1]
    assert seen["from"].endswith("· from traces")  # a trailing slash still names the directory


FILTER = """
var f = document.getElementById("filter"), only = document.getElementById("errors-only");
function shown() {
  return [].filter.call(document.querySelectorAll("details.trace"), function (t) { return t.offsetHeight > 0; })
    .map(function (t) { return t.querySelector("summary .session").textContent; });
}
function type(text) { f.value = text; f.dispatchEvent(new Event("input")); return shown(); }
var out = {all: shown(), session: type("shop-ok"), error: type("error"), agent: type("SHOP-AGENT"),
           none: type("no such trace")};
out.count = document.getElementById("shown-count").textContent;
type("");
only.checked = true; only.dispatchEvent(new Event("change"));
out.only = shown();
report(out);
"""


def test_filter_by_name_session_and_error(chromium, agent_page, tmp_path):
    seen, proc = probe(chromium, agent_page, tmp_path, FILTER)
    assert console_errors(proc.stderr) == []
    both = ["session shop-failing", "session shop-ok"]
    assert seen["all"] == both and seen["agent"] == both
    assert seen["session"] == ["session shop-ok"]
    assert seen["error"] == ["session shop-failing"] and seen["only"] == ["session shop-failing"]
    assert seen["none"] == [] and seen["count"] == "0 of 2 shown"


LAYOUT = """
[].forEach.call(document.querySelectorAll("details.trace"), function (t) { t.open = true; });
var clipped = [];
[].forEach.call(document.querySelectorAll(".bar-cell"), function (cell) {
  var label = cell.querySelector(".bar-label"), c = cell.getBoundingClientRect(), l = label.getBoundingClientRect();
  if (l.left < c.left - 0.5 || l.right > c.right + 0.5) clipped.push(label.textContent);
});
var roots = [].map.call(document.querySelectorAll(".wf"), function (wf) { return wf.querySelector(".bar-label").textContent; });
var align = {};
[].forEach.call(document.querySelectorAll("h2"), function (h) {
  var t = h.nextElementSibling;
  if (t && t.tagName === "TABLE") align[h.textContent] = [].map.call(t.querySelectorAll("tbody tr:first-child td"),
    function (td) { return getComputedStyle(td).textAlign; });
});
report({clipped: clipped, roots: roots, align: align});
"""


def test_labels_stay_in_their_cells_and_names_are_left_aligned(chromium, agent_page, tmp_path):
    seen, _ = probe(chromium, agent_page, tmp_path, LAYOUT)
    assert seen["clipped"] == []
    assert len(seen["roots"]) == 2 and all(re.fullmatch(r"[\d.]+ (ms|µs|s)", r) for r in seen["roots"])
    sessions = seen["align"]["Sessions"]
    assert sessions[:2] == ["left", "left"] and set(sessions[2:]) == {"right"}  # id and name, then numbers
    assert seen["align"]["Statistics by span name"][0] == "left"


def test_same_named_inputs_are_told_apart(chromium, agent_traces, tmp_path):
    import shutil

    for side in ("eu", "us"):
        shutil.copytree(agent_traces, tmp_path / side / "traces")
    page = tmp_path / "two.html"
    run_cli("html", str(tmp_path / "eu" / "traces"), str(tmp_path / "us" / "traces"), "-o", str(page), check_rc=0)
    seen, _ = probe(chromium, page, tmp_path, 'report({from: document.querySelector("main > .muted").textContent});')
    assert seen["from"].endswith("· from eu/traces, us/traces")


def test_content_in_events_only_still_shows_the_conversation_and_the_events(chromium, tmp_path):
    """With EVENT_ONLY the messages are in gen_ai.client.inference.operation.details events
    (logs-*.jsonl), not on the spans: the page reads the conversation from there and lists the events."""
    directory = write_agent_traces(tmp_path / "traces", HOSTILE, content_mode="EVENT_ONLY")
    assert sorted(p.name.split("-")[0] for p in directory.iterdir()) == ["logs", "traces"]
    page = tmp_path / "events.html"
    run_cli("html", str(directory), "-o", str(page), check_rc=0)
    seen, proc = probe(chromium, page, tmp_path, OPEN_EVERYTHING)
    assert console_errors(proc.stderr) == []
    assert len(seen["conversation"]) == 3 and len(seen["events"]) == 3
    assert all(s["visible"] for s in seen["events"])
    assert all("gen_ai.client.inference.operation.details · in: user:" in s["text"] or "in: tool:" in s["text"]
               for s in seen["events"])
    first_call = next(s["text"] for s in seen["conversation"] if "trail shoes" in s["text"] and "tool_calls" in s["text"])
    assert SYSTEM_PROMPT in first_call and HOSTILE in first_call and "call search_database" in first_call
    assert seen["pwned"] is None and seen["images"] == 0
