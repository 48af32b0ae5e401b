// Qiymət dashboard: the little JavaScript the pages use. Everything works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Period picker: show the date fields only for a custom range; submit at once for a calendar period.
  var form = document.getElementById("period-form");
  if (form) {
    var sel = form.querySelector("select[name=period]");
    form.classList.add("js");
    var sync = function () { form.classList.toggle("is-custom", sel.value === "custom"); };
    sync();
    sel.addEventListener("change", function () {
      sync();
      if (sel.value !== "custom") {
        form.querySelector("input[name=from]").value = "";
        form.querySelector("input[name=to]").value = "";
        form.submit();
      }
    });
  }
  // Admin: the agency field only for a manager (the server checks it either way; without JS it stays visible).
  var role = document.getElementById("u-role");
  if (role) {
    var syncRole = function () {
      document.querySelectorAll("[data-when-role]").forEach(function (el) {
        el.classList.toggle("js-hidden", el.getAttribute("data-when-role") !== role.value);
      });
    };
    syncRole();
    role.addEventListener("change", syncRole);
  }
  // The menu is laid out in the bar on wide screens (dash.css); open it for browsers that cannot style
  // ::details-content.
  var menu = document.getElementById("menu");
  if (menu && window.matchMedia("(min-width: 801px)").matches) { menu.open = true; }
  // Destructive actions ask first.
  document.querySelectorAll("form.confirm").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
});
