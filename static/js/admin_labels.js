// Names for the admin inputs that other scripts draw without a label: modeltranslation's
// language switch, made once the page is ready (so: on load, and whenever the page grows).
(function () {
  "use strict";
  var text = document.currentScript.dataset.switchLabel;
  function label() {
    document.querySelectorAll("select.modeltranslation-switch:not([aria-label])").forEach(function (select) {
      select.setAttribute("aria-label", text);
    });
  }
  window.addEventListener("load", label);
  new MutationObserver(label).observe(document.documentElement, { childList: true, subtree: true });
})();
