"""The report page: its inline stylesheet and the HTML around the data and the script (kept in
Python so wheels carry them)."""

from __future__ import annotations

import html
import json
from typing import Any

from ._html_script import REPORT_JS

REPORT_CSS = r"""
:root { --fg:#1d232b; --muted:#6a737d; --line:#e3e7ec; --bg:#fff; --alt:#f6f8fa;
  --agent:#7b5cd6; --llm:#2f80ed; --tool:#f2994a; --workflow:#27ae60; --action:#56ccf2; --event:#bdbdbd;
  --error:#d73a49; --missing:#c9a227; }
* { box-sizing:border-box; }
body { margin:0; font:13px/1.4 -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color:var(--fg); background:var(--bg); }
main { max-width:1360px; margin:0 auto; padding:16px 24px 48px; }
h1 { font-size:20px; margin:4px 0 2px; } h2 { font-size:15px; margin:26px 0 8px; border-bottom:1px solid var(--line); padding-bottom:4px; }
.muted { color:var(--muted); }
.cards { display:flex; gap:10px; flex-wrap:wrap; margin:12px 0; }
.card { border:1px solid var(--line); border-radius:6px; padding:8px 12px; min-width:120px; background:var(--alt); }
.card b { display:block; font-size:17px; }
table { border-collapse:collapse; width:100%; font-variant-numeric:tabular-nums; }
th, td { text-align:right; padding:3px 8px; border-bottom:1px solid var(--line); white-space:nowrap; }
th.text, td.text { text-align:left; } th { background:var(--alt); font-weight:600; }
td.wrap { white-space:normal; }
.err { color:var(--error); font-weight:600; }
ul.tree { list-style:none; padding-left:18px; margin:2px 0; } ul.tree li { margin:1px 0; }
ul.tree > li::before { content:"└ "; color:var(--muted); }
.filters { display:flex; gap:12px; align-items:center; margin:6px 0 10px; }
.filters input[type=search] { width:340px; padding:4px 8px; border:1px solid var(--line); border-radius:4px; font:inherit; }
.trace { border:1px solid var(--line); border-radius:6px; margin:8px 0; }
.trace > summary { cursor:pointer; padding:6px 10px; background:var(--alt); display:flex; gap:12px; align-items:baseline; }
.trace.has-error > summary { box-shadow:inset 4px 0 0 var(--error); }
.trace > summary > span { white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
.trace > summary .root { font-weight:600; width:240px; } .trace > summary .when { width:140px; }
.trace > summary .dur { width:64px; text-align:right; } .trace > summary .count { width:56px; }
.trace > summary .tokens { width:150px; } .trace > summary .cost { width:76px; } .trace > summary .mark { width:72px; }
.trace > summary .num { font-variant-numeric:tabular-nums; }
.wf { display:grid; grid-template-columns:minmax(260px, 34%) 1fr; }
.wf .name, .wf .bar-cell { border-bottom:1px solid var(--line); padding:2px 6px; min-height:22px; }
.wf .name { overflow:hidden; text-overflow:ellipsis; white-space:nowrap; cursor:pointer; }
.wf .name:hover { background:var(--alt); }
.wf .bar-cell { position:relative; overflow:hidden; }
.bar { position:absolute; top:4px; height:14px; border-radius:3px; min-width:2px; background:var(--action); }
.bar.agent { background:var(--agent); } .bar.llm { background:var(--llm); } .bar.tool { background:var(--tool); }
.bar.workflow { background:var(--workflow); } .bar.event { background:var(--event); }
.bar.missing { background:repeating-linear-gradient(45deg, var(--missing), var(--missing) 4px, #fff 4px, #fff 8px); }
.bar.error { background:var(--error); }
.bar-label { position:absolute; top:3px; font-size:11px; color:var(--muted); white-space:nowrap; }
.bar-label.inside { color:#fff; text-shadow:0 0 2px rgba(0,0,0,.45); }
.type { display:inline-block; font-size:10px; padding:0 4px; border-radius:3px; background:var(--line); margin-right:4px; }
.detail { grid-column:1 / span 2; padding:6px 12px 10px 24px; background:#fbfcfd; border-bottom:1px solid var(--line); }
.section { margin:4px 0 8px; }
.section > .head { font-weight:600; margin-bottom:3px; }
.section > .head .muted { font-weight:400; }
.msg { border-left:4px solid var(--line); background:#fff; border-radius:4px; padding:4px 8px; margin:4px 0; max-width:980px; }
.msg .role { font-size:11px; font-weight:600; text-transform:uppercase; color:var(--muted); }
.msg.system { border-color:#9aa5b1; background:var(--alt); } .msg.user { border-color:var(--llm); }
.msg.assistant { border-color:var(--agent); } .msg.tool { border-color:var(--tool); }
.msg.output { box-shadow:0 0 0 1px var(--line); }
.call { font-family:ui-monospace, "DejaVu Sans Mono", monospace; font-size:12px; color:#8a4b08; }
pre, .text { font-family:ui-monospace, "DejaVu Sans Mono", monospace; font-size:12px; white-space:pre-wrap;
  word-break:break-word; margin:2px 0; }
.text.prose { font-family:inherit; font-size:13px; }
details.long > summary { cursor:pointer; color:var(--muted); }
.kv { display:grid; grid-template-columns:max-content 1fr; gap:2px 12px; }
.kv > .k { color:var(--muted); }
.error-box { border-left:4px solid var(--error); background:#fff5f5; padding:4px 8px; border-radius:4px; }
#js-error { background:var(--error); color:#fff; padding:8px; }
"""


def _json_for_script(data: dict[str, Any]) -> str:
    # ensure_ascii keeps U+2028/9 out; "<", ">" and "&" as \u escapes (legal only inside JSON strings,
    # where they all are) so no recorded text can close the data block or open a comment in it.
    text = json.dumps(data, ensure_ascii=True, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_page(data: dict[str, Any], title: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f"<title>{html.escape(title)}</title><style>{REPORT_CSS}</style></head>\n<body>\n"
        f"<script type=\"application/json\" id=\"actiontrace-data\">{_json_for_script(data)}</script>\n"
        "<main id=\"app\"><noscript>This report needs JavaScript.</noscript></main>\n"
        f"<script>{REPORT_JS}</script>\n</body></html>\n"
    )
