// The data-meeting pack's charts in the browser (R-REP-03): the same ECharts
// options the document was drawn from, read from the page's JSON.
(function () {
  "use strict";
  function draw() {
    var src = document.getElementById("meeting-charts");
    if (!src || typeof echarts === "undefined") { return; }
    var charts = JSON.parse(src.textContent);
    var made = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var c = charts[Number(el.getAttribute("data-chart"))];
      if (!c) { return; }
      var opt = Object.assign({}, c.option, { title: Object.assign({}, c.option.title, { show: false }), grid: Object.assign({}, c.option.grid, { top: 36 }) });
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(opt);
      made.push(chart);
    });
    window.addEventListener("resize", function () { made.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
