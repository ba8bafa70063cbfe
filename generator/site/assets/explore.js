/* The Explore page: every pattern as a card, filtered, sorted and paged in the browser.

   Data: api/explore.json (generator/explore.py), one list per field with a pattern's values at
   the same position in each, in title order; summaries in shards beside it, fetched for the
   cards shown. The whole view lives in the query string (?domain=startup&level=4&sort=-overall
   &page=2), so a link shares it and Back restores the previous one. */
(function () {
  "use strict";

  var SORTS = [
    ["title", "Title, A to Z"],
    ["-title", "Title, Z to A"],
    ["-overall", "Overall score, highest first"],
    ["overall", "Overall score, lowest first"],
    ["-modified", "Last modified, newest first"],
    ["modified", "Last modified, oldest first"],
  ];
  var CHOICES = {  // the yes/no groups: URL parameter, legend, labels of any / yes / no
    assessed: ["Assessment", "Any", "Assessed on the 7 Pillars", "Not yet assessed"],
    relationships: ["Relationships", "Any", "With relationships", "Without relationships"],
  };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  var NUMBER = new Intl.NumberFormat("en-US");  // made once: toLocaleString makes one a call
  function number(n) { return NUMBER.format(n); }
  function plural(n, word) { return number(n) + " " + word + (n === 1 ? "" : "s"); }
  // Case and accents do not matter to the text filter.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  // The URL segment of a pattern whose index entry leaves it out (generator/explore.py).
  function slugOf(title) {
    return title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  /* --- the data ---------------------------------------------------------------------------- */

  function getJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  /* The summaries, SHARD_SIZE to a file: fetched once each, when a card needs one. */
  function Summaries(root) {
    this.path = new URL(root.dataset.shards, document.baseURI).href;
    this.size = parseInt(root.dataset.shardSize, 10);
    this.shards = {};  // shard number -> promise of its summaries
    this.loaded = {};  // shard number -> its summaries
  }

  Summaries.prototype.shard = function (n) {
    var loaded = this.loaded;
    if (!this.shards[n]) {
      this.shards[n] = getJson(this.path + n + ".json")
        .catch(function () { return []; })  // the cards show without their summaries
        .then(function (list) { loaded[n] = list; return list; });
    }
    return this.shards[n];
  };

  /* Call back with the summaries of patterns `indexes`: at once when they are loaded (no
     frame without the cards), else when their shards are. */
  Summaries.prototype.of = function (indexes, done) {
    var size = this.size, loaded = this.loaded;
    var needed = indexes.map(function (i) { return Math.floor(i / size); })
      .filter(function (n, k, all) { return all.indexOf(n) === k && !loaded[n]; });
    function give() {
      done(indexes.map(function (i) { return loaded[Math.floor(i / size)][i % size] || ""; }));
    }
    if (!needed.length) give();
    else Promise.all(needed.map(this.shard, this)).then(give);
  };

  function Index(data) {
    this.size = data.t.length;
    this.facets = data.facets;
    this.levels = data.levels;
    this.dates = data.dates;
    this.titles = data.t;
    this.aliases = data.x;
    this.keys = data.k.map(function (k, i) { return k || slugOf(data.t[i]); });
    this.values = data.f.map(function (column) {  // per facet, per pattern: value indexes
      return column.map(function (v) { return typeof v === "number" ? [v] : v; });
    });
    this.alignment = data.a;
    this.overall = data.o;
    this.modified = data.m;
    this.related = data.r;
    this.folded = null;  // titles and aliases for the text filter, made on its first use
    this.orders = {};
  }

  Index.prototype.text = function () {
    var aliases = this.aliases;
    if (!this.folded) {
      this.folded = this.titles.map(function (t, i) { return fold([t].concat(aliases[i]).join("\n")); });
    }
    return this.folded;
  };

  /* Every pattern in the order of `key`, ascending; missing values (not assessed, no date)
     left out; ties in title order. */
  Index.prototype.order = function (key) {
    if (!this.orders[key]) {
      var all = [], values = key === "overall" ? this.overall : this.modified;
      for (var i = 0; i < this.size; i += 1) all.push(i);
      this.orders[key] = key === "title" ? all : all.filter(function (i) {
        return values[i] !== null && values[i] >= 0;
      }).sort(function (a, b) { return values[a] - values[b] || a - b; });
    }
    return this.orders[key];
  };

  /* Sorted matches for `sort` among `matched` (a flag per pattern); patterns without the
     value sorted by (not assessed, no date) last whichever the direction. */
  Index.prototype.sorted = function (sort, matched) {
    var desc = sort.charAt(0) === "-", key = desc ? sort.slice(1) : sort;
    if (key !== "overall" && key !== "modified") {
      var titles = this.order("title").filter(function (i) { return matched[i]; });
      return desc ? titles.reverse() : titles;
    }
    var values = key === "overall" ? this.overall : this.modified;
    var out = this.order(key).filter(function (i) { return matched[i]; });
    if (desc) {  // by value descending, ties still in title order: runs of equals kept as they are
      var runs = [], end = out.length;
      while (end > 0) {
        var start = end - 1;
        while (start > 0 && values[out[start - 1]] === values[out[end - 1]]) start -= 1;
        runs.push(out.slice(start, end));
        end = start;
      }
      out = [].concat.apply([], runs);
    }
    var missing = this.order("title").filter(function (i) {
      return matched[i] && (values[i] === null || values[i] < 0);
    });
    return out.concat(missing);
  };

  /* --- the view's state, read from and written to the query string -------------------------- */

  function emptyState(index) {
    var facets = {};
    index.facets.forEach(function (f) { facets[f.key] = []; });
    return { q: "", facets: facets, level: [], assessed: "", relationships: "", sort: "title",
      page: 1 };
  }

  function readUrl(index, search) {
    var params = new URLSearchParams(search);
    var state = emptyState(index);
    state.q = (params.get("q") || "").trim();
    index.facets.forEach(function (f) {
      var given = params.getAll(f.key);
      state.facets[f.key] = f.values.filter(function (v) { return given.indexOf(v) >= 0; });
    });
    var levels = params.getAll("level");
    state.level = Object.keys(index.levels).filter(function (v) { return levels.indexOf(v) >= 0; });
    Object.keys(CHOICES).forEach(function (name) {
      var value = params.get(name);
      state[name] = value === "yes" || value === "no" ? value : "";
    });
    var sort = params.get("sort");
    state.sort = SORTS.some(function (s) { return s[0] === sort; }) ? sort : "title";
    var page = /^\d+$/.test(params.get("page") || "") ? parseInt(params.get("page"), 10) : 1;
    state.page = Math.max(1, page);
    return state;
  }

  function query(index, state, page) {
    var params = new URLSearchParams();
    if (state.q) params.append("q", state.q);
    index.facets.forEach(function (f) {
      state.facets[f.key].forEach(function (v) { params.append(f.key, v); });
    });
    state.level.forEach(function (v) { params.append("level", v); });
    Object.keys(CHOICES).forEach(function (name) {
      if (state[name]) params.append(name, state[name]);
    });
    if (state.sort !== "title") params.append("sort", state.sort);
    if (page > 1) params.append("page", String(page));
    var text = params.toString();
    return text ? "?" + text : window.location.pathname;
  }

  /* --- filtering and counting ------------------------------------------------------------- */

  /* Which patterns pass each group of filters: a bit per group, set when the pattern passes.
     A group's counts are over the patterns that pass every *other* group, so each count says
     what ticking that box would give. */
  function evaluate(index, state) {
    var n = index.size, facets = index.facets.length;
    var LEVEL = facets, ASSESSED = facets + 1, RELATED = facets + 2, TEXT = facets + 3;
    var full = (1 << (facets + 4)) - 1;
    var masks = new Array(n).fill(0);
    function pass(group, test) {  // set the group's bit of every pattern that passes `test`
      var bit = 1 << group;
      for (var i = 0; i < n; i += 1) if (!test || test(i)) masks[i] |= bit;
    }
    index.facets.forEach(function (f, g) {
      var chosen = state.facets[f.key], picked = {};
      chosen.forEach(function (v) { picked[f.values.indexOf(v)] = true; });
      var values = index.values[g];
      pass(g, chosen.length ? function (i) {
        for (var k = 0; k < values[i].length; k += 1) if (picked[values[i][k]]) return true;
        return false;
      } : null);
    });
    var levels = {};
    state.level.forEach(function (v) { levels[v] = true; });
    var alignment = index.alignment, related = index.related;
    pass(LEVEL, state.level.length ? function (i) { return levels[alignment[i]] === true; } : null);
    pass(ASSESSED, state.assessed ? function (i) {
      return (alignment[i] > 0) === (state.assessed === "yes");
    } : null);
    pass(RELATED, state.relationships ? function (i) {
      return (related[i] === 1) === (state.relationships === "yes");
    } : null);
    var words = fold(state.q).split(/\s+/).filter(Boolean);
    var text = words.length ? index.text() : null;
    pass(TEXT, words.length ? function (i) {
      for (var k = 0; k < words.length; k += 1) if (text[i].indexOf(words[k]) < 0) return false;
      return true;
    } : null);

    var counts = {
      facets: index.facets.map(function (f) { return f.values.map(function () { return 0; }); }),
      level: {}, assessed: { "": 0, yes: 0, no: 0 }, relationships: { "": 0, yes: 0, no: 0 },
    };
    Object.keys(index.levels).forEach(function (v) { counts.level[v] = 0; });
    var matched = new Array(n), total = 0;
    for (var i = 0; i < n; i += 1) {
      var mask = masks[i];
      matched[i] = mask === full;
      if (matched[i]) total += 1;
      for (var g = 0; g < facets; g += 1) {
        if ((mask | (1 << g)) !== full) continue;
        var values = index.values[g][i], tally = counts.facets[g];
        for (var k = 0; k < values.length; k += 1) tally[values[k]] += 1;
      }
      if ((mask | (1 << LEVEL)) === full && alignment[i]) counts.level[alignment[i]] += 1;
      if ((mask | (1 << ASSESSED)) === full) {
        counts.assessed[""] += 1;
        counts.assessed[alignment[i] ? "yes" : "no"] += 1;
      }
      if ((mask | (1 << RELATED)) === full) {
        counts.relationships[""] += 1;
        counts.relationships[related[i] ? "yes" : "no"] += 1;
      }
    }
    return { matched: matched, total: total, counts: counts };
  }

  /* --- the page --------------------------------------------------------------------------- */

  function Explore(root, index, summaries) {
    this.root = root;
    this.index = index;
    this.summaries = summaries;
    this.pageSize = parseInt(root.dataset.pageSize, 10);
    this.base = root.dataset.base;
    this.state = emptyState(index);
    this.inputs = [];  // each box and radio: {input, name, value, count(counts) shows its count}
    this.token = 0;
    this.typing = false;  // a run of keys in the text box is one step of history
  }

  Explore.prototype.build = function () {
    var self = this, index = this.index;
    this.root.textContent = "";
    var layout = el("div", { class: "pl-explore__layout" });
    var toggle = el("button", { type: "button", class: "pl-explore__button pl-explore__toggle",
      "aria-expanded": "false", "aria-controls": "pl-explore-filters" }, "Show filters");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "Hide filters" : "Show filters";
      form.classList.toggle("pl-explore__filters--open", open);
    });
    var form = el("form", { class: "pl-explore__filters", id: "pl-explore-filters",
      "aria-labelledby": "pl-explore-filters-title" });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.appendChild(el("h2", { id: "pl-explore-filters-title" }, "Filters"));
    var skip = el("a", { class: "pl-explore__skip", href: "#pl-explore-results-title" },
      "Skip to the results");
    skip.addEventListener("click", function (e) {
      e.preventDefault();
      self.heading.focus();
    });
    form.appendChild(skip);

    var text = el("div", { class: "pl-explore__field" });
    text.appendChild(el("label", { for: "pl-explore-q" }, "Title or alias contains"));
    this.text = el("input", { type: "search", id: "pl-explore-q", name: "q",
      autocomplete: "off", "data-testid": "explore-q" });
    this.text.addEventListener("input", function () {
      self.state.q = self.text.value.trim();
      self.state.page = 1;
      self.update(self.typing ? "replace" : "push");  // one step of history per run of keys
      self.typing = true;
    });
    text.appendChild(this.text);
    form.appendChild(text);

    var sort = el("div", { class: "pl-explore__field" });
    sort.appendChild(el("label", { for: "pl-explore-sort" }, "Sort by"));
    this.sort = el("select", { id: "pl-explore-sort", name: "sort",
      "data-testid": "explore-sort" });
    SORTS.forEach(function (s) { self.sort.appendChild(el("option", { value: s[0] }, s[1])); });
    this.sort.addEventListener("change", function () {
      self.state.sort = self.sort.value;
      self.state.page = 1;
      self.update("push");
    });
    sort.appendChild(this.sort);
    form.appendChild(sort);

    form.appendChild(this.group("level", "Alignment level", Object.keys(index.levels).map(
      function (v) { return [v, v + " · " + index.levels[v]]; }
    ), "checkbox", function (counts) { return counts.level; }));
    Object.keys(CHOICES).forEach(function (name) {
      var c = CHOICES[name];
      form.appendChild(self.group(name, c[0], [["", c[1]], ["yes", c[2]], ["no", c[3]]], "radio",
        function (counts) { return counts[name]; }));
    });
    index.facets.forEach(function (f, g) {
      var values = f.values.map(function (v, i) { return [v, v, i]; });
      form.appendChild(self.group(f.key, f.label, values, "checkbox", function (counts) {
        return counts.facets[g];
      }, values.length > 12));
    });
    var clear = el("button", { type: "button", class: "pl-explore__button pl-explore__clear",
      "data-testid": "explore-clear" }, "Clear filters");
    clear.addEventListener("click", function () {
      var sortBy = self.state.sort;
      self.state = emptyState(index);
      self.state.sort = sortBy;
      self.sync();
      self.update("push");
    });
    form.appendChild(clear);

    var results = el("section", { class: "pl-explore__results",
      "aria-labelledby": "pl-explore-results-title" });
    this.heading = el("h2", { id: "pl-explore-results-title", tabindex: "-1" }, "Patterns");
    results.appendChild(this.heading);
    this.status = el("p", { class: "pl-explore__count", role: "status", "aria-live": "polite",
      "aria-atomic": "true", "data-testid": "explore-count" });
    results.appendChild(this.status);
    this.range = el("p", { class: "pl-explore__range", "data-testid": "explore-range" });
    results.appendChild(this.range);
    this.pagerTop = el("nav", { class: "pl-pager", "aria-label": "Result pages, top" });
    this.cards = el("ul", { class: "pl-explore__cards", "data-testid": "explore-cards" });
    this.pagerBottom = el("nav", { class: "pl-pager", "aria-label": "Result pages, bottom" });
    results.appendChild(this.pagerTop);
    results.appendChild(this.cards);
    results.appendChild(this.pagerBottom);

    layout.appendChild(toggle);
    layout.appendChild(form);
    layout.appendChild(results);
    this.root.appendChild(layout);
  };

  /* A fieldset of checkboxes or radios; `value -> label` pairs; counts(counts) -> by value. */
  Explore.prototype.group = function (name, legend, options, type, counts, scroll) {
    var self = this;
    var set = el("fieldset", { class: "pl-explore__group", "data-group": name });
    set.appendChild(el("legend", {}, legend));
    var list = el("div", { class: "pl-explore__options" + (scroll ? " pl-explore__options--long" : "") });
    options.forEach(function (option) {
      var value = option[0], key = option.length > 2 ? option[2] : value;
      var label = el("label", { class: "pl-explore__option" });
      var input = el("input", { type: type, name: name, value: value });
      var count = el("span", { class: "pl-explore__n" });
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + option[1] + " "));
      label.appendChild(count);
      list.appendChild(label);
      input.addEventListener("change", function () {
        self.read(name, type);
        self.state.page = 1;
        self.update("push");
      });
      self.inputs.push({ input: input, name: name, value: value,
        count: function (all) { var n = counts(all)[key]; count.textContent = "(" + number(n) + ")"; } });
    });
    set.appendChild(list);
    return set;
  };

  /* Copy one group's controls into the state. */
  Explore.prototype.read = function (name, type) {
    var ticked = this.inputs.filter(function (i) { return i.name === name && i.input.checked; })
      .map(function (i) { return i.value; });
    if (type === "radio") this.state[name] = ticked[0] || "";
    else if (name === "level") this.state.level = ticked;
    else this.state.facets[name] = ticked;
  };

  /* Set the controls from the state. */
  Explore.prototype.sync = function () {
    var state = this.state;
    this.text.value = state.q;
    this.sort.value = state.sort;
    this.inputs.forEach(function (i) {
      var chosen = i.name in state.facets ? state.facets[i.name] :
        i.name === "level" ? state.level : [state[i.name]];
      i.input.checked = chosen.indexOf(i.value) >= 0;
    });
  };

  /* Filter, count, sort and show the state; `history` is "push", "replace" or "" (the URL
     already says it). */
  /* What the state shows: the matches, their order, the page's patterns (the page number
     brought within the pages there are). */
  function view(index, state, size) {
    var result = evaluate(index, state);
    var order = index.sorted(state.sort, result.matched);
    var pages = Math.max(1, Math.ceil(order.length / size));
    if (state.page > pages) state.page = pages;
    var first = (state.page - 1) * size;
    return { result: result, pages: pages, first: first,
      shown: order.slice(first, first + size) };
  }

  Explore.prototype.update = function (history, seen) {
    var self = this, index = this.index, state = this.state;
    if (history !== "replace") this.typing = false;
    var v = seen || view(index, state, this.pageSize);
    var result = v.result, pages = v.pages, first = v.first, shown = v.shown;
    this.inputs.forEach(function (i) { i.count(result.counts); });
    var url = query(index, state, state.page);
    if (history === "push") window.history.pushState(null, "", url);
    else if (history === "replace" || url !== window.location.pathname + window.location.search) {
      window.history.replaceState(null, "", url);  // also drops what the URL held in vain
    }
    var announced = plural(result.total, "pattern");
    if (this.status.textContent !== announced) this.status.textContent = announced;
    this.range.textContent = shown.length === 0 ? "No pattern matches these filters." :
      pages === 1 ? "" : "Showing " + number(first + 1) + "–" + number(first + shown.length) +
        ", page " + state.page + " of " + pages + ".";
    this.pager(this.pagerTop, state.page, pages);
    this.pager(this.pagerBottom, state.page, pages);
    var token = (this.token += 1);
    this.summaries.of(shown, function (texts) {
      if (token !== self.token) return;  // a later update has taken over
      var list = document.createDocumentFragment();
      shown.forEach(function (i, n) { list.appendChild(self.card(i, texts[n])); });
      self.cards.textContent = "";
      self.cards.appendChild(list);
      self.cards.setAttribute("data-state", query(index, state, state.page));
    });
  };

  Explore.prototype.card = function (i, summary) {
    var index = this.index, base = this.base;
    var item = el("li", { class: "pl-card", "data-key": index.keys[i] });
    var title = el("h3", { class: "pl-card__title" });
    title.appendChild(el("a", { href: base + "patterns/" + index.keys[i] + "/" }, index.titles[i]));
    item.appendChild(title);
    var meta = el("p", { class: "pl-card__meta" });
    var level = index.alignment[i];
    meta.appendChild(el("a", {
      class: "pl-level pl-level--" + (level || "none"),
      href: base + "browse/alignment/" + (level || "none") + "/",
      title: "Alignment level",
    }, level ? level + " · " + index.levels[level] : "not yet assessed"));
    if (index.overall[i] !== null) {
      meta.appendChild(el("span", { class: "pl-card__overall" },
        "Overall " + index.overall[i].toFixed(1)));
    }
    if (index.modified[i] >= 0) {
      var date = index.dates[index.modified[i]];
      meta.appendChild(el("span", { class: "pl-card__date" },
        "Modified " + (/^\d{4}-\d\d-\d\d/.test(date) ? date.slice(0, 10) : date)));
    }
    item.appendChild(meta);
    if (summary) item.appendChild(el("p", { class: "pl-card__summary" }, summary));
    var facets = el("p", { class: "pl-card__facets" });
    index.facets.forEach(function (f, g) {
      var values = index.values[g][i];
      if (!values.length) return;
      var part = el("span", { class: "pl-card__facet" });
      part.appendChild(el("span", { class: "pl-card__label" }, f.label));
      part.appendChild(document.createTextNode(" " + values.map(function (v) {
        return f.values[v];
      }).join(", ")));
      facets.appendChild(part);
    });
    item.appendChild(facets);
    return item;
  };

  /* Previous, first, the pages around this one, last, Next: links, for opening in a tab. */
  Explore.prototype.pager = function (nav, page, pages) {
    var self = this;
    nav.textContent = "";
    nav.hidden = pages === 1;
    if (pages === 1) return;
    function link(n, label, rel) {
      if (n === page && !rel) {
        nav.appendChild(el("span", { "aria-current": "page" }, String(n)));
        return;
      }
      var a = el("a", { href: query(self.index, self.state, n),
        "aria-label": rel ? label : "Page " + n }, label);
      if (rel) a.setAttribute("rel", rel);
      a.addEventListener("click", function (e) {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        self.state.page = n;
        self.update("push");
        self.heading.focus();
        self.heading.scrollIntoView({ block: "start" });
      });
      nav.appendChild(a);
    }
    if (page > 1) link(page - 1, "Previous", "prev");
    var shown = [1, pages];
    for (var n = page - 2; n <= page + 2; n += 1) if (n > 1 && n < pages) shown.push(n);
    shown = shown.filter(function (v, i) { return shown.indexOf(v) === i; })
      .sort(function (a, b) { return a - b; });
    shown.forEach(function (n, i) {
      if (i > 0 && n > shown[i - 1] + 1) nav.appendChild(el("span", { class: "pl-pager__gap" }, "…"));
      link(n, String(n));
    });
    if (page < pages) link(page + 1, "Next", "next");
  };

  /* --- start ------------------------------------------------------------------------------- */

  var current = null;

  /* Fetch the index, and the summaries of the first page when the link asks for the default
     view (the usual first visit), at once rather than one after the other. */
  function init() {
    var root = document.getElementById("pl-explore");
    if (!root || root.dataset.ready) return;
    root.dataset.ready = "1";
    root.hidden = false;  // "Loading the patterns..."
    var summaries = new Summaries(root);
    var page = new URLSearchParams(window.location.search);
    if (Array.from(page.keys()).every(function (k) { return k === "page"; })) {
      var size = parseInt(root.dataset.pageSize, 10), count = parseInt(root.dataset.patterns, 10);
      var first = (Math.max(1, parseInt(page.get("page"), 10) || 1) - 1) * size;
      var last = Math.min(first + size, count) - 1;
      for (var n = Math.floor(first / summaries.size); n <= Math.floor(last / summaries.size);
        n += 1) summaries.shard(n);
    }
    var url = new URL(root.dataset.index, document.baseURI).href;
    getJson(url)
      .then(function (data) {
        var explore = new Explore(root, new Index(data), summaries);
        explore.state = readUrl(explore.index, window.location.search);
        var first = view(explore.index, explore.state, explore.pageSize);
        // Controls and cards in one go, once the cards' summaries are in.
        summaries.of(first.shown, function () {
          explore.build();
          explore.sync();
          explore.update("", first);
          current = explore;
        });
      })
      .catch(function (error) {
        root.textContent = "";
        var p = el("p", { class: "pl-explore__error", role: "alert" },
          "The patterns could not be loaded (" + error.message + "). Browse the ");
        p.appendChild(el("a", { href: root.dataset.base + "browse/a-z/" }, "A to Z index"));
        p.appendChild(document.createTextNode(" instead."));
        root.appendChild(p);
      });
  }

  window.addEventListener("popstate", function () {
    if (!current || !document.body.contains(current.root)) return;
    current.state = readUrl(current.index, window.location.search);
    current.sync();
    current.update("");
  });

  if (typeof document$ !== "undefined") document$.subscribe(init);  // instant navigation
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
