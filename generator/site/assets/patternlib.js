/* patternlib site behaviour. Material's instant navigation replaces pages without a reload,
   so everything initialises on document$ rather than on load. */
(function () {
  "use strict";

  // Material's light/dark toggle is a pair of radio inputs: the focused one is the current
  // scheme. Material flips it on Enter; Space flips it too, as it would a button.
  function initToggle() {
    document.querySelectorAll("input.md-option[name='__palette']").forEach(function (input) {
      if (input.dataset.plToggle) return;
      input.dataset.plToggle = "1";
      input.addEventListener("keydown", function (event) {
        if (event.key !== " ") return;
        // The visible button names the other scheme, whichever input has the focus.
        var label = input.form && input.form.querySelector("label.md-header__button:not([hidden])");
        if (!label) return;
        event.preventDefault();
        label.click();
        var next = document.getElementById(label.htmlFor);
        if (next) next.focus();
      });
    });
  }

  // A printed page shows every relationship: folded groups open for printing, then close.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details.pl-more"),
      function (d) { return !d.open; });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  function init() { initToggle(); }

  if (typeof document$ !== "undefined") {
    document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
