/* The dashboards (监管驾驶舱) and the command-centre screen (大屏): charts with
   ECharts, the map with Leaflet; the screen polls the API (ADR 0915). */
(function () {
  "use strict";
  var COLOURS = { red: "#f56c6c", orange: "#e6a23c", yellow: "#e6c200", blue: "#409eff", green: "#67c23a", grey: "#909399" };
  var RISK = ["#67c23a", "#409eff", "#e6c200", "#e6a23c", "#f56c6c"];
  var charts = [];

  function chart(id, option, dark) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return null;
    var c = echarts.getInstanceByDom(el) || echarts.init(el, dark ? "dark" : null);
    if (charts.indexOf(c) < 0) charts.push(c);
    if (dark) { option.backgroundColor = "transparent"; option.animation = false; }
    c.setOption(option, true);
    return c;
  }
  function pct(r) { return r === null || r === undefined ? null : Math.round(r * 1000) / 10; }

  function alertsPie(id, a, dark) {
    chart(id, {
      tooltip: { trigger: "item" }, legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "62%"], label: { formatter: "{b}\n{c}" },
        data: [
          { name: "红色", value: a.red, itemStyle: { color: COLOURS.red } },
          { name: "橙色", value: a.orange, itemStyle: { color: COLOURS.orange } },
          { name: "黄色", value: a.yellow, itemStyle: { color: COLOURS.yellow } },
          { name: "蓝色", value: a.blue, itemStyle: { color: COLOURS.blue } }
        ] }]
    }, dark);
  }
  function stageBar(id, stages, dark) {
    var rows = stages.filter(function (s) { return s.value > 0; });
    chart(id, {
      tooltip: {}, grid: { left: 40, right: 20, top: 20, bottom: 60 },
      xAxis: { type: "category", data: rows.map(function (s) { return s.label; }), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: rows.map(function (s) { return s.value; }), label: { show: true, position: "top" }, itemStyle: { color: COLOURS.blue } }]
    }, dark);
  }
  function rateBar(id, data, dark) {
    var rows = data.rows.filter(function (r) { return r.on_duty > 0; }).slice(0, 15);
    if (!rows.length) rows = [{ label: data.title, rate: data.rate, checked_in: data.checked_in, on_duty: data.on_duty }];
    chart(id, {
      tooltip: { formatter: function (p) { var r = rows[p.dataIndex]; return r.label + "<br>" + r.checked_in + "/" + r.on_duty + " 人，" + (p.value === null ? "—" : p.value + "%"); } },
      grid: { left: 120, right: 50, top: 10, bottom: 20 },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }), axisLabel: { width: 110, overflow: "truncate" } },
      series: [{ type: "bar", data: rows.map(function (r) { var v = pct(r.rate); return { value: v, itemStyle: { color: v !== null && v < 80 ? COLOURS.orange : COLOURS.green } }; }), label: { show: true, position: "right", formatter: "{c}%" } }]
    }, dark);
  }
  function clocksBar(id, c, dark) {
    chart(id, {
      tooltip: {}, grid: { left: 40, right: 20, top: 20, bottom: 30 },
      xAxis: { type: "category", data: ["计时中", "3日内到期", "已超期"] }, yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", label: { show: true, position: "top" }, data: [
        { value: c.running, itemStyle: { color: COLOURS.blue } },
        { value: c.due_soon, itemStyle: { color: COLOURS.orange } },
        { value: c.overdue, itemStyle: { color: COLOURS.red } }] }]
    }, dark);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  // --- the dashboard page ---
  var dataEl = document.getElementById("dashboard-data");
  if (dataEl) {
    var data = JSON.parse(dataEl.textContent);
    stageBar("chart-stage", data.by_stage, false);
    alertsPie("chart-alerts", data.alerts, false);
    rateBar("chart-rows", data, false);
    return;
  }

  // --- the screen ---
  var optEl = document.getElementById("screen-options");
  if (!optEl) return;
  var opts = JSON.parse(optEl.textContent);
  function text(id, v) { var el = document.getElementById(id); if (el) el.textContent = v; }
  var legend = document.getElementById("sc-legend");
  opts.legend.forEach(function (l) {
    var i = document.createElement("i"); i.style.background = COLOURS[l.colour]; legend.appendChild(i);
    legend.appendChild(document.createTextNode(l.label));
  });

  var map = null, layer = null, fitted = false;
  if (typeof L !== "undefined") {
    map = L.map("sc-map", { zoomControl: true, attributionControl: false, zoomAnimation: false, fadeAnimation: false }).setView([opts.map.centre[1], opts.map.centre[0]], 11);
    if (opts.map.tileUrl) {
      L.tileLayer(opts.map.tileUrl, { maxZoom: 18, subdomains: opts.map.subdomains || "" }).addTo(map);
    } else {  // an intranet without tiles: a coordinate grid
      map.createPane("grid");
      map.getPane("grid").style.zIndex = 350;  // under the sites
      var grid = L.layerGroup().addTo(map);
      var drawGrid = function () {
        grid.clearLayers();
        var b = map.getBounds(), step = map.getZoom() >= 12 ? 0.01 : 0.1;
        for (var x = Math.floor(b.getWest() / step) * step; x < b.getEast(); x += step)
          L.polyline([[b.getSouth(), x], [b.getNorth(), x]], { pane: "grid", color: "#16324f", weight: 1, interactive: false }).addTo(grid);
        for (var y = Math.floor(b.getSouth() / step) * step; y < b.getNorth(); y += step)
          L.polyline([[y, b.getWest()], [y, b.getEast()]], { pane: "grid", color: "#16324f", weight: 1, interactive: false }).addTo(grid);
      };
      map.on("moveend", drawGrid);
    }
    layer = L.layerGroup().addTo(map);
    window.addEventListener("resize", function () { map.invalidateSize(); });
  }
  function drawMap(points) {
    if (!map) return;
    map.invalidateSize();
    layer.clearLayers();
    var bounds = [];
    points.slice().reverse().forEach(function (p) {  // the riskiest drawn last (on top)
      var colour = RISK[p.risk] || RISK[0];
      var m = L.circleMarker([p.lat, p.lon], { radius: p.risk >= 3 ? 10 : 7, color: colour, fillColor: colour, fillOpacity: .8, weight: 1 });
      var box = document.createElement("div");
      var b = document.createElement("b"); b.textContent = p.name; box.appendChild(b);
      box.appendChild(document.createElement("br"));
      var a = document.createElement("a"); a.href = p.url; a.textContent = "查看项目"; box.appendChild(a);
      m.bindPopup(box).addTo(layer);
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length && !fitted) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14, animate: false }); fitted = true; }
  }
  function render(d) {
    text("sc-asof", d.as_of);
    text("k-projects", d.projects);
    text("k-rate", d.rate === null ? "—" : pct(d.rate) + "%");
    text("k-att", "（" + d.checked_in + "/" + d.on_duty + " 人）");
    text("k-alerts", d.alerts.total);
    text("k-alerts-overdue", d.alerts_overdue);
    text("k-red", d.alerts.red);
    text("k-complaints", d.complaints_open);
    text("k-complaints-overdue", d.complaint_clocks.overdue);
    text("k-inspections", d.inspections);
    alertsPie("sc-alerts", d.alerts, true);
    clocksBar("sc-clocks", d.complaint_clocks, true);
    rateBar("sc-rows", d, true);
    stageBar("sc-stage", d.by_stage, true);
    drawMap(d.points || []);
  }
  render(opts.data);
  function poll() {
    fetch(opts.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (d) { document.getElementById("sc-stale").hidden = true; render(d); })
      .catch(function () { document.getElementById("sc-stale").hidden = false; });
  }
  setInterval(poll, Math.max(30, opts.refresh) * 1000);
})();
