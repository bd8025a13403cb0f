// In-page capture on a phone (R-INS-05): when a photo is taken in the
// record form, the browser's position and time go with it (when given).
(function () {
  "use strict";
  var form = document.querySelector('[data-testid="record-form"]');
  if (!form) return;
  var photo = form.querySelector('input[type="file"][name="photo"]');
  var status = document.getElementById("capture-status");
  function set(name, value) {
    var input = form.querySelector('input[name="' + name + '"]');
    if (input) input.value = value;
  }
  function say(text) { if (status) status.textContent = text; }
  if (!photo) return;
  photo.addEventListener("change", function () {
    set("taken_at", new Date().toISOString());
    if (!("geolocation" in navigator)) { say("本设备不支持定位，照片仅记录时间"); return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      set("lat", p.coords.latitude.toFixed(6));
      set("lon", p.coords.longitude.toFixed(6));
      set("accuracy", Math.round(p.coords.accuracy));
      say("已记录拍摄位置和时间");
    }, function () { say("未能取得位置，照片仅记录时间"); }, { enableHighAccuracy: true, timeout: 10000 });
  });
})();
