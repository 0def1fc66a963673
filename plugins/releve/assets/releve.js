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
})();
