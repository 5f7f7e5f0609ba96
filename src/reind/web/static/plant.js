// Live dashboard: server-sent events update values, trends and the alarm count.
// Plain JavaScript, no third-party code: canvases draw each trend's last minutes.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-events");
  if (!url || !window.EventSource) { return; }
  var series = {};
  var wordsEl = document.getElementById("plant-words");
  var words = wordsEl ? JSON.parse(wordsEl.textContent) : { states: {}, allowed: {} };

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
      var unit = el.closest("[data-unit]");
      var ok = words.allowed[label] || [];
      if (unit) {
        unit.querySelectorAll("button[data-command]").forEach(function (b) {
          b.disabled = ok.indexOf(b.getAttribute("data-command")) < 0;
        });
      }
    }
  }
  var WINDOW_MS = 15 * 60 * 1000;

  function draw(canvas, points) {
    var ctx = canvas.getContext("2d");
    var w = canvas.width, h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    if (points.length < 2) { return; }
    var t1 = points[points.length - 1][0], t0 = t1 - WINDOW_MS;
    var lo = Infinity, hi = -Infinity;
    points.forEach(function (p) { if (p[0] >= t0) { lo = Math.min(lo, p[1]); hi = Math.max(hi, p[1]); } });
    if (hi - lo < 1e-9) { hi = lo + 1; }
    ctx.strokeStyle = "#0b5cad"; ctx.lineWidth = 2; ctx.beginPath();
    var started = false;
    points.forEach(function (p) {
      if (p[0] < t0) { return; }
      var x = (p[0] - t0) / WINDOW_MS * w, y = h - 6 - (p[1] - lo) / (hi - lo) * (h - 12);
      if (!started) { ctx.moveTo(x, y); started = true; } else { ctx.lineTo(x, y); }
    });
    ctx.stroke();
    ctx.fillStyle = "#5c6670"; ctx.font = "11px sans-serif";
    ctx.fillText(hi.toFixed(1), 2, 11); ctx.fillText(lo.toFixed(1), 2, h - 2);
  }

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
    Object.keys(body.trends).forEach(function (tag) {
      var list = series[tag] || (series[tag] = []);
      body.trends[tag].forEach(function (p) { if (typeof p[1] === "number") { list.push(p); } });
      var cut = body.now_ms - WINDOW_MS;
      while (list.length && list[0][0] < cut) { list.shift(); }
      var canvas = document.querySelector('canvas[data-trend="' + tag.replace(/"/g, '\\"') + '"]');
      if (canvas) { draw(canvas, list); canvas.setAttribute("data-points", String(list.length)); }
    });
    var badge = document.getElementById("alarm-count");
    if (badge) { badge.textContent = String(body.alarms.length); }
    var table = document.getElementById("alarms");
    if (table) { table.setAttribute("data-live-alarms", String(body.alarms.length)); }
  };
})();
