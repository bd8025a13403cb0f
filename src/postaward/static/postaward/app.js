// The platform's own page behaviour, as a file (the page CSP allows no inline
// handlers, ADR 0012): confirmations, print buttons and photo capture.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var el = event.target && event.target.closest &&
      event.target.closest("[data-confirm],[data-print],[data-back]");
    if (!el) return;
    if (el.hasAttribute("data-print")) { window.print(); return; }
    if (el.hasAttribute("data-back")) { event.preventDefault(); window.history.back(); return; }
    if (!window.confirm(el.getAttribute("data-confirm"))) event.preventDefault();
  });
})();

// Photos taken in the page (ADR 0011): when a file is chosen in an
// <input type="file" data-capture>, record the browser's time and position in
// the hidden field "<name>_capture" that is sent with the upload. The server
// stamps them on the stored image and uses the EXIF only when present.
(function () {
  "use strict";
  function record(input) {
    var target = input.form && input.form.elements[input.name + "_capture"];
    if (!target) return;
    var facts = { t: new Date().toISOString() };
    target.value = JSON.stringify(facts);
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        facts.lon = pos.coords.longitude;
        facts.lat = pos.coords.latitude;
        facts.acc = pos.coords.accuracy;
        target.value = JSON.stringify(facts);
      },
      function () { /* no permission or no fix: the time alone is sent */ },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  }
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("input[type=file][data-capture]") && el.files.length) {
      record(el);
    }
  });
})();
