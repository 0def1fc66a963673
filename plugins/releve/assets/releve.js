/* Relève: small helpers for the runbook site (no dependencies, no storage). */
(function () {
  "use strict";
  function copyText(button, text) {
    var done = function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-copied") || "\u2713";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, done);
    } else {
      var area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); } catch (e) { /* ignore */ }
      document.body.removeChild(area);
      done();
    }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy-target]") : null;
    if (!button) return;
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (target) copyText(button, target.textContent);
  });

  /* Procedure pages: a Print button (shown only when it can work), success criteria
     folded on a phone so the steps start in the first screen, and every folded block
     opened on paper (then folded back). */
  var PHONE = "(max-width: 44.9375em)";
  function ready() {
    var phone = window.matchMedia && window.matchMedia(PHONE).matches;
    document.querySelectorAll("details.releve-criteria").forEach(function (d) {
      if (phone) d.removeAttribute("open");
    });
    document.querySelectorAll(".releve-print").forEach(function (button) {
      if (typeof window.print !== "function") return;
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }
  var reopened = [];
  window.addEventListener("beforeprint", function () {
    reopened = Array.prototype.filter.call(document.querySelectorAll(".md-typeset details"),
      function (d) { return !d.open; });
    reopened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    reopened.forEach(function (d) { d.open = false; });
    reopened = [];
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
