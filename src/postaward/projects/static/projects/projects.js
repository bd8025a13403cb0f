/* Maps of project sites without an internet tile server: a plain canvas with a
   coordinate grid and a scale, or an offline tile layer when configured.
   Coordinates are [lon, lat] in the map's datum (WGS-84 unless the tiles are GCJ-02). */
(function () {
  "use strict";
  var COLOURS = { blue: "#409eff", green: "#67c23a", orange: "#e6a23c", red: "#f56c6c", grey: "#909399" };
  // Alert levels (alerts.Severity): none, blue, yellow, orange, red.
  var LEVEL_COLOURS = ["#67c23a", "#409eff", "#f2c94c", "#e6a23c", "#f56c6c"];
  var LEVEL_LABELS = ["无待办预警", "蓝色预警", "黄色预警", "橙色预警", "红色预警"];

  function baseMap(el, opts) {
    var map = L.map(el, { zoomControl: true, attributionControl: false, minZoom: 8, maxZoom: 19 });
    if (opts.tileUrl) {
      // A Leaflet URL template: {key} from the operator's key, {s} a subdomain (天地图 t0-t7).
      var tileOpts = { maxZoom: 19, key: opts.tileKey || "", subdomains: opts.subdomains || "abc", attribution: opts.attribution || "" };
      L.tileLayer(opts.tileUrl, tileOpts).addTo(map);
      if (opts.labelUrl) L.tileLayer(opts.labelUrl, tileOpts).addTo(map);
    } else {
      el.classList.add("pa-map-plain");
      var grid = L.layerGroup().addTo(map);
      var draw = function () {
        grid.clearLayers();
        var b = map.getBounds();
        var span = Math.max(b.getEast() - b.getWest(), b.getNorth() - b.getSouth());
        var steps = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1];
        var step = steps[steps.length - 1];
        for (var i = 0; i < steps.length; i++) { if (span / steps[i] <= 12) { step = steps[i]; break; } }
        var digits = step < 0.01 ? 3 : 2;
        var style = { color: "#d5dae3", weight: 1, interactive: false };
        for (var x = Math.floor(b.getWest() / step) * step; x <= b.getEast(); x += step) {
          L.polyline([[b.getSouth(), x], [b.getNorth(), x]], style).addTo(grid);
          L.marker([b.getSouth(), x], { icon: L.divIcon({ className: "pa-grid-label", html: x.toFixed(digits) + "°E", iconAnchor: [-2, 14] }), interactive: false }).addTo(grid);
        }
        for (var y = Math.floor(b.getSouth() / step) * step; y <= b.getNorth(); y += step) {
          L.polyline([[y, b.getWest()], [y, b.getEast()]], style).addTo(grid);
          L.marker([y, b.getWest()], { icon: L.divIcon({ className: "pa-grid-label", html: y.toFixed(digits) + "°N", iconAnchor: [-2, 12] }), interactive: false }).addTo(grid);
        }
      };
      map.on("moveend zoomend", draw);
      map.whenReady(draw);
    }
    L.control.scale({ imperial: false, metric: true, position: "bottomleft" }).addTo(map);
    return map;
  }

  function featureLayer(f, faint) {
    var c = COLOURS[f.properties.colour] || COLOURS.grey;
    var style = { color: c, weight: faint ? 1 : 2, fillOpacity: faint ? 0.08 : 0.25, opacity: faint ? 0.5 : 1 };
    var g = f.geometry;
    if (g.type === "Point") {
      return L.circle([g.coordinates[1], g.coordinates[0]], Object.assign({ radius: f.properties.radius || 100 }, style));
    }
    return L.polygon(g.coordinates[0].map(function (p) { return [p[1], p[0]]; }), style);
  }

  function popup(f) {
    var p = f.properties;
    var div = document.createElement("div");
    var a = document.createElement("a");
    a.href = p.url; a.textContent = p.name; a.style.fontWeight = "600";
    div.appendChild(a);
    var s = document.createElement("div");
    s.textContent = p.code + " · " + p.status_label + (p.owner ? " · " + p.owner : "");
    div.appendChild(s);
    if (p.alert_level !== undefined) {
      var lv = document.createElement("div");
      lv.textContent = LEVEL_LABELS[Math.max(0, Math.min(4, p.alert_level || 0))];
      lv.style.color = LEVEL_COLOURS[Math.max(0, Math.min(4, p.alert_level || 0))];
      div.appendChild(lv);
    }
    return div;
  }

  function centreOf(f) {
    var g = f.geometry;
    if (g.type === "Point") return [g.coordinates[1], g.coordinates[0]];
    var ring = g.coordinates[0], x = 0, y = 0;
    ring.forEach(function (p) { x += p[0]; y += p[1]; });
    return [y / ring.length, x / ring.length];
  }

  function dot(level) {
    return L.divIcon({
      className: "",
      html: '<span style="display:block;width:14px;height:14px;border-radius:50%;border:2px solid #fff;box-shadow:0 0 2px rgba(0,0,0,.5);background:' + LEVEL_COLOURS[level] + '"></span>',
      iconSize: [14, 14],
      iconAnchor: [7, 7],
    });
  }

  function boundaryLayer(feature) {
    if (!feature) return null;
    var g = feature.geometry;
    var polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
    return L.polygon(polys.map(function (poly) {
      return poly.map(function (ring) { return ring.map(function (p) { return [p[1], p[0]]; }); });
    }), { color: "#304156", weight: 2, dashArray: "6 4", fill: false, interactive: false, className: "pa-map-boundary" });
  }

  /* The project map: the district boundary, one marker per site coloured by its
     highest unresolved alert, clustered (the cluster takes its worst member's
     colour), and the site outlines from zoom 15 on. */
  window.paProjectsMap = function (el, opts) {
    var map = baseMap(el, opts);
    map.setView([opts.centre[1], opts.centre[0]], 11);
    var boundary = boundaryLayer(opts.boundary);
    if (boundary) { boundary.addTo(map); map.fitBounds(boundary.getBounds().pad(0.02)); el.setAttribute("data-boundary", "1"); }
    var outlines = L.featureGroup();
    var clusters = L.markerClusterGroup ? L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 50,
      iconCreateFunction: function (cluster) {
        var worst = 0;
        cluster.getAllChildMarkers().forEach(function (m) { worst = Math.max(worst, m.options.level || 0); });
        var n = cluster.getChildCount(), size = n < 10 ? 30 : n < 100 ? 36 : 44;
        return L.divIcon({
          html: '<div class="pa-cluster" data-level="' + worst + '" style="width:' + size + 'px;height:' + size + 'px;background:' + LEVEL_COLOURS[worst] + '">' + n + "</div>",
          className: "", iconSize: [size, size],
        });
      },
    }) : L.featureGroup();
    fetch(opts.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (fc) {
        var feats = fc.features || [];
        feats.forEach(function (f) {
          var level = Math.max(0, Math.min(4, f.properties.alert_level || 0));
          L.marker(centreOf(f), { icon: dot(level), level: level, title: f.properties.name + "（" + LEVEL_LABELS[level] + "）" })
            .bindPopup(popup(f)).addTo(clusters);
          featureLayer(f, false).bindPopup(popup(f)).addTo(outlines);
        });
        clusters.addTo(map);
        var toggle = function () {
          if (map.getZoom() >= 15) { outlines.addTo(map); } else { map.removeLayer(outlines); }
        };
        map.on("zoomend", toggle);
        toggle();
        if (!boundary && feats.length) { map.fitBounds(outlines.getBounds().pad(0.1)); }
        el.setAttribute("data-loaded", String(feats.length));
      });
    return map;
  };

  /* The site editor: click for the centre (circle) or the vertices (polygon). */
  window.paSiteEditor = function (el, opts) {
    var form = document.getElementById(opts.formId);
    var q = function (name) { return form.querySelector("[name=" + name + "]"); };
    var map = baseMap(el, opts);
    var lon = parseFloat(q("lon").value), lat = parseFloat(q("lat").value);
    map.setView(isNaN(lat) ? [opts.centre[1], opts.centre[0]] : [lat, lon], isNaN(lat) ? 13 : 16);
    if (opts.othersUrl) {
      fetch(opts.othersUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
        (fc.features || []).forEach(function (f) {
          if (f.properties.id !== opts.projectId) { featureLayer(f, true).bindTooltip(f.properties.name).addTo(map); }
        });
      });
    }
    var shape = null, markers = L.layerGroup().addTo(map);
    var ring = [];
    try { ring = JSON.parse(q("polygon").value || "[]"); } catch (e) { ring = []; }
    var kind = function () { var r = form.querySelector("[name=site_kind]:checked"); return r ? r.value : "circle"; };
    var redraw = function () {
      if (shape) { map.removeLayer(shape); shape = null; }
      markers.clearLayers();
      if (kind() === "circle") {
        var x = parseFloat(q("lon").value), y = parseFloat(q("lat").value), r = parseFloat(q("radius_m").value);
        if (!isNaN(x) && !isNaN(y)) {
          L.circleMarker([y, x], { radius: 4, color: "#f56c6c" }).addTo(markers);
          if (!isNaN(r) && r > 0) { shape = L.circle([y, x], { radius: r, color: "#409eff", fillOpacity: 0.2 }).addTo(map); }
        }
      } else if (ring.length) {
        ring.forEach(function (p) { L.circleMarker([p[1], p[0]], { radius: 4, color: "#f56c6c" }).addTo(markers); });
        shape = (ring.length >= 3 ? L.polygon : L.polyline)(ring.map(function (p) { return [p[1], p[0]]; }), { color: "#409eff", fillOpacity: 0.2 }).addTo(map);
      }
      q("polygon").value = ring.length ? JSON.stringify(ring) : "";
      form.querySelectorAll("[data-circle]").forEach(function (n) { n.style.display = kind() === "circle" ? "" : "none"; });
      form.querySelectorAll("[data-polygon]").forEach(function (n) { n.style.display = kind() === "polygon" ? "" : "none"; });
    };
    map.on("click", function (e) {
      if (kind() === "circle") {
        q("lon").value = e.latlng.lng.toFixed(6);
        q("lat").value = e.latlng.lat.toFixed(6);
      } else {
        ring.push([+e.latlng.lng.toFixed(6), +e.latlng.lat.toFixed(6)]);
      }
      redraw();
    });
    ["lon", "lat", "radius_m"].forEach(function (n) { q(n).addEventListener("input", redraw); });
    form.querySelectorAll("[name=site_kind]").forEach(function (n) { n.addEventListener("change", redraw); });
    var clear = document.getElementById(opts.clearId);
    if (clear) { clear.addEventListener("click", function (ev) { ev.preventDefault(); ring = []; redraw(); }); }
    redraw();
    if (shape) { map.fitBounds(shape.getBounds().pad(0.5)); }
    el.setAttribute("data-ready", "1");
    return map;
  };
})();
