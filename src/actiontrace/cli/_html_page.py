"""The report page's inline stylesheet and script (kept in Python so wheels carry them)."""

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
th:first-child, td:first-child { text-align:left; } th { background:var(--alt); font-weight:600; }
td.wrap { white-space:normal; text-align:left; }
.err { color:var(--error); font-weight:600; }
ul.tree { list-style:none; padding-left:18px; margin:2px 0; } ul.tree li { margin:1px 0; }
ul.tree > li::before { content:"└ "; color:var(--muted); }
.trace { border:1px solid var(--line); border-radius:6px; margin:10px 0; }
.trace > summary { cursor:pointer; padding:6px 10px; background:var(--alt); font-weight:600; }
.wf { display:grid; grid-template-columns:minmax(260px, 34%) 1fr; }
.wf .name, .wf .bar-cell { border-bottom:1px solid var(--line); padding:2px 6px; min-height:22px; }
.wf .name { overflow:hidden; text-overflow:ellipsis; white-space:nowrap; cursor:pointer; }
.wf .bar-cell { position:relative; overflow:hidden; }
.bar { position:absolute; top:4px; height:14px; border-radius:3px; min-width:2px; background:var(--action); }
.bar.agent { background:var(--agent); } .bar.llm { background:var(--llm); } .bar.tool { background:var(--tool); }
.bar.workflow { background:var(--workflow); } .bar.event { background:var(--event); }
.bar.missing { background:repeating-linear-gradient(45deg, var(--missing), var(--missing) 4px, #fff 4px, #fff 8px); }
.bar.error { background:var(--error); }
.bar-label { position:absolute; top:3px; font-size:11px; color:var(--muted); white-space:nowrap; }
.type { display:inline-block; font-size:10px; padding:0 4px; border-radius:3px; background:var(--line); margin-right:4px; }
.detail { grid-column:1 / span 2; padding:4px 10px 6px 24px; background:#fbfcfd; border-bottom:1px solid var(--line);
  font-family:ui-monospace, "DejaVu Sans Mono", monospace; font-size:12px; white-space:pre-wrap; word-break:break-all; }
#js-error { background:var(--error); color:#fff; padding:8px; }
"""

REPORT_JS = r"""
(function () {
  "use strict";
  window.onerror = function (msg, src, line) {
    var box = document.createElement("div");
    box.id = "js-error";
    box.textContent = "report script error: " + msg + " (line " + line + ")";
    document.body.insertBefore(box, document.body.firstChild);
  };
  var data = JSON.parse(document.getElementById("actiontrace-data").textContent);
  var app = document.getElementById("app");
  app.textContent = "";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function dur(ms) {
    if (ms === null || ms === undefined) return "-";
    if (ms >= 60000) return (ms / 60000).toFixed(1) + " min";
    if (ms >= 1000) return (ms / 1000).toFixed(2) + " s";
    if (ms >= 1) return ms.toFixed(1) + " ms";
    return Math.round(ms * 1000) + " \u00b5s";
  }
  function pct(x) { return (x * 100).toFixed(1) + "%"; }
  function num(n) { return n ? Number(n).toLocaleString("en-US") : "-"; }
  function cost(c) {  // a single small call costs millionths of a dollar: keep two significant digits
    if (!c) return "-";
    c = Number(c);
    return "$" + (c < 0.0001 ? c.toPrecision(2) : c.toFixed(4));
  }
  function table(headers, rows, errCol) {
    var t = el("table"), tr = add(add(t, el("thead")), el("tr"));
    headers.forEach(function (h) { add(tr, el("th", null, h)); });
    var body = add(t, el("tbody"));
    rows.forEach(function (r) {
      var row = add(body, el("tr"));
      r.forEach(function (c, i) {
        var bad = i === errCol && parseFloat(String(c)) > 0;
        var td = add(row, el("td", bad ? "err" : null, c));
        if (i === 0) td.className = "wrap";
      });
    });
    return t;
  }

  var st = data.stats, tot = st.totals;
  add(app, el("h1", null, data.title));
  add(app, el("div", "muted", (tot.start ? tot.start + " \u2192 " + tot.end : "no spans") +
    " \u00b7 from " + data.generated_from.join(", ")));
  var cards = add(app, el("div", "cards"));
  [["spans", num(tot.count)], ["traces", num(tot.traces)], ["sessions", num(tot.sessions)],
   ["errors", String(tot.errors || 0) + " (" + pct(tot.error_rate) + ")"], ["tokens in / out", num(tot.input_tokens) + " / " + num(tot.output_tokens)],
   ["cost", cost(tot.cost_usd)], ["p95 span", dur(tot.p95_ms)]].forEach(function (c) {
    var card = add(cards, el("div", "card"));
    add(card, el("span", "muted", c[0])); add(card, el("b", null, c[1]));
  });

  var nav = add(app, el("div", "muted nav"));
  [["#traces", "Traces"], ["#tree", "Decision tree"], ["#stats", "Statistics"]].forEach(function (l, i) {
    if (i) add(nav, document.createTextNode(" \u00b7 "));
    var a = add(nav, el("a", null, l[1])); a.href = l[0];
  });
  var tracesSec = add(app, el("section")); tracesSec.id = "traces";
  var treeSec = add(app, el("section")); treeSec.id = "tree";
  var statsSec = add(app, el("section")); statsSec.id = "stats";
  app = statsSec;
  add(app, el("h2", null, "Statistics by span name"));
  add(app, table(["name", "count", "errors", "p50", "p95", "max", "tokens in", "tokens out", "cost"],
    st.groups.map(function (g) { return [g.key, g.count, pct(g.error_rate), dur(g.p50_ms), dur(g.p95_ms),
      dur(g.max_ms), num(g.input_tokens), num(g.output_tokens), cost(g.cost_usd)]; }), 2));

  if (st.sessions.length) {
    add(app, el("h2", null, "Sessions"));
    add(app, table(["session", "name", "traces", "spans", "errors", "duration", "tokens in", "tokens out", "cost"],
      st.sessions.map(function (s) { return [s.session_id, s.name || "", s.traces, s.spans, s.errors,
        dur(s.duration_ms), num(s.input_tokens), num(s.output_tokens), cost(s.cost_usd)]; }), 4));
  }
  if (st.slow_tools.length) {
    add(app, el("h2", null, "Tools (slowest p95 first)"));
    add(app, table(["tool", "calls", "error rate", "p50", "p95", "max"],
      st.slow_tools.map(function (g) { return [g.key, g.count, pct(g.error_rate), dur(g.p50_ms), dur(g.p95_ms), dur(g.max_ms)]; }), 2));
  }
  add(app, el("h2", null, "Repeated identical tool calls in one trace"));
  var rep = st.repeated_tool_calls;
  if (rep.findings) {
    add(app, el("div", "muted", rep.findings + " finding(s), " + rep.extra_calls + " unnecessary call(s)"));
    add(app, table(["tool", "calls", "arguments", "trace"], rep.top.map(function (f) {
      return [f.tool, f.calls, f.arguments, f.trace_id]; })));
  } else { add(app, el("div", "muted", "none")); }
  add(app, el("h2", null, "Agents at their iteration limit"));
  var hit = st.iteration_limits.filter(function (a) { return a.limit_reached; });
  if (hit.length) {
    add(app, table(["agent", "runs", "limit reached", "rate"], hit.map(function (a) {
      return [a.agent, a.runs, a.limit_reached, pct(a.rate)]; })));
  } else { add(app, el("div", "muted", "none")); }

  app = treeSec;
  add(app, el("h2", null, "Decision tree (all traces, by path)"));
  function treeList(node) {
    var ul = el("ul", "tree");
    node.children.forEach(function (c) {
      var li = add(ul, el("li"));
      add(li, el("b", null, c.name));
      add(li, el("span", "muted", "  \u00d7" + c.count + "  avg " + dur(c.count ? c.total_ms / c.count : 0)));
      if (c.errors) add(li, el("span", "err", "  " + c.errors + " error(s)"));
      if (c.children.length) add(li, treeList(c));
    });
    return ul;
  }
  add(app, treeList(data.tree));

  app = tracesSec;
  add(app, el("h2", null, "Traces" + (data.traces_total > data.traces.length ?
    " (latest " + data.traces.length + " of " + data.traces_total + ")" : "")));
  data.traces.forEach(function (t, index) {
    var box = add(app, el("details", "trace"));
    box.dataset.traceId = t.id;
    if (index >= data.traces.length - 5) box.open = true;
    var sum = add(box, el("summary", null, "trace " + t.id));
    add(sum, el("span", "muted", "  " + t.start + " \u00b7 " + t.count + " spans \u00b7 " + dur(t.dur) +
      (t.session ? " \u00b7 session " + t.session : "")));
    if (t.errors) add(sum, el("span", "err", "  " + t.errors + " error(s)"));
    var wf = add(box, el("div", "wf")), total = t.dur > 0 ? t.dur : 1;
    t.spans.forEach(function (s) {
      var name = add(wf, el("div", "name"));
      name.style.paddingLeft = (6 + s.depth * 16) + "px";
      name.className = "name span-name";
      add(name, el("span", "type", s.type));
      add(name, document.createTextNode(s.name + (s.service ? " @" + s.service : "")));
      if (s.status === "error") add(name, el("span", "err", " \u2716"));
      name.title = s.name + " \u2014 " + dur(s.dur) + (s.error ? " \u2014 " + s.error : "");
      var cell = add(wf, el("div", "bar-cell"));
      var left = Math.max(0, Math.min(100, s.start / total * 100));
      var width = Math.max(0.2, Math.min(100 - left, s.dur / total * 100));
      var bar = add(cell, el("div", "bar " + s.type + (s.status === "error" ? " error" : "")));
      bar.style.left = left + "%"; bar.style.width = width + "%";
      var label = add(cell, el("span", "bar-label", dur(s.dur) + (s.tokens ? "  " + s.tokens[0] + "\u2192" + s.tokens[1] + " tok" : "") +
        (s.cost ? "  " + cost(s.cost) : "")));
      // Label after the bar, or before it when the bar reaches the right edge.
      if (left + width <= 80) label.style.left = "calc(" + (left + width) + "% + 4px)";
      else label.style.right = "calc(" + (100 - left) + "% + 4px)";
      var lines = [];
      if (s.model) lines.push("model: " + s.model);
      if (s.service) lines.push("server: " + s.service);
      if (s.error) lines.push("error: " + s.error);
      if (s.in) lines.push("in:  " + s.in);
      if (s.out) lines.push("out: " + s.out);
      (s.events || []).forEach(function (e) { lines.push("event: " + e); });
      if (lines.length) {
        var detail = el("div", "detail", lines.join("\n"));
        detail.hidden = true;
        name.addEventListener("click", function () { detail.hidden = !detail.hidden; });
        add(wf, detail);
      }
    });
  });
  document.body.setAttribute("data-rendered", "1");
})();
"""
