// The list component: select rows for the batch buttons (export / print the selection),
// and submit the page-size choice.
(function () {
  function sync(form) {
    var boxes = form.querySelectorAll(".pa-sel-one");
    var n = 0;
    boxes.forEach(function (b) { if (b.checked) n += 1; });
    var counter = form.querySelector(".pa-batch-n");
    if (counter) counter.textContent = String(n);
    form.querySelectorAll("[data-testid=batch-export],[data-testid=batch-print]").forEach(function (btn) {
      btn.disabled = n === 0;
    });
    var all = form.querySelector(".pa-sel-all");
    if (all) all.checked = n > 0 && n === boxes.length;
  }
  document.addEventListener("change", function (ev) {
    var t = ev.target;
    // Page size: submit on change (no inline handler: the page's CSP allows no onchange).
    if (t instanceof HTMLSelectElement && t.hasAttribute("data-autosubmit") && t.form) {
      t.form.submit();
      return;
    }
    if (!(t instanceof HTMLInputElement)) return;
    var form = t.closest("form.pa-batch");
    if (!form) return;
    if (t.classList.contains("pa-sel-all")) {
      form.querySelectorAll(".pa-sel-one").forEach(function (b) { b.checked = t.checked; });
    }
    sync(form);
  });
})();
