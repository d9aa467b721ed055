// Aligned dashboard: the little behaviour the pages have. Loaded as an external script (the
// Content-Security-Policy allows no inline script); it never inserts HTML, only filters and submits.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // filter selects submit their form on change
  document.querySelectorAll("select.autosubmit").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });
  // a search box above a table hides the rows that do not contain its text
  document.querySelectorAll("input.table-filter").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    if (!table) { return; }
    input.addEventListener("input", function () {
      var q = input.value.toLowerCase();
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        tr.hidden = q !== "" && tr.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  });
  // forms marked "confirm" ask before they are sent
  document.querySelectorAll("form.confirm").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm("Are you sure?")) { e.preventDefault(); }
    });
  });
});
