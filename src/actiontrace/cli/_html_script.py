"""The report page's script: draws the data block with DOM calls and ``textContent`` only (never
``innerHTML``), so no recorded text can become markup. Numbers arrive formatted where the CLI has
a formatter (costs, tokens); durations are formatted here."""

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
  function dur(ms) {  // as the CLI's fmt_duration prints it
    if (ms === null || ms === undefined) return "-";
    if (ms >= 60000) {
      var m = Math.floor(ms / 60000), sec = (ms / 1000 - m * 60).toFixed(1);
      return m + "m" + (sec.length < 4 ? "0" : "") + sec + "s";
    }
    if (ms >= 1000) return (ms / 1000).toFixed(2) + " s";
    if (ms >= 1) return ms.toFixed(1) + " ms";
    return Math.round(ms * 1000) + " \u00b5s";
  }
  function pct(x) { return (x * 100).toFixed(1) + "%"; }
  function num(n) { return n ? Number(n).toLocaleString("en-US") : "-"; }
  // textCols: indexes of the columns that hold names and text (left-aligned); the rest are numbers.
  function table(headers, rows, errCol, textCols) {
    textCols = textCols || [0];
    var t = el("table"), tr = add(add(t, el("thead")), el("tr"));
    headers.forEach(function (h, i) { add(tr, el("th", textCols.indexOf(i) >= 0 ? "text" : null, h)); });
    var body = add(t, el("tbody"));
    rows.forEach(function (r) {
      var row = add(body, el("tr"));
      r.forEach(function (c, i) {
        var cls = [];
        if (textCols.indexOf(i) >= 0) cls.push(i === 0 ? "text wrap" : "text");
        if (i === errCol && parseFloat(String(c)) > 0) cls.push("err");
        add(row, el("td", cls.join(" ") || null, c));
      });
    });
    return t;
  }
  // Long text shows its start and a button for the rest.
  function longText(text, cls) {
    text = String(text);
    var lines = text.split("\n");
    var box = el("div"), pre = add(box, el("div", "text" + (cls ? " " + cls : "")));
    if (text.length <= 700 && lines.length <= 14) { pre.textContent = text; return box; }
    var preview = lines.slice(0, 8).join("\n");
    if (preview.length > 500) preview = preview.slice(0, 500);
    preview += "\u2026";
    var more = "show all (" + text.length.toLocaleString("en-US") + " characters)";
    pre.textContent = preview;
    var button = add(box, el("button", "more", more));
    button.type = "button";
    button.addEventListener("click", function () {
      var full = button.textContent !== "show less";
      pre.textContent = full ? text : preview;
      button.textContent = full ? "show less" : more;
    });
    return box;
  }
  function section(head, extra) {
    var box = el("div", "section"), h = add(box, el("div", "head", head));
    if (extra) add(h, el("span", "muted", "  " + extra));
    return box;
  }

  function drawPart(box, p) {
    if (p.type === "text") { add(box, longText(p.text, "prose")); return; }
    if (p.type === "tool_call") {
      add(box, el("div", "call", "\u2192 call " + p.name + (p.id ? "  (" + p.id + ")" : "")));
      add(box, longText(p.text)); return;
    }
    if (p.type === "tool_result") {
      add(box, el("div", "call", "\u2190 result" + (p.id ? " of " + p.id : "")));
      add(box, longText(p.text)); return;
    }
    add(box, el("div", "call", "[" + p.type + "]"));
    if (p.text) add(box, longText(p.text));
  }
  var SECTIONS = {
    conversation: function (s) {
      var facts = [s.model, "tokens " + s.tokens, "cost " + s.cost];
      if (s.finish) facts.push("finish " + s.finish);
      var box = section("Conversation", facts.filter(Boolean).join(" \u00b7 "));
      s.messages.forEach(function (m) {
        var msg = add(box, el("div", "msg " + m.role + (m.output ? " output" : "")));
        add(msg, el("div", "role", m.role + (m.output ? " \u00b7 output" : "") + (m.finish ? " \u00b7 finish " + m.finish : "")));
        m.parts.forEach(function (p) { drawPart(msg, p); });
      });
      if (!s.messages.length) add(box, el("div", "muted", "no messages recorded (content capture off)"));
      if (s.tools) {
        var d = add(box, el("details", "long"));
        add(d, el("summary", null, "tools offered: " + s.tools.join(", ")));
        add(d, longText(s.tools_text));
      }
      return box;
    },
    tool: function (s) { return keyValues(section("Tool" + (s.name ? " " + s.name : "")), s.rows); },
    io: function (s) { return keyValues(section("Input and output"), s.rows); },
    error: function (s) {
      var box = section("Error"), e = add(box, el("div", "error-box"));
      add(e, el("div", "err", s.type + (s.message ? ": " + s.message : "")));
      if (s.stack) add(e, longText(s.stack));
      return box;
    },
    events: function (s) {
      var box = section("Events");
      s.items.forEach(function (e) { add(box, el("div", "text", e.line || e.name)); });
      return box;
    },
    attributes: function (s) {
      var box = el("details", "section long");
      add(box, el("summary", null, "Attributes (" + s.rows.length + ")"));
      return keyValues(box, s.rows);
    }
  };
  function keyValues(box, rows) {
    var kv = add(box, el("div", "kv"));
    rows.forEach(function (r) { add(kv, el("div", "k", r[0])); add(add(kv, el("div", "v")), longText(r[1])); });
    return box;
  }

  var st = data.stats, tot = st.totals;
  add(app, el("h1", null, data.title));
  add(app, el("div", "muted", (tot.start ? tot.start + " \u2192 " + tot.end : "no spans") +
    (data.generated_from.length ? " \u00b7 from " + data.generated_from.join(", ") : "")));
  var cards = add(app, el("div", "cards"));
  [["spans", num(tot.count)], ["traces", num(tot.traces)], ["sessions", num(tot.sessions)],
   ["errors", String(tot.errors || 0) + " (" + pct(tot.error_rate) + ")"], ["tokens in / out", num(tot.input_tokens) + " / " + num(tot.output_tokens)],
   ["cost", tot.cost_text], ["p95 span", dur(tot.p95_ms)]].forEach(function (c) {
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
      dur(g.max_ms), num(g.input_tokens), num(g.output_tokens), g.cost_text]; }), 2));
  if (st.sessions.length) {
    add(app, el("h2", null, "Sessions"));
    add(app, table(["session", "name", "traces", "spans", "errors", "duration", "tokens in", "tokens out", "cost"],
      st.sessions.map(function (s) { return [s.session_id, s.name || "", s.traces, s.spans, s.errors,
        dur(s.duration_ms), num(s.input_tokens), num(s.output_tokens), s.cost_text]; }), 4, [0, 1]));
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
      return [f.tool, f.calls, f.arguments, f.trace_id]; }), null, [0, 2, 3]));
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
  add(app, el("h2", null, "Traces, newest first" + (data.traces_total > data.traces.length ?
    " (latest " + data.traces.length + " of " + data.traces_total + ")" : "")));
  var bar = add(app, el("div", "filters"));
  var search = add(bar, el("input")); search.type = "search"; search.id = "filter";
  search.placeholder = "filter by name, session, trace id or \u201cerror\u201d";
  var onlyLabel = add(bar, el("label")), only = add(onlyLabel, el("input"));
  only.type = "checkbox"; only.id = "errors-only";
  add(onlyLabel, document.createTextNode(" errors only"));
  var shownCount = add(bar, el("span", "muted")); shownCount.id = "shown-count";
  var boxes = [];
  function applyFilter() {
    var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean), n = 0;
    boxes.forEach(function (b) {
      var ok = (!only.checked || b.errors > 0) && terms.every(function (w) { return b.text.indexOf(w) >= 0; });
      b.box.hidden = !ok; n += ok;
    });
    shownCount.textContent = n + " of " + boxes.length + " shown";
  }
  search.addEventListener("input", applyFilter);
  only.addEventListener("change", applyFilter);

  function summaryRow(sum, t) {
    // Every row has every column (empty when unknown), so the collapsed rows line up.
    add(sum, el("span", "root", t.name)).title = t.name;
    add(sum, el("span", "when muted", t.start.replace("T", " ").slice(0, 19)));
    add(sum, el("span", "dur num", dur(t.dur)));
    add(sum, el("span", "count num muted", t.count + " span" + (t.count === 1 ? "" : "s")));
    add(sum, el("span", "tokens num", t.tokens ? "tokens " + t.tokens : ""));
    add(sum, el("span", "cost num", t.cost || ""));
    add(sum, el("span", "mark err", t.errors ? "\u2716 " + t.errors + " error" + (t.errors === 1 ? "" : "s") : ""));
    add(sum, el("span", "session muted", t.session ? "session " + t.session : ""));
    add(sum, el("span", "id muted", t.id.slice(0, 12)));
  }
  function placeLabel(label, left, width) {
    // After the bar when there is room, before it when the bar starts far enough right,
    // else inside the bar (a root bar spans the whole row: outside it the label is clipped).
    if (left + width <= 78) label.style.left = "calc(" + (left + width) + "% + 4px)";
    else if (left >= 22) label.style.right = "calc(" + (100 - left) + "% + 4px)";
    else { label.style.left = "calc(" + left + "% + 4px)"; label.className += " inside"; }
  }
  data.traces.forEach(function (t, index) {
    var box = add(app, el("details", "trace" + (t.errors ? " has-error" : "")));
    box.dataset.traceId = t.id;
    boxes.push({box: box, errors: t.errors,
                text: [t.name, t.session || "", t.id, t.errors ? "error" : ""].join(" ").toLowerCase()});
    if (index === 0 || data.traces.length <= 3) box.open = true;
    summaryRow(add(box, el("summary")), t);
    var wf = add(box, el("div", "wf")), total = t.dur > 0 ? t.dur : 1;
    t.spans.forEach(function (s) {
      var name = add(wf, el("div", "name span-name"));
      name.style.paddingLeft = (6 + s.depth * 16) + "px";
      add(name, el("span", "type", s.type));
      add(name, document.createTextNode(s.name + (s.service ? " @" + s.service : "")));
      if (s.status === "error") add(name, el("span", "err", " \u2716"));
      name.title = s.name + " \u2014 " + dur(s.dur);
      var cell = add(wf, el("div", "bar-cell"));
      var left = Math.max(0, Math.min(100, s.start / total * 100));
      var width = Math.max(0.2, Math.min(100 - left, s.dur / total * 100));
      var b = add(cell, el("div", "bar " + s.type + (s.status === "error" ? " error" : "")));
      b.style.left = left + "%"; b.style.width = width + "%";
      placeLabel(add(cell, el("span", "bar-label", dur(s.dur) + (s.tokens ? "  " + s.tokens + " tok" : "") +
        (s.cost ? "  " + s.cost : ""))), left, width);
      if (s.sections.length) {
        var detail = add(wf, el("div", "detail"));
        detail.hidden = true;
        s.sections.forEach(function (sec) { add(detail, SECTIONS[sec.kind](sec)).dataset.kind = sec.kind; });
        name.addEventListener("click", function () { detail.hidden = !detail.hidden; });
      }
    });
  });
  applyFilter();
  document.body.setAttribute("data-rendered", "1");
})();
"""
