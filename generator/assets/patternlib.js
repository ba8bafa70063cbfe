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
    var bundleUrl = new URL(bundle, document.baseURI);
    // A large library's index comes in several bundles (see generator/searchindex.py):
    // pagefind/bundles.json lists the others, merged into every search.
    var others = fetch(new URL("bundles.json", bundleUrl).href)
      .then(function (r) { return r.ok ? r.json() : []; })
      .catch(function () { return []; });
    Promise.all([loadOnce("script", { src: bundle + "pagefind-ui.js" }), others])
      .then(function (loaded) {
        /* global PagefindUI */
        new PagefindUI({
          element: "#pl-search",
          bundlePath: bundle,
          mergeIndex: loaded[1].map(function (path) {
            return { bundlePath: new URL(path, bundleUrl).href };
          }),
          showSubResults: false,
          showImages: false,
          autofocus: true,
          debounceTimeoutMs: 80,  // Pagefind's 300 ms default is felt on every first query
        });
        // Load Pagefind's engine and index metadata now, not on the first keystroke: the UI
        // imports the same module URL, so it finds it ready.
        import(new URL("pagefind.js", bundleUrl).href).then(function (pagefind) {
          if (pagefind.init) return pagefind.init();
        }).catch(function () { /* the UI reports a missing index itself */ });
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
