// Server-side rendering of ECharts options to SVG (R-REP-03, ADR 0906).
// Reads {"echarts": "<path to echarts/dist/echarts.js>", "charts": [{option, width, height}]}
// on stdin and writes a JSON list of SVG strings on stdout. No network, no files written.
"use strict";
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const req = JSON.parse(input);
  const echarts = require(req.echarts);
  const out = req.charts.map((c) => {
    const chart = echarts.init(null, null, {
      renderer: "svg", ssr: true, width: c.width || 640, height: c.height || 320,
    });
    chart.setOption(Object.assign({ animation: false }, c.option));
    const svg = chart.renderToSVGString();
    chart.dispose();
    return svg;
  });
  process.stdout.write(JSON.stringify(out));
});
