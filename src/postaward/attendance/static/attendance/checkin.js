/* The phone check-in page (R-ATT-01): reads the browser's position (WGS-84 with
 * accuracy), shows the distance to the site, and submits to the API with one
 * idempotency key per tap (the button stays disabled until the answer and a
 * moment after, so a double tap is one tap), retried
 * with the same key when the network fails. Without a network the tap is kept
 * on the phone (its original time and fix, its key) and sent when the network
 * returns, marked "queued": the server records it with a delayed-upload signal.
 * The server decides the time and whether the check-in is accepted. */
(function () {
  "use strict";
  var root = document.getElementById("att-checkin");
  if (!root) return;
  var FENCE_MARGIN_M = parseFloat(root.dataset.margin || "30");
  var ACCURACY_CREDIT_MAX_M = parseFloat(root.dataset.credit || "50");
  var MAX_ACCURACY_M = parseFloat(root.dataset.maxAccuracy || "150");
  var sitesEl = document.getElementById("att-sites");
  var sites = sitesEl ? JSON.parse(sitesEl.textContent) : {};
  var button = document.getElementById("att-button");
  var geo = document.getElementById("att-geo");
  var result = document.getElementById("att-result");
  var clock = document.getElementById("att-clock");
  var position = null;
  var busy = false;
  var COOLDOWN_MS = 1500; // after an answer, before the next tap counts

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function deviceId() {
    try {
      var id = localStorage.getItem("pa-device-id");
      if (!id) { id = "web-" + uuid(); localStorage.setItem("pa-device-id", id); }
      return id;
    } catch (e) { return ""; }
  }

  // --- geometry: the same rule as the server (core/geo.py) --------------------------------
  var R = 6371008.8;
  function rad(d) { return d * Math.PI / 180; }
  function haversine(lon1, lat1, lon2, lat2) {
    var dphi = rad(lat2 - lat1), dl = rad(lon2 - lon1);
    var a = Math.pow(Math.sin(dphi / 2), 2) + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.pow(Math.sin(dl / 2), 2);
    return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
  }
  function segDist(px, py, ax, ay, bx, by) {
    var dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
    var t = len ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len)) : 0;
    var x = ax + t * dx - px, y = ay + t * dy - py;
    return Math.sqrt(x * x + y * y);
  }
  function distanceToSite(site, lon, lat) {
    if (!site || !site.geometry) return null;
    var g = site.geometry;
    if (g.type === "Point") {
      return Math.max(0, haversine(lon, lat, g.coordinates[0], g.coordinates[1]) - (site.properties.radius || 0));
    }
    var ring = g.coordinates[0];
    var kLat = Math.PI / 180 * R, kLon = kLat * Math.cos(rad(lat));
    var pts = ring.map(function (p) { return [(p[0] - lon) * kLon, (p[1] - lat) * kLat]; });
    var inside = false, best = Infinity;
    for (var i = 0, j = pts.length - 1; i < pts.length; j = i++) {
      var xi = pts[i][0], yi = pts[i][1], xj = pts[j][0], yj = pts[j][1];
      if ((yi > 0) !== (yj > 0) && 0 < (xj - xi) * (0 - yi) / (yj - yi) + xi) inside = !inside;
      best = Math.min(best, segDist(0, 0, xi, yi, xj, yj));
    }
    return inside ? 0 : best;
  }

  // --- the selected project ----------------------------------------------------------------
  function selected() {
    var r = document.querySelector("input[name=att-project]:checked");
    var id = r ? r.value : (document.querySelector(".att-site") || {}).dataset.project;
    return String(id);
  }
  function sectionOf(id) { return document.querySelector(".att-site[data-project='" + id + "']"); }
  document.querySelectorAll("input[name=att-project]").forEach(function (r) {
    r.addEventListener("change", function () {
      document.querySelectorAll(".att-site").forEach(function (s) {
        s.classList.toggle("d-none", s.dataset.project !== selected());
      });
      hideResult();
      showDistance();
    });
  });

  function showDistance() {
    var sec = sectionOf(selected());
    if (!sec) return;
    var distEl = sec.querySelector(".att-dist"), accEl = sec.querySelector(".att-acc");
    if (!position) { distEl.textContent = "定位中…"; return; }
    var c = position.coords;
    var d = distanceToSite(sites[selected()], c.longitude, c.latitude);
    var tol = FENCE_MARGIN_M + Math.min(Math.max(c.accuracy, 0), ACCURACY_CREDIT_MAX_M);
    if (d === null) {
      distEl.textContent = "项目未设置场地范围";
      distEl.className = "att-dist text-danger";
    } else {
      distEl.textContent = (d < 1 ? "在场地内" : Math.round(d) + " 米") + "（允许 " + Math.round(tol) + " 米以内）";
      distEl.className = "att-dist " + (d <= tol && c.accuracy <= MAX_ACCURACY_M ? "text-success" : "text-danger");
    }
    accEl.textContent = "定位精度 ±" + Math.round(c.accuracy) + " 米" +
      (c.accuracy > MAX_ACCURACY_M ? "（精度不足，请到开阔处）" : "");
  }

  // --- geolocation ---------------------------------------------------------------------------
  function onPosition(p) {
    position = p;
    geo.textContent = "已定位（" + new Date(p.timestamp).toLocaleTimeString("zh-CN", { hour12: false }) + "）";
    geo.classList.remove("text-danger");
    if (!busy) button.disabled = false;
    showDistance();
  }
  function onError(e) {
    var msg = {
      1: "未获得定位权限：请在浏览器或系统设置中允许本网站使用位置信息后刷新页面",
      2: "暂时无法获取位置：请到室外开阔处，并打开手机的定位服务",
      3: "定位超时：请到室外开阔处重试",
    }[e.code] || "定位失败";
    geo.textContent = msg;
    geo.classList.add("text-danger");
    if (!position) button.disabled = true;
  }
  if (!("geolocation" in navigator)) {
    geo.textContent = "此浏览器不支持定位，请使用手机浏览器或客户端打卡";
    geo.classList.add("text-danger");
  } else {
    navigator.geolocation.watchPosition(onPosition, onError, {
      enableHighAccuracy: true, maximumAge: 0, timeout: 20000,
    });
  }

  function tick() {
    clock.textContent = new Date().toLocaleTimeString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" });
  }
  tick();
  setInterval(tick, 1000);
  setTimeout(function () { showQueued(); flush(); }, 0);

  // --- submitting ---------------------------------------------------------------------------------
  function hideResult() { result.classList.add("d-none"); }
  function showResult(ok, title, detail) {
    result.classList.remove("d-none", "ok", "refused");
    result.classList.add(ok ? "ok" : "refused");
    result.querySelector("i").className = "bi " + (ok ? "bi-check-circle-fill" : "bi-x-circle-fill");
    result.querySelector(".att-result-title").textContent = title;
    result.querySelector(".att-result-detail").textContent = detail || "";
    result.dataset.state = ok ? "accepted" : "refused";
  }

  function send(body, key, attempt) {
    return fetch(root.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Idempotency-Key": key,
        "X-CSRFToken": root.dataset.csrf,
      },
      body: JSON.stringify(body),
    }).then(function (r) {
      if ((r.status >= 500 || r.status === 429) && attempt < 3) throw { retry: true };
      return r.json().then(function (data) { return { status: r.status, data: data }; });
    }).catch(function (e) {
      if (attempt >= 3 || navigator.onLine === false) throw e;
      // The same key: if the first try was stored, the retry returns it (no second check-in).
      return new Promise(function (res) { setTimeout(res, 1000 * Math.pow(2, attempt)); })
        .then(function () { return send(body, key, attempt + 1); });
    });
  }

  // --- the offline queue -------------------------------------------------------------------------
  var QUEUE = "pa-checkin-queue";
  var owner = root.dataset.user || "";
  function readQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function writeQueue(q) {
    try { localStorage.setItem(QUEUE, JSON.stringify(q)); return true; } catch (e) { return false; }
  }
  function enqueue(body, key) {
    var q = readQueue();
    if (q.some(function (x) { return x.key === key; })) return true;
    body.queued = true;
    q.push({ key: key, body: body, user: owner });
    return writeQueue(q);
  }
  function dequeue(key) {
    writeQueue(readQueue().filter(function (x) { return x.key !== key; }));
  }
  function showQueued() {
    var mine = readQueue().filter(function (x) { return x.user === owner; });
    var box = document.getElementById("att-queue");
    if (!box) return;
    box.classList.toggle("d-none", mine.length === 0);
    box.querySelector(".att-queue-n").textContent = String(mine.length);
  }
  var flushing = false;
  function flush() {
    if (flushing || navigator.onLine === false) return;
    var mine = readQueue().filter(function (x) { return x.user === owner; });
    if (!mine.length) { showQueued(); return; }
    flushing = true;
    var item = mine[0];
    send(item.body, item.key, 3).then(function (r) {
      // Any answer of the server settles the tap (accepted, refused, or an error
      // it will give again): it leaves the queue; only a missing network keeps it.
      dequeue(item.key);
      if (r.status === 200 || r.status === 201) {
        var t = new Date(item.body.client_at).toLocaleTimeString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" });
        var d = r.data;
        showResult(d.accepted, d.accepted ? "离线打卡已补传" : "补传的打卡未通过",
          "手机记录时间 " + t + (d.accepted ? "，已标记为延迟补传" : "：" + d.refusal_label));
        refreshToday(String(item.body.project_id));
      } else {
        showResult(false, "补传失败", (r.data && r.data.message) || "请求未被受理");
      }
    }).catch(function () { /* still offline: keep it */ }).then(function () {
      flushing = false;
      showQueued();
      if (readQueue().some(function (x) { return x.user === owner; }) && navigator.onLine !== false) {
        setTimeout(flush, 2000);
      }
    });
  }
  window.addEventListener("online", flush);
  setInterval(flush, 30000);

  function refreshToday(id) {
    fetch(root.dataset.todayUrl + encodeURIComponent(id), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        var box = document.getElementById("today-" + id);
        if (html && box) box.innerHTML = html;
      });
  }

  button.addEventListener("click", function () {
    if (!position || busy) return;
    busy = true;
    button.disabled = true;
    button.classList.add("busy");
    hideResult();
    var id = selected();
    var c = position.coords;
    var key = uuid();
    var body = {
      project_id: parseInt(id, 10),
      lon: c.longitude,
      lat: c.latitude,
      accuracy_m: c.accuracy,
      client_at: new Date().toISOString(),
      device_id: deviceId(),
    };
    send(body, key, 0).then(function (r) {
      var d = r.data;
      if (r.status === 200 || r.status === 201) {
        var t = new Date(d.at).toLocaleTimeString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" });
        if (d.accepted) {
          showResult(true, "打卡成功", t + (d.distance_m !== null ? " · 距场地 " + Math.round(d.distance_m) + " 米" : ""));
        } else {
          showResult(false, "打卡失败", d.refusal_label + (d.refusal_detail ? "：" + d.refusal_detail : "") + "（" + t + "，已留存记录）");
        }
        refreshToday(id);
      } else {
        showResult(false, "打卡失败", (d && d.message) || "请求未被受理");
      }
    }).catch(function () {
      if (enqueue(body, key)) {
        showResult(true, "已离线保存", "网络恢复后自动补传（保留手机时间 " +
          new Date(body.client_at).toLocaleTimeString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" }) +
          " 和定位），请勿重复打卡");
        result.dataset.state = "queued";
        showQueued();
      } else {
        showResult(false, "网络异常", "未能连接服务器，请稍后再点一次打卡（不会重复记录）");
      }
    }).then(function () {
      // A double tap's second tap can land after a fast answer: the button
      // stays disabled a moment longer, so a double tap records one check-in.
      setTimeout(function () {
        busy = false;
        button.disabled = !position;
        button.classList.remove("busy");
      }, COOLDOWN_MS);
    });
  });
})();
