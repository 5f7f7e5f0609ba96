// Live dashboard: server-sent events update values, states, alarms and trends.
// Trends are drawn by uPlot (vendored, static/vendor/uplot-*/, MIT): a time axis in
// Hong Kong time, the unit on the value axis, each setpoint stepped and dashed over
// its process value; ranges from 15 min (live) to the day (minute rollups); drag to zoom.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-events");
  var trendUrl = script && script.getAttribute("data-trend");
  var wordsEl = document.getElementById("plant-words");
  var words = wordsEl ? JSON.parse(wordsEl.textContent) : { states: {}, allowed: {}, abnormal: [] };
  var LIVE_MS = 15 * 60 * 1000;
  // Beyond the live 15 min a chart holds rollups: a live sample is added only once a
  // bucket (a minute, or an hour for a week or a month) after the last point, so the
  // number of points stays bounded however long the page is open.
  var BUCKET_MS = { "7d": 3600 * 1000, "30d": 3600 * 1000 };
  var range = "15m";
  var rangeStart = null;  // where the chosen range begins (s), as the server counted it
  var charts = [];

  // The same rule as reind.web.plant_format.number_text: 4 significant figures, <= 2 decimals.
  function numberText(v) {
    if (typeof v !== "number") { return v === null || v === undefined ? "—" : String(v); }
    if (!isFinite(v)) { return "—"; }
    if (Number.isInteger(v)) { return v.toLocaleString("en"); }
    var m = Math.abs(v), d = m >= 1000 ? 0 : m >= 100 ? 1 : 2;
    return v.toLocaleString("en", { minimumFractionDigits: d, maximumFractionDigits: d });
  }

  function showState(el, v) {
    var label = String(v);
    el.textContent = words.states[label] || label;
    var holder = el.closest("[data-state-of]");
    if (holder) {
      holder.className = holder.className.replace(/packml-\S+/, "packml-" + label.toLowerCase());
      holder.classList.toggle("abnormal", (words.abnormal || []).indexOf(label) >= 0);
      var unit = el.closest("[data-unit]");
      var ok = words.allowed[label] || [];
      if (unit) {
        unit.querySelectorAll("button[data-command]").forEach(function (b) {
          b.disabled = ok.indexOf(b.getAttribute("data-command")) < 0;
        });
      }
    }
  }

  function clockText(ts) {
    var d = hkDate(ts);
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  // Ticks over more than a day and a half read as dates (day/month, Hong Kong), else clock times.
  function tickTexts(u, ticks) {
    var span = u.scales.x.max - u.scales.x.min;
    if (span <= 36 * 3600) { return ticks.map(clockText); }
    return ticks.map(function (ts) { var d = hkDate(ts); return d.getDate() + "/" + (d.getMonth() + 1); });
  }

  function hkDate(ts) { return window.uPlot.tzDate(new Date(ts * 1e3), "Asia/Hong_Kong"); }

  function makeChart(fig) {
    var spec = JSON.parse(fig.getAttribute("data-chart"));
    var box = fig.querySelector(".chart");
    var chart = { spec: spec, box: box, fig: fig, pv: [], sp: [], plot: null, zoomed: false };
    if (!window.uPlot || !box) { return chart; }
    var series = [{ label: spec.time_label }, { label: spec.pv_label, stroke: "#30475e", width: 2, spanGaps: true,
      value: function (u, v) { return v === null ? "—" : numberText(v) + " " + spec.unit; } }];
    if (spec.setpoint) {
      series.push({ label: spec.sp_label, stroke: "#1f6fb2", width: 2, dash: [6, 4], spanGaps: true,
        paths: window.uPlot.paths.stepped({ align: 1 }),
        value: function (u, v) { return v === null ? "—" : numberText(v) + " " + spec.unit; } });
    }
    var opts = {
      width: Math.max(320, box.clientWidth || 640), height: 220, tzDate: hkDate,
      series: series,
      scales: { x: { time: true } },
      axes: [{ stroke: "#4a5560", grid: { stroke: "#e3e6ea" },
               values: tickTexts },
             { label: spec.unit, stroke: "#4a5560", grid: { stroke: "#e3e6ea" }, size: 60,
               values: function (u, vals) { return vals.map(numberText); } }],
      cursor: { drag: { x: true, y: false } },
      hooks: { setSelect: [function () { chart.zoomed = true; }] },
    };
    var empty = spec.setpoint ? [[], [], []] : [[], []];
    chart.plot = new window.uPlot(opts, empty, box);
    box.addEventListener("dblclick", function () { chart.zoomed = false; redraw(chart, true); });
    return chart;
  }

  function redraw(chart, rescale) {
    chart.box.setAttribute("data-points", String(chart.pv.length));
    if (!chart.plot) { return; }
    var xs = [], pvs = [], sps = [];
    var i = 0, j = 0, lastSp = null;
    var pv = chart.pv, sp = chart.sp;
    // Merge both series on one time axis; a setpoint holds until it changes.
    while (i < pv.length || j < sp.length) {
      var tp = i < pv.length ? pv[i][0] : Infinity, ts = j < sp.length ? sp[j][0] : Infinity;
      if (ts <= tp) { lastSp = sp[j][1]; }
      var t = Math.min(tp, ts);
      xs.push(t / 1000);
      pvs.push(tp === t ? pv[i][1] : null);
      sps.push(lastSp);
      if (tp === t) { i++; }
      if (ts === t) { j++; }
    }
    if (chart.spec.setpoint && lastSp !== null) { chart.box.setAttribute("data-setpoint", numberText(lastSp)); }
    var data = chart.spec.setpoint ? [xs, pvs, sps] : [xs, pvs];
    chart.plot.setData(data, false);
    if (!chart.zoomed || rescale) {
      // a steady value publishes nothing new: the live window still ends now
      var end = Math.max(xs.length ? xs[xs.length - 1] : 0, Date.now() / 1000);
      // the whole range is drawn, so a week with two days of data shows the empty five
      var start = range === "15m" ? end - LIVE_MS / 1000 : (rangeStart || (xs.length ? xs[0] : end - 3600));
      chart.plot.setScale("x", { min: start, max: end });
    }
  }
  function add(list, points, keepMs, gapMs) {
    points.forEach(function (p) {
      if (typeof p[1] !== "number") { return; }
      if (gapMs && list.length && p[0] - list[list.length - 1][0] < gapMs) { return; }
      list.push(p);
    });
    if (keepMs) {
      var cut = (list.length ? list[list.length - 1][0] : 0) - keepMs;
      while (list.length && list[0][0] < cut) { list.shift(); }
    }
  }

  function chooseRange(key) {
    range = key;
    document.querySelectorAll("button[data-range]").forEach(function (b) {
      var on = b.getAttribute("data-range") === key;
      b.classList.toggle("chosen", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    if (!trendUrl) { return; }
    fetch(trendUrl + "?range=" + encodeURIComponent(key), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        rangeStart = body.start_ms ? body.start_ms / 1000 : null;
        charts.forEach(function (chart) {
          chart.pv = (body.series[chart.spec.pv] || []).slice();
          chart.sp = chart.spec.setpoint ? (body.series[chart.spec.setpoint] || []).slice() : [];
          chart.zoomed = false;
          redraw(chart, true);
          chart.box.setAttribute("data-range", body.range);
        });
      });
  }

  // A KPI tile's sparkline: the shift hour by hour, the target dashed; no axes (the
  // figure's aria-label and title carry the values in words).
  function drawSpark(box) {
    var spec = JSON.parse(box.getAttribute("data-spark"));
    if (!window.uPlot || !spec.values.length) { return; }
    var xs = spec.values.map(function (v, i) { return i; });
    var scale = spec.percent ? 100 : 1;
    var ys = spec.values.map(function (v) { return v === null ? null : v * scale; });
    var series = [{}, { stroke: "#30475e", width: 2, spanGaps: false, points: { show: true, size: 4 } }];
    var data = [xs, ys];
    if (spec.target !== null) {
      series.push({ stroke: "#8a949d", width: 1, dash: [3, 3], points: { show: false } });
      data.push(xs.map(function () { return spec.target * scale; }));
    }
    var numbers = ys.filter(function (v) { return v !== null; });
    if (spec.target !== null) { numbers.push(spec.target * scale); }
    var low = Math.min.apply(null, numbers), high = Math.max.apply(null, numbers);
    var pad = Math.max((high - low) * 0.1, spec.percent ? 2 : 1);
    new window.uPlot({
      width: Math.max(120, box.clientWidth || 160), height: 42, series: series,
      legend: { show: false }, cursor: { show: false }, select: { show: false },
      axes: [{ show: false }, { show: false }],
      scales: { x: { time: false, range: [-0.3, Math.max(xs.length - 0.7, 0.7)] },
                y: { range: [low - pad, high + pad] } },
    }, data, box);
  }

  function start() {
    document.querySelectorAll("[data-spark]").forEach(drawSpark);
    document.querySelectorAll("figure[data-chart]").forEach(function (fig) { charts.push(makeChart(fig)); });
    document.querySelectorAll("button[data-range]").forEach(function (b) {
      b.addEventListener("click", function () { chooseRange(b.getAttribute("data-range")); });
    });
    if (!url || !window.EventSource) { return; }
    var source = new EventSource(url);
    source.onmessage = function (event) {
      var body = JSON.parse(event.data);
      document.querySelectorAll("[data-tag]").forEach(function (el) {
        var tag = el.getAttribute("data-tag");
        if (Object.prototype.hasOwnProperty.call(body.values, tag)) {
          var v = body.values[tag];
          if (el.getAttribute("data-words") === "state") { showState(el, v); }
          else { el.textContent = numberText(v); }
        }
      });
      var keep = range === "15m" ? LIVE_MS : 0;
      var gap = range === "15m" ? 0 : (BUCKET_MS[range] || 60 * 1000);
      charts.forEach(function (chart) {
        add(chart.pv, body.trends[chart.spec.pv] || [], keep, gap);
        if (chart.spec.setpoint) { add(chart.sp, body.trends[chart.spec.setpoint] || [], keep, 0); }  // a setpoint changes rarely: keep each change
        redraw(chart, false);
      });
      if (body.banner_html !== undefined) {
        var banner = document.getElementById("alarm-banner");
        if (banner) { banner.innerHTML = body.banner_html; }
      }
      if (body.list_html !== undefined) {
        var list = document.getElementById("alarm-list");
        if (list) { list.innerHTML = body.list_html; }
      }
    };
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
