/* patternlib site behaviour. Material's instant navigation replaces pages without a reload,
   so everything initialises on document$ rather than on load. */
(function () {
  "use strict";

  function loadOnce(tag, attrs) {
    var selector = tag + "[" + (tag === "script" ? "src" : "href") + "=\"" +
      (attrs.src || attrs.href) + "\"]";
    var existing = document.head.querySelector(selector);
    if (existing) return existing.dataset.loaded === "1" ? Promise.resolve() :
      new Promise(function (ok) { existing.addEventListener("load", ok); });
    return new Promise(function (ok, fail) {
      var el = document.createElement(tag);
      Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
      el.addEventListener("load", function () { el.dataset.loaded = "1"; ok(); });
      el.addEventListener("error", fail);
      document.head.appendChild(el);
    });
  }

  function initSearch() {
    var box = document.getElementById("pl-search");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var bundle = box.dataset.bundle;
    loadOnce("link", { rel: "stylesheet", href: bundle + "pagefind-ui.css" });
    loadOnce("script", { src: bundle + "pagefind-ui.js" }).then(function () {
      /* global PagefindUI */
      new PagefindUI({
        element: "#pl-search",
        bundlePath: bundle,
        showSubResults: false,
        showImages: false,
        autofocus: true,
      });
      var query = new URLSearchParams(window.location.search).get("q");
      if (query) {
        var input = box.querySelector("input");
        if (input) {
          input.value = query;
          input.dispatchEvent(new Event("input", { bubbles: true }));
        }
      }
    });
  }

  function init() { initSearch(); }

  if (typeof document$ !== "undefined") {
    document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
