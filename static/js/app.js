// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // The header's menu is a plain <details>: folded on phones, always open on wider screens.
  var wide = window.matchMedia("(min-width: 720px)");
  function unfoldMenus() {
    document.querySelectorAll("details[data-open-when-wide]").forEach(function (menu) { menu.open = wide.matches; });
  }
  unfoldMenus();
  if (wide.addEventListener) wide.addEventListener("change", unfoldMenus);
  // Buttons with data-confirm ask before submitting their form.
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // Forms disable their submit buttons once sent, so a double tap sends once.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-allow-resubmit")) return;
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  // htmx requests carry the CSRF token of the page's own form field.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });
})();
