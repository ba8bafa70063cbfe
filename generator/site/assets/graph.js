/* The library graph (/graph/): every pattern and stated relationship, drawn by sigma (WebGL)
   at the positions the build computed (generator/graphview.py), from api/graph-view.json.

   State for tests and tools, on #pl-graph: data-ready (nodes drawn, after the first frame),
   data-drawn-ms (performance.now() then), data-visible (nodes the filters leave),
   data-selected (the selected pattern's slug). */
(function () {
  "use strict";

  var root = document.getElementById("pl-graph");
  if (!root) return;
  var base = root.dataset.base;
  var NUMBER = new Intl.NumberFormat("en");
  var DOMAIN_COLOURS = 9; // the largest domains get a colour each, the others share one
  var MAX_NEIGHBOURS = 40; // listed in the side panel

  function number(n) { return NUMBER.format(n); }
  function plural(n, word) { return number(n) + " " + word + (n === 1 ? "" : "s"); }
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  // The URL segment of a pattern whose entry leaves it out (generator/explore.py).
  function slugOf(title) {
    return title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }
  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fail(why) {
    var message = element("p", { "class": "pl-graph__message", "data-testid": "graph-fallback" });
    message.append(why + " Every pattern and its relationships are also on the pages of the ");
    message.append(element("a", { href: base + "browse/a-z/" }, "A to Z index"), " and of ");
    message.append(element("a", { href: base + "explore/" }, "Explore"), ".");
    root.hidden = true;
    root.after(message);
  }

  function webgl() {
    try {
      var canvas = document.createElement("canvas");
      return Boolean(window.WebGLRenderingContext &&
                     (canvas.getContext("webgl2") || canvas.getContext("webgl")));
    } catch (e) {
      return false;
    }
  }

  if (!webgl()) {
    fail("The graph is drawn with WebGL, which this browser does not offer.");
    return;
  }
  if (!window.Sigma || !window.graphology) {
    fail("The graph's drawing library did not load.");
    return;
  }
  root.hidden = false;
  var status = root.querySelector(".pl-graph__status");
  status.textContent = "Loading " + plural(Number(root.dataset.patterns), "pattern") + "…";

  fetch(root.dataset.data)
    .then(function (r) {
      if (!r.ok) throw new Error(root.dataset.data + ": " + r.status);
      return r.json();
    })
    .then(start)
    .catch(function (error) {
      status.textContent = "";
      fail("The graph could not be loaded (" + error.message + ").");
    });

  /* --- colours, from the CSS (light or dark scheme) ---------------------------------------- */

  function readColours() {
    var style = getComputedStyle(root);
    function v(name) { return style.getPropertyValue(name).trim(); }
    var domain = [];
    for (var i = 0; i < DOMAIN_COLOURS; i++) domain.push(v("--pl-graph-c" + i));
    var level = [];
    for (var j = 0; j <= 5; j++) level.push(v("--pl-graph-a" + j));
    return {
      domain: domain, other: v("--pl-graph-other"), level: level, edge: v("--pl-graph-edge"),
      edgeFocus: v("--pl-graph-edge-focus"), dim: v("--pl-graph-dim"), fg: v("--pl-graph-fg"),
      bg: v("--pl-graph-bg"),
    };
  }

  /* --- the page ---------------------------------------------------------------------------- */

  function start(data) {
    var t0 = performance.now();
    var count = data.t.length;
    var slugs = data.k.map(function (k, i) { return k || slugOf(data.t[i]); });
    var index = new Map(slugs.map(function (s, i) { return [s, i]; }));
    function list(v) { return Array.isArray(v) ? v : [v]; }
    var domains = data.d.map(list);
    var categories = data.c.map(list);
    var levels = data.a;

    // The largest domains (by patterns placed in them) get the colours.
    var placed = data.domains.map(function () { return 0; });
    domains.forEach(function (d) { if (d.length) placed[d[0]] += 1; });
    var ranked = data.domains.map(function (_, i) { return i; })
      .filter(function (i) { return placed[i] > 0; })
      .sort(function (a, b) { return placed[b] - placed[a] || a - b; });
    var colourSlot = new Map(ranked.slice(0, DOMAIN_COLOURS).map(function (d, i) { return [d, i]; }));

    var graph = new graphology.MultiDirectedGraph();
    var degree = new Array(count).fill(0);
    var e = data.e;
    for (var n = 0; n < e.length; n += 3) { degree[e[n]] += 1; degree[e[n + 1]] += 1; }
    for (var i = 0; i < count; i++) {
      graph.addNode(slugs[i], {
        x: data.x[i], y: data.y[i], label: data.t[i],
        size: Math.min(10, 1.5 + Math.sqrt(degree[i]) * 0.8),
      });
    }
    for (var m = 0; m < e.length; m += 3) {
      graph.addDirectedEdge(slugs[e[m]], slugs[e[m + 1]], { kind: e[m + 2] });
    }

    var colours = readColours();
    var colourBy = "domain";
    var visible = new Uint8Array(count).fill(1);
    var hovered = null; // node indexes
    var selected = null;
    var neighbours = new Set();

    function colourOf(i) {
      if (colourBy === "alignment") return colours.level[levels[i]];
      var slot = domains[i].length ? colourSlot.get(domains[i][0]) : undefined;
      return slot === undefined ? colours.other : colours.domain[slot];
    }
    function focus() { return hovered !== null ? hovered : selected; }
    function setNeighbours() {
      neighbours = new Set();
      var f = focus();
      if (f !== null) graph.forEachNeighbor(slugs[f], function (s) { neighbours.add(index.get(s)); });
    }

    var container = document.getElementById("pl-graph-canvas");
    var renderer = new Sigma(graph, container, {
      hideEdgesOnMove: count > 1000,
      zIndex: true,
      // Dots keep their size on screen as one zooms: zooming in spreads them apart.
      zoomToSizeRatioFunction: function (ratio) { return ratio; },
      itemSizesReference: "screen",
      minCameraRatio: 0.01,
      maxCameraRatio: 4,
      labelColor: { color: colours.fg },
      defaultEdgeColor: colours.edge,
      labelFont: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
      labelDensity: 0.6,
      labelRenderedSizeThreshold: 7,
      defaultDrawNodeHover: drawHover,
      nodeReducer: function (node, attributes) {
        var i = index.get(node);
        var out = Object.assign({}, attributes);
        if (!visible[i]) { out.hidden = true; return out; }
        out.color = colourOf(i);
        var f = focus();
        if (f !== null) {
          if (i === f || neighbours.has(i)) {
            out.zIndex = 1;
          } else {
            out.color = colours.dim;
            out.label = "";
            out.zIndex = 0;
          }
        }
        if (i === selected) { out.highlighted = true; out.forceLabel = true; out.zIndex = 2; }
        return out;
      },
      edgeReducer: function (edge, attributes) {
        var out = Object.assign({}, attributes);
        var f = focus();
        if (f !== null) {
          var s = slugs[f];
          if (graph.source(edge) === s || graph.target(edge) === s) {
            out.color = colours.edgeFocus;
            out.size = 1.5;
            out.zIndex = 1;
          } else {
            out.hidden = true;
          }
        }
        return out;
      },
    });

    // Hover labels in the page's colours (sigma's own draws a white box, unreadable in dark).
    function drawHover(context, node, settings) {
      var size = settings.labelSize;
      context.font = settings.labelWeight + " " + size + "px " + settings.labelFont;
      var width = context.measureText(node.label || "").width;
      var x = Math.round(node.x), y = Math.round(node.y), r = node.size;
      context.fillStyle = colours.bg;
      context.shadowBlur = 6;
      context.shadowColor = "rgba(0, 0, 0, 0.4)";
      context.beginPath();
      context.arc(x, y, r + 3, 0, Math.PI * 2);
      context.fill();
      if (node.label) context.fillRect(x + r + 2, y - size / 2 - 4, width + 10, size + 8);
      context.shadowBlur = 0;
      context.fillStyle = node.color;
      context.beginPath();
      context.arc(x, y, r, 0, Math.PI * 2);
      context.fill();
      if (node.label) {
        context.fillStyle = colours.fg;
        context.fillText(node.label, x + r + 7, y + size / 3);
      }
    }

    function refresh() {
      renderer.refresh({ skipIndexation: true });
    }

    /* --- hover, click, selection ---------------------------------------------------------- */

    renderer.on("enterNode", function (event) {
      hovered = index.get(event.node);
      setNeighbours();
      container.style.cursor = "pointer";
      refresh();
    });
    renderer.on("leaveNode", function () {
      hovered = null;
      setNeighbours();
      container.style.cursor = "";
      refresh();
    });
    renderer.on("clickNode", function (event) {
      window.location.assign(base + "patterns/" + event.node + "/");
    });

    var panel = root.querySelector(".pl-graph__selected");
    var detail = panel.querySelector(".pl-graph__detail");

    function names(values, table) {
      return values.map(function (v) { return table[v]; }).join(", ") || "none";
    }
    function levelName(level) {
      return level ? "Level " + level + ": " + data.levels[level] : "Not assessed";
    }

    function select(i, fly) {
      selected = i;
      setNeighbours();
      if (i === null) {
        delete root.dataset.selected;
        panel.hidden = true;
        refresh();
        return;
      }
      root.dataset.selected = slugs[i];
      detail.replaceChildren();
      var title = element("p", { "class": "pl-graph__title" });
      title.append(element("a", { href: base + "patterns/" + slugs[i] + "/" }, data.t[i]));
      detail.append(title);
      var facts = element("dl", { "class": "pl-graph__facts" });
      [["Domain", names(domains[i], data.domains)],
       ["Category", names(categories[i], data.categories)],
       ["Alignment", levelName(levels[i])]].forEach(function (pair) {
        facts.append(element("dt", {}, pair[0]), element("dd", {}, pair[1]));
      });
      detail.append(facts);
      var linked = Array.from(neighbours).sort(function (a, b) { return a - b; });
      detail.append(element("p", {}, linked.length ?
        "Linked with " + plural(linked.length, "pattern") + ":" : "No relationships."));
      if (linked.length) {
        var ul = element("ul", { "class": "pl-graph__neighbours" });
        linked.slice(0, MAX_NEIGHBOURS).forEach(function (j) {
          var li = element("li");
          li.append(element("a", { href: base + "patterns/" + slugs[j] + "/" }, data.t[j]));
          ul.append(li);
        });
        detail.append(ul);
        if (linked.length > MAX_NEIGHBOURS) {
          detail.append(element("p", {}, "and " + number(linked.length - MAX_NEIGHBOURS) +
            " more on the pattern's page."));
        }
      }
      panel.hidden = false;
      refresh();
      if (fly) {
        var shown = renderer.getNodeDisplayData(slugs[i]);
        if (shown) {
          renderer.getCamera().animate(
            { x: shown.x, y: shown.y, ratio: Math.min(renderer.getCamera().ratio, count > 200 ? 0.15 : 0.6) },
            { duration: 500 });
        }
      }
    }

    /* --- the controls ---------------------------------------------------------------------- */

    var form = root.querySelector("form");
    var search = document.getElementById("pl-graph-search");
    var titles = document.getElementById("pl-graph-titles");
    var folded = data.t.map(fold);
    var order = data.t.map(function (_, i) { return i; });
    titles.replaceChildren.apply(titles, order.map(function (i) {
      return element("option", { value: data.t[i] });
    }));

    function find(query) {
      var q = fold(query.trim());
      if (!q) return null;
      var best = null, rank = 4;
      for (var i = 0; i < count; i++) {
        if (!visible[i]) continue;
        var t = folded[i];
        var r = t === q ? 0 : t.startsWith(q) ? 1 : t.indexOf(q) >= 0 ? 2 : 4;
        if (r < rank) { best = i; rank = r; if (r === 0) break; }
      }
      return best;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = search.value;
      if (!query.trim()) { select(null); status.textContent = ""; return; }
      var found = find(query);
      if (found === null) {
        status.textContent = "No pattern shown has “" + query.trim() + "” in its title.";
        return;
      }
      select(found, true);
      status.textContent = "Selected " + data.t[found] + ".";
    });
    // Picking a title from the list selects it at once.
    search.addEventListener("change", function () {
      if (search.value.trim()) form.requestSubmit();
    });

    function fill(selectId, entries) {
      var box = document.getElementById(selectId);
      entries.forEach(function (entry) {
        box.append(element("option", { value: String(entry[0]) }, entry[1]));
      });
      return box;
    }
    function counted(table, values) {
      var counts = table.map(function () { return 0; });
      values.forEach(function (vs) { vs.forEach(function (v) { counts[v] += 1; }); });
      return table.map(function (name, i) { return [i, name + " (" + number(counts[i]) + ")"]; })
        .filter(function (_, i) { return counts[i] > 0; });
    }
    var domainBox = fill("pl-graph-domain", counted(data.domains, domains));
    var categoryBox = fill("pl-graph-category", counted(data.categories, categories));
    var levelCounts = [0, 0, 0, 0, 0, 0];
    levels.forEach(function (a) { levelCounts[a] += 1; });
    var alignmentBox = fill("pl-graph-alignment", [5, 4, 3, 2, 1, 0]
      .filter(function (a) { return levelCounts[a] > 0; })
      .map(function (a) { return [a, levelName(a) + " (" + number(levelCounts[a]) + ")"]; }));

    function applyFilters() {
      var d = domainBox.value === "" ? null : Number(domainBox.value);
      var c = categoryBox.value === "" ? null : Number(categoryBox.value);
      var a = alignmentBox.value === "" ? null : Number(alignmentBox.value);
      var shown = 0;
      for (var i = 0; i < count; i++) {
        var ok = (d === null || domains[i].indexOf(d) >= 0) &&
                 (c === null || categories[i].indexOf(c) >= 0) &&
                 (a === null || levels[i] === a);
        visible[i] = ok ? 1 : 0;
        shown += visible[i];
      }
      root.dataset.visible = String(shown);
      if (selected !== null && !visible[selected]) select(null);
      status.textContent = shown === count ? "Showing every pattern." :
        "Showing " + number(shown) + " of " + plural(count, "pattern") + ".";
      refresh();
    }
    [domainBox, categoryBox, alignmentBox].forEach(function (box) {
      box.addEventListener("change", applyFilters);
    });

    var legend = root.querySelector(".pl-graph__legend");
    function drawLegend() {
      var entries = [];
      if (colourBy === "alignment") {
        [5, 4, 3, 2, 1, 0].forEach(function (a) {
          entries.push([colours.level[a], levelName(a)]);
        });
      } else {
        ranked.slice(0, DOMAIN_COLOURS).forEach(function (dIndex, slot) {
          entries.push([colours.domain[slot], data.domains[dIndex]]);
        });
        if (ranked.length > DOMAIN_COLOURS || placed.length === 0 ||
            domains.some(function (d) { return d.length === 0; })) {
          entries.push([colours.other, "Other domains"]);
        }
      }
      legend.replaceChildren.apply(legend, entries.map(function (entry) {
        var li = element("li");
        var swatch = element("span", { "class": "pl-graph__swatch", "aria-hidden": "true" });
        swatch.style.background = entry[0];
        li.append(swatch, entry[1]);
        return li;
      }));
    }
    root.querySelectorAll("input[name=pl-graph-colour]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (!radio.checked) return;
        colourBy = radio.value;
        drawLegend();
        refresh();
      });
    });

    root.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var camera = renderer.getCamera();
        var how = button.dataset.zoom;
        if (how === "in") camera.animatedZoom({ duration: 300 });
        else if (how === "out") camera.animatedUnzoom({ duration: 300 });
        else camera.animatedReset({ duration: 300 });
      });
    });

    // Material switches scheme by an attribute on <body>: take the new colours.
    new MutationObserver(function () {
      colours = readColours();
      renderer.setSetting("labelColor", { color: colours.fg });
      renderer.setSetting("defaultEdgeColor", colours.edge);
      drawLegend();
      refresh();
    }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

    drawLegend();
    root.dataset.visible = String(count);
    status.textContent = "";
    // For tests and the benchmark: the state, and when the first frame was drawn.
    root.patternlibGraph = { renderer: renderer, graph: graph, select: function (slug) {
      select(index.has(slug) ? index.get(slug) : null, true);
    } };
    requestAnimationFrame(function () {
      root.dataset.drawnMs = String(Math.round(performance.now()));
      root.dataset.setupMs = String(Math.round(performance.now() - t0));
      root.dataset.ready = String(count);
    });
  }
})();
