/* Patrol track (R-ATT-06): watch the position and post the latest fix about
 * every 20 seconds; the server stamps the time and decides "inside". */
(function () {
  "use strict";
  var box = document.getElementById("att-patrol");
  if (!box || !("geolocation" in navigator)) return;
  var status = document.getElementById("pt-status");
  var latest = null, sending = false;
  navigator.geolocation.watchPosition(function (p) {
    latest = p;
    status.textContent = "定位精度 ±" + Math.round(p.coords.accuracy) + " 米";
  }, function (e) {
    status.textContent = e.code === 1 ? "未获得定位权限，无法记录轨迹" : "暂时无法定位，请到开阔处";
  }, { enableHighAccuracy: true, maximumAge: 5000, timeout: 20000 });

  function post() {
    if (!latest || sending) return;
    sending = true;
    var c = latest.coords;
    fetch(box.dataset.api, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf },
      body: JSON.stringify({ lon: c.longitude, lat: c.latitude, accuracy_m: c.accuracy }),
    }).then(function (r) { return r.json().then(function (d) { return { ok: r.ok, d: d }; }); })
      .then(function (r) {
        if (!r.ok) { status.textContent = r.d.message || "轨迹点未记录"; return; }
        document.getElementById("pt-count").textContent = r.d.points;
        document.getElementById("pt-inside").textContent = Math.floor(r.d.inside_seconds / 60) + " 分钟";
        status.textContent = (r.d.inside ? "在场地内" : "不在场地内") + " · 已记录 " +
          new Date(r.d.at).toLocaleTimeString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" });
      })
      .catch(function () { status.textContent = "网络异常，稍后自动重试"; })
      .then(function () { sending = false; });
  }
  setTimeout(post, 3000);
  setInterval(post, 20000);
})();
