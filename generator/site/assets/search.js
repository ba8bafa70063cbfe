/* patternlib search page: Pagefind's search API behind our own form, so that the filters are
   there before anything is typed (and work without a word), each result shows its alignment
   badge, and the query and filters live in the URL (?q=...&category=growth) to be shared.

   The page holds <div id="pl-search" data-bundle="../pagefind/">. A large library's index
   comes in several bundles (generator/searchindex.py): pagefind/bundles.json lists the others,
   merged into every search. */
(function () {
  "use strict";

  var PAGE = 10; // results shown at first, and added by "Show more"
  var FIRST = 5; // shown as soon as their text is in, before the rest of the first PAGE
  var LABELS = { alignment: "Alignment level", domain: "Domain", category: "Category" };
  var ORDER = ["alignment", "domain", "category"];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function plural(n, word) { return n.toLocaleString("en") + " " + word + (n === 1 ? "" : "s"); }

  function levelOf(value) {
    var match = /^([1-5])\b/.exec(value || "");
    return match ? match[1] : "none";
  }

  function Search(box) {
    this.box = box;
    this.bundle = new URL(box.dataset.bundle, document.baseURI);
    this.root = new URL("../", this.bundle);
    this.selected = {};
    this.shown = 0;
    this.results = [];
    this.serial = 0;
  }

  Search.prototype.start = function () {
    var self = this;
    var params = new URLSearchParams(window.location.search);
    this.build(params.get("q") || "");
    ORDER.forEach(function (key) {
      var values = params.getAll(key);
      if (values.length) self.selected[key] = values;
    });
    this.status("Loading the search index…");
    var others = fetch(new URL("bundles.json", this.bundle).href)
      .then(function (r) { return r.ok ? r.json() : []; })
      .catch(function () { return []; });
    var engine = import(new URL("pagefind.js", this.bundle).href);
    return Promise.all([engine, others]).then(function (loaded) {
      self.pagefind = loaded[0];
      return self.pagefind.options({
        baseUrl: self.root.pathname, excerptLength: 24,
      }).then(function () {
        return Promise.all(loaded[1].map(function (path) {
          var url = new URL(path, self.bundle);
          return self.pagefind.mergeIndex(url.href, { baseUrl: self.root.pathname });
        }));
      });
    }).then(function () {
      return self.pagefind.filters();
    }).then(function (filters) {
      self.all = filters || {};
      self.drawFilters(self.all);
      return self.run();
    }).catch(function (error) {
      self.status("The search index could not be loaded (" + error + ").");
    });
  };

  Search.prototype.build = function (query) {
    var self = this;
    this.input = el("input", {
      type: "search", id: "pl-search-input", name: "q", autocomplete: "off",
      placeholder: "Search patterns", value: query,
    });
    this.input.value = query;
    var form = el("form", { role: "search", class: "pl-search__form", action: "" }, [
      el("label", { for: "pl-search-input", class: "pl-search__label", text: "Search patterns" }),
      this.input,
    ]);
    form.addEventListener("submit", function (event) { event.preventDefault(); self.run(); });
    var timer = null;
    this.input.addEventListener("input", function () {
      clearTimeout(timer);
      if (self.pagefind && self.input.value) self.pagefind.preload(self.input.value);
      timer = setTimeout(function () { self.run(); }, 80);
    });
    this.filterPanel = el("div", { class: "pl-search__filters", "aria-label": "Filters" });
    this.message = el("p", { class: "pl-search__message", role: "status", "aria-live": "polite" });
    this.list = el("ol", { class: "pl-search__results" });
    this.more = el("button", { type: "button", class: "md-button pl-search__more", hidden: "" });
    this.more.addEventListener("click", function () { self.showMore(PAGE); });
    var layout = el("div", { class: "pl-search__layout" }, [
      el("div", { class: "pl-search__main" }, [this.message, this.list, this.more]),
      this.filterPanel,
    ]);
    this.box.textContent = "";
    this.box.appendChild(form);
    this.box.appendChild(layout);
    if (this.box.dataset.autofocus !== "no") this.input.focus();
  };

  Search.prototype.status = function (text) { this.message.textContent = text; };

  Search.prototype.drawFilters = function (counts) {
    var self = this;
    this.filterPanel.textContent = "";
    this.checkboxes = {};
    var keys = ORDER.filter(function (k) { return counts[k]; }).concat(
      Object.keys(counts).filter(function (k) { return ORDER.indexOf(k) < 0; }).sort());
    keys.forEach(function (key, index) {
      var values = Object.keys(self.all[key] || counts[key]).sort(function (a, b) {
        return a.localeCompare(b, "en", { numeric: true });
      });
      var chosen = self.selected[key] || [];
      var list = el("ul", { class: "pl-search__values" });
      self.checkboxes[key] = {};
      values.forEach(function (value, n) {
        var id = "pl-f-" + index + "-" + n;
        var box = el("input", { type: "checkbox", id: id, value: value });
        box.checked = chosen.indexOf(value) >= 0;
        box.addEventListener("change", function () { self.toggle(key, value, box.checked); });
        var count = el("span", { class: "pl-search__count" });
        var name = key === "alignment"
          ? el("span", { class: "pl-level pl-level--" + levelOf(value), text: value })
          : el("span", { text: value });
        list.appendChild(el("li", {}, [box, el("label", { for: id }, [name, count])]));
        self.checkboxes[key][value] = { box: box, count: count };
      });
      var group = el("details", { class: "pl-search__facet" }, [
        el("summary", { text: LABELS[key] || key.charAt(0).toUpperCase() + key.slice(1) }),
        el("fieldset", {}, [el("legend", { class: "pl-visually-hidden", text: LABELS[key] || key }),
          list]),
      ]);
      // Open beside the results; on a phone, above them, only what is in use.
      var wide = window.matchMedia("(min-width: 60em)").matches;
      if (chosen.length || (wide && (key === "alignment" || values.length <= 8))) group.open = true;
      self.filterPanel.appendChild(group);
    });
    this.counts(counts);
  };

  Search.prototype.counts = function (counts) {
    var self = this;
    Object.keys(this.checkboxes || {}).forEach(function (key) {
      Object.keys(self.checkboxes[key]).forEach(function (value) {
        var n = (counts[key] || {})[value] || 0;
        self.checkboxes[key][value].count.textContent = " (" + n.toLocaleString("en") + ")";
      });
    });
  };

  Search.prototype.toggle = function (key, value, on) {
    var now = (this.selected[key] || []).filter(function (v) { return v !== value; });
    if (on) now.push(value);
    if (now.length) this.selected[key] = now; else delete this.selected[key];
    this.run();
  };

  Search.prototype.remember = function (query) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    var self = this;
    ORDER.concat(Object.keys(this.selected).filter(function (k) { return ORDER.indexOf(k) < 0; }))
      .forEach(function (key) {
        (self.selected[key] || []).forEach(function (v) { params.append(key, v); });
      });
    var search = params.toString();
    var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(null, "", url);
    }
  };

  Search.prototype.run = function () {
    var self = this;
    if (!this.pagefind) return Promise.resolve();
    var query = this.input.value.trim();
    var filters = {};
    Object.keys(this.selected).forEach(function (key) { filters[key] = { any: self.selected[key] }; });
    var filtered = Object.keys(filters).length > 0;
    this.remember(query);
    var serial = ++this.serial;
    if (!query && !filtered) {
      this.results = [];
      this.list.textContent = "";
      this.more.hidden = true;
      this.counts(this.all);
      this.status("Type a word, or choose a filter: " + plural(this.total(), "pattern") +
        " to search.");
      return Promise.resolve();
    }
    return this.pagefind.search(query || null, { filters: filters }).then(function (search) {
      if (serial !== self.serial || !search) return;
      self.results = search.results;
      self.shown = 0;
      self.list.textContent = "";
      self.counts(search.filters || {});
      var what = query ? " for " + query : "";
      self.status(plural(search.results.length, "result") + what +
        (filtered ? " (filtered)" : ""));
      // Each result's text is a fetch of its own: the first few are drawn before the others.
      return self.showMore(FIRST).then(function () { return self.showMore(PAGE - FIRST); });
    });
  };

  Search.prototype.total = function () { return Number(this.box.dataset.patterns || 0); };

  Search.prototype.showMore = function (count) {
    var self = this;
    var serial = this.serial;
    var next = this.results.slice(this.shown, this.shown + (count || PAGE));
    this.shown += next.length;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (pages) {
      if (serial !== self.serial) return;
      pages.forEach(function (data) { self.list.appendChild(self.item(data)); });
      var left = self.results.length - self.shown;
      self.more.hidden = left <= 0;
      self.more.textContent = "Show " + Math.min(left, PAGE) + " more of " +
        left.toLocaleString("en");
    });
  };

  Search.prototype.item = function (data) {
    var title = (data.meta && data.meta.title) || data.url;
    var link = el("a", { class: "pl-search__link", href: data.url, text: title });
    var level = ((data.filters || {}).alignment || [])[0];
    var badge = level
      ? el("span", { class: "pl-level pl-level--" + levelOf(level), title: "Alignment level",
        text: level })
      : el("span", { class: "pl-level pl-level--none", text: "not yet assessed" });
    var excerpt = el("p", { class: "pl-search__excerpt" });
    // Pagefind's excerpt is the page's indexed text, escaped, with <mark> around the matches.
    excerpt.innerHTML = data.excerpt || "";
    return el("li", { class: "pl-search__result" }, [
      el("p", { class: "pl-search__head" }, [link, document.createTextNode(" "), badge]),
      excerpt,
    ]);
  };

  function init() {
    var box = document.getElementById("pl-search");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    new Search(box).start();
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
