"""`actiontrace html`: a self-contained page, checked in headless Chromium (support.browser)."""

from __future__ import annotations

import re

import pytest

from support.browser import browse, chromium, console_errors  # noqa: F401  (chromium is a fixture)
from support.cli_traces import build_agent_traces, new_tracer, run_cli, write_jsonl


@pytest.fixture()
def report(tmp_path):
    tracer, exporter = new_tracer()
    build_agent_traces(tracer, session_id="s-html")
    build_agent_traces(tracer, session_id="s-html-2", fail_tool=False)
    path = write_jsonl(tmp_path / "t.jsonl", exporter.get_finished_spans())
    # Hostile content must stay text.
    with open(path, "a") as fh:
        fh.write('{"action": "</script><img src=x onerror=alert(1)>", "started_at": "2023-11-14T22:13:25Z",'
                 ' "duration_ms": 5, "status": "success"}\n')
    out = tmp_path / "report.html"
    run_cli("html", str(path), "-o", str(out), check_rc=0)
    return out


def test_page_is_self_contained(report):
    html = report.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # nothing fetched
    assert "<link" not in html and "@import" not in html
    assert html.count("</script>") == 2  # data block and the script; the hostile name is escaped


def test_page_renders_spans_without_console_errors(chromium, report, tmp_path):
    proc = browse(chromium, report, tmp_path, "--dump-dom")
    dom = proc.stdout
    assert 'data-rendered="1"' in dom, proc.stderr[-2000:]
    assert 'id="js-error"' not in dom
    assert console_errors(proc.stderr) == []
    # Span names are in elements the script created (the waterfall rows).
    rows = re.findall(r'<div class="name span-name"[^>]*>(.*?)</div>', dom)
    names = [re.sub(r"<[^>]+>", "", r) for r in rows]
    assert sum("invoke_agent support" in n for n in names) == 2
    assert sum("execute_tool search_database" in n for n in names) == 6
    assert any("&lt;/script&gt;&lt;img" in r for r in rows)  # shown as text, not markup
    assert "<img src=\"x\"" not in dom
    assert "Decision tree" in dom and "Statistics by span name" in dom
    assert re.search(r"<td[^>]*>execute_tool search_database</td><td>6</td>", dom)


def test_screenshot(chromium, report, tmp_path):
    shot = tmp_path / "report.png"
    browse(chromium, report, tmp_path, f"--screenshot={shot}", "--window-size=1400,900")
    assert shot.exists() and shot.stat().st_size > 20_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_script_errors_are_detected(chromium, report, tmp_path):
    """The checks above can fail: a page whose script throws is caught."""
    broken = tmp_path / "broken.html"
    broken.write_text(report.read_text().replace('document.body.setAttribute("data-rendered", "1");',
                                                 'throw new Error("deliberate");'))
    proc = browse(chromium, broken, tmp_path, "--dump-dom")
    assert 'data-rendered="1"' not in proc.stdout
    assert 'id="js-error"' in proc.stdout
    assert any("deliberate" in line for line in console_errors(proc.stderr))
