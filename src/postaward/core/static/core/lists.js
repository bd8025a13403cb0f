// The list component: select rows for the batch buttons (export / print the selection,
// and the list's declared batch writes, posted with the page's CSRF token), and submit
// the page-size choice.
(function () {
  function sync(form) {
    var boxes = form.querySelectorAll(".pa-sel-one");
    var n = 0;
    boxes.forEach(function (b) { if (b.checked) n += 1; });
    var counter = form.querySelector(".pa-batch-n");
    if (counter) counter.textContent = String(n);
    form.querySelectorAll("[data-testid=batch-export],[data-testid=batch-print],[data-testid^=handoff-],.pa-batch-do").forEach(function (btn) {
      btn.disabled = n === 0;
    });
    var all = form.querySelector(".pa-sel-all");
    if (all) all.checked = n > 0 && n === boxes.length;
  }
  // A batch write: the POST form (outside the selection form: its token never goes
  // into a GET URL) carries the selected rows' ids.
  document.addEventListener("submit", function (ev) {
    var post = ev.target;
    if (!(post instanceof HTMLFormElement) || !post.classList.contains("pa-batch-write")) return;
    var button = ev.submitter;
    var ask = button && button.getAttribute("data-confirm");
    if (ask && !window.confirm(ask)) { ev.preventDefault(); return; }
    var sel = document.querySelector("form.pa-batch[data-write='" + post.id + "']");
    post.querySelectorAll("input[name=ids]").forEach(function (i) { i.remove(); });
    if (sel) {
      sel.querySelectorAll(".pa-sel-one").forEach(function (b) {
        if (!b.checked) return;
        var i = document.createElement("input");
        i.type = "hidden"; i.name = "ids"; i.value = b.value;
        post.appendChild(i);
      });
    }
  });
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
      form.querySelectorAll(".pa-sel-one").forEach(function (b) { if (!b.disabled) b.checked = t.checked; });
    }
    sync(form);
  });
})();
