/* The 7 Pillars assessment calculator. Pillars and level names come from api/pillars.json,
   the file the Python scorer reads too; profiles of the library's patterns from
   api/profiles.json, loaded after the page is usable. Initialised on Material's document$
   so it also works after instant navigation. */
(function () {
  "use strict";

  var NEUTRAL = 3;

  /* Overall and alignment exactly as generator/score.py computes them: means of whole
     numbers over seven pillars never fall on a half, so rounding half up is exact here. */
  function overallOf(scores) {
    var sum = scores.reduce(function (a, b) { return a + b; }, 0);
    return Math.round((sum * 10) / scores.length) / 10;
  }
  function alignmentOf(scores) {
    var sum = scores.reduce(function (a, b) { return a + b; }, 0);
    return Math.round(sum / scores.length);
  }
  window.patternlibScore = { overallOf: overallOf, alignmentOf: alignmentOf };

  function readUrl(rubric) {
    var params = new URLSearchParams(window.location.search);
    var low = rubric.scale.min, high = rubric.scale.max;
    var scores = {}, problems = [], given = 0;
    rubric.pillars.forEach(function (p) {
      var raw = params.get(p.key);
      if (raw === null) {
        problems.push(p.name + " (missing)");
      } else {
        given += 1;
        var value = /^\s*\d+\s*$/.test(raw) ? parseInt(raw, 10) : NaN;
        if (value >= low && value <= high) {
          scores[p.key] = value;
          return;
        }
        problems.push(p.name + " ('" + raw + "' is not a whole number from " + low + " to " +
          high + ")");
      }
      scores[p.key] = NEUTRAL;
    });
    var notice = "";
    if (given === 0) {
      notice = "No scores in the link: every pillar starts at " + NEUTRAL + " (neutral).";
    } else if (problems.length) {
      notice = "Set to " + NEUTRAL + " (neutral) because the link did not give a valid score: " +
        problems.join(", ") + ".";
    }
    return { scores: scores, notice: notice };
  }

  function make(node, attrs, text) {
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function el(tag, attrs, text) { return make(document.createElement(tag), attrs, text); }
  function svg(tag, attrs, text) {
    return make(document.createElementNS("http://www.w3.org/2000/svg", tag), attrs, text);
  }

  function Calculator(root, rubric) {
    this.root = root;
    this.rubric = rubric;
    this.base = root.dataset.base;
    this.levels = {};
    rubric.levels.forEach(function (l) { this.levels[l.value] = l.name; }, this);
    this.profiles = null;
    this.overlay = null;
  }

  Calculator.prototype.values = function () {
    var form = this.root.querySelector("#pl-calc-form");
    return this.rubric.pillars.map(function (p) {
      var checked = form.querySelector("input[name='" + p.key + "']:checked");
      return checked ? parseInt(checked.value, 10) : NEUTRAL;
    });
  };

  Calculator.prototype.rationales = function () {
    var root = this.root;
    return this.rubric.pillars.map(function (p) {
      var box = root.querySelector("#" + p.key + "-rationale");
      return box ? box.value.replace(/\s+/g, " ").trim() : "";
    });
  };

  Calculator.prototype.set = function (scores) {
    var form = this.root.querySelector("#pl-calc-form");
    this.rubric.pillars.forEach(function (p) {
      var radio = form.querySelector("input[name='" + p.key + "'][value='" + scores[p.key] + "']");
      if (radio) radio.checked = true;
    });
  };

  /* Write only what changed: the figures sit in an aria-live region, and rewriting the same
     text would have screen readers announce it again. */
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  Calculator.prototype.update = function (writeUrl) {
    var scores = this.values();
    var overall = overallOf(scores), alignment = alignmentOf(scores);
    setText(this.root.querySelector("[data-testid=overall]"), overall.toFixed(1));
    setText(this.root.querySelector("[data-testid=alignment]"),
      alignment + " · " + this.levels[alignment]);
    if (writeUrl) {
      var params = new URLSearchParams();
      this.rubric.pillars.forEach(function (p, i) { params.set(p.key, String(scores[i])); });
      history.replaceState(history.state, "", "?" + params.toString() + window.location.hash);
    }
    this.drawRadar(scores);
    this.writeExports(scores, overall, alignment);
    this.recommend(scores);
  };

  Calculator.prototype.drawRadar = function (scores) {
    var chart = this.root.querySelector("#pl-radar");
    var title = chart.querySelector("title");
    while (chart.lastChild && chart.lastChild !== title) chart.removeChild(chart.lastChild);
    // The viewBox (460 x 340) leaves room for the longest label on either side.
    var cx = 230, cy = 172, radius = 112, n = this.rubric.pillars.length;
    function point(i, value) {
      var angle = -Math.PI / 2 + (2 * Math.PI * i) / n;
      var r = (radius * value) / 5;
      return [cx + r * Math.cos(angle), cy + r * Math.sin(angle)];
    }
    function polygon(values) {
      return values.map(function (v, i) { return point(i, v).map(function (c) {
        return c.toFixed(1); }).join(","); }).join(" ");
    }
    for (var ring = 1; ring <= 5; ring++) {
      var ringValues = [];
      for (var k = 0; k < n; k++) ringValues.push(ring);
      chart.appendChild(svg("polygon", { points: polygon(ringValues), class: "pl-radar__ring" }));
    }
    this.rubric.pillars.forEach(function (p, i) {
      var end = point(i, 5), label = point(i, 5.75);
      chart.appendChild(svg("line", { x1: cx, y1: cy, x2: end[0].toFixed(1), y2: end[1].toFixed(1),
        class: "pl-radar__axis" }));
      var anchor = Math.abs(label[0] - cx) < 8 ? "middle" : label[0] > cx ? "start" : "end";
      chart.appendChild(svg("text", { x: label[0].toFixed(1), y: (label[1] + 4).toFixed(1),
        "text-anchor": anchor, class: "pl-radar__label" }, p.name + " " + scores[i]));
    });
    if (this.overlay) {
      chart.appendChild(svg("polygon", { points: polygon(this.overlay.scores),
        class: "pl-radar__overlay", "data-testid": "radar-overlay" }));
    }
    chart.appendChild(svg("polygon", { points: polygon(scores), class: "pl-radar__profile",
      "data-testid": "radar-profile" }));
    chart.setAttribute("aria-label", "Radar chart: " + this.rubric.pillars.map(function (p, i) {
      return p.name + " " + scores[i]; }).join(", ") +
      (this.overlay ? "; compared with " + this.overlay.title : ""));
  };

  /* A JSON string is a YAML double-quoted scalar, once the characters YAML will not take
     as they are (DEL, C1 controls, NEL, U+FFFE/FFFF) are escaped too. */
  function yamlString(text) {
    return JSON.stringify(text).replace(/[\u007f-\u009f\ufffe\uffff]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }
  /* A pipe ends a table cell unless escaped; a backslash right before it would escape the
     escape, so double those too (`a\|b` -> `a\\\|b`). */
  function cell(text) {
    return text.replace(/(\\*)\|/g, function (_, slashes) { return slashes + slashes + "\\|"; });
  }

  Calculator.prototype.writeExports = function (scores, overall, alignment) {
    if (scores === undefined) {
      scores = this.values();
      overall = overallOf(scores);
      alignment = alignmentOf(scores);
    }
    var why = this.rationales();
    var pillars = this.rubric.pillars;
    var yaml = ["pillars:"];
    pillars.forEach(function (p, i) {
      yaml.push("  " + p.key + ":");
      yaml.push("    score: " + scores[i]);
      yaml.push("    rationale: " + yamlString(why[i] || "TODO: why this score"));
    });
    yaml.push("# and under classification:");
    yaml.push("#   commons_alignment: " + alignment);
    var md = ["| Pillar | Score (1-5) | Rationale |", "|---|---|---|"];
    pillars.forEach(function (p, i) {
      md.push("| " + p.name + " | " + scores[i] + " | " + cell(why[i] || "TODO: why this score") +
        " |");
    });
    md.push("| **Overall** | **" + overall.toFixed(1) + "** | **Alignment level " + alignment +
      " (" + this.levels[alignment] + ")** |");
    this.root.querySelector("#pl-export-yaml").value = yaml.join("\n") + "\n";
    this.root.querySelector("#pl-export-md").value = md.join("\n") + "\n";
    this.exportData = {
      scores: {}, rationales: {}, overall: overall, alignment: alignment,
      level: this.levels[alignment],
    };
    pillars.forEach(function (p, i) {
      this.exportData.scores[p.key] = scores[i];
      this.exportData.rationales[p.key] = why[i];
    }, this);
  };

  function distance(a, b) {
    var total = 0;
    for (var i = 0; i < a.length; i++) total += (a[i] - b[i]) * (a[i] - b[i]);
    return Math.sqrt(total);
  }

  Calculator.prototype.link = function (profile) {
    var a = el("a", { href: this.base + profile.url }, profile.title);
    return a;
  };

  Calculator.prototype.recommend = function (scores) {
    var box = this.root.querySelector("#pl-recs");
    if (!this.profiles) return;
    box.textContent = "";
    if (!this.profiles.length) {
      box.appendChild(el("p", {}, "No pattern in this library is assessed yet."));
      return;
    }
    var self = this;
    var closest = this.profiles.map(function (p) {
      return { p: p, d: distance(scores, p.scores) };
    }).sort(function (x, y) { return x.d - y.d || x.p.title.localeCompare(y.p.title); })
      .slice(0, 5);
    box.appendChild(el("h3", {}, "Closest profiles"));
    var list = el("ul", { "data-testid": "closest" });
    closest.forEach(function (c) {
      var li = el("li", {});
      li.appendChild(self.link(c.p));
      li.appendChild(document.createTextNode(" · distance " + c.d.toFixed(2) +
        " · overall " + c.p.overall.toFixed(1)));
      list.appendChild(li);
    });
    box.appendChild(list);

    var lowest = Math.min.apply(null, scores);
    var weakest = this.rubric.pillars.map(function (p, i) { return { p: p, i: i }; })
      .filter(function (x) { return scores[x.i] === lowest; }).slice(0, 2);
    box.appendChild(el("h3", {}, "To strengthen your weakest " +
      (weakest.length > 1 ? "pillars" : "pillar")));
    weakest.forEach(function (w) {
      var best = self.profiles.slice().sort(function (x, y) {
        return y.scores[w.i] - x.scores[w.i] || y.overall - x.overall ||
          x.title.localeCompare(y.title);
      }).slice(0, 3);
      box.appendChild(el("p", {}, w.p.name + " (you: " + lowest + "): patterns that score highest here"));
      var ul = el("ul", { "data-testid": "strongest-" + w.p.key });
      best.forEach(function (b) {
        var li = el("li", {});
        li.appendChild(self.link(b));
        li.appendChild(document.createTextNode(" · " + w.p.name + " " + b.scores[w.i]));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    });
  };

  Calculator.prototype.loadProfiles = function () {
    var self = this;
    return fetch(this.root.dataset.api + "profiles.json").then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (data) {
      self.profiles = data.patterns;
      var list = self.root.querySelector("#pl-overlay-list");
      self.profiles.forEach(function (p) { list.appendChild(el("option", { value: p.title })); });
      self.update(false);
      // A name typed while the profiles were loading.
      var typed = self.root.querySelector("#pl-overlay").value;
      if (typed) self.pickOverlay(typed);
    }).catch(function (err) {
      self.root.querySelector("#pl-recs").textContent =
        "The library's profiles could not be loaded (" + err.message + ").";
    });
  };

  Calculator.prototype.pickOverlay = function (name) {
    var status = this.root.querySelector("#pl-overlay-status");
    var wanted = name.trim().toLowerCase();
    var match = null;
    (this.profiles || []).forEach(function (p) {
      if (!match && p.title.toLowerCase() === wanted) match = p;
    });
    this.overlay = match;
    status.textContent = match ? "Showing " + match.title + " (overall " +
      match.overall.toFixed(1) + ") as a dashed outline." : (wanted ? "No assessed pattern by that name." : "");
    this.drawRadar(this.values());
  };

  Calculator.prototype.bind = function () {
    var self = this;
    var form = this.root.querySelector("#pl-calc-form");
    form.addEventListener("change", function () { self.update(true); });
    // A rationale changes only the exports: the figures, chart and recommendations stay.
    form.addEventListener("input", function (e) {
      if (e.target.tagName === "TEXTAREA") self.writeExports();
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    this.root.querySelector("#pl-overlay").addEventListener("input", function (e) {
      self.pickOverlay(e.target.value);
    });
    var status = this.root.querySelector("#pl-copy-status");
    Array.prototype.forEach.call(this.root.querySelectorAll("[data-copy]"), function (button) {
      button.addEventListener("click", function () {
        var box = self.root.querySelector("#" + button.dataset.copy);
        var done = function () { status.textContent = "Copied."; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(box.value).then(done, function () {
            box.select(); document.execCommand("copy"); done();
          });
        } else {
          box.select(); document.execCommand("copy"); done();
        }
      });
    });
    this.root.querySelector("#pl-download").addEventListener("click", function () {
      var blob = new Blob([JSON.stringify(self.exportData, null, 2) + "\n"],
        { type: "application/json" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "7-pillars-assessment.json";
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
      status.textContent = "Downloaded 7-pillars-assessment.json.";
    });
  };

  function init() {
    var root = document.getElementById("pl-calculator");
    if (!root || root.dataset.ready) return;
    root.dataset.ready = "1";
    var notice = root.querySelector("#pl-calc-notice");
    fetch(root.dataset.api + "pillars.json").then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (rubric) {
      var calc = new Calculator(root, rubric);
      var state = readUrl(rubric);
      calc.set(state.scores);
      notice.textContent = state.notice;
      notice.hidden = !state.notice;
      calc.bind();
      calc.update(false);
      root.dataset.state = "ready";
      window.setTimeout(function () { calc.loadProfiles(); }, 0);
    }).catch(function (err) {
      notice.textContent = "The calculator could not start (" + err.message + ").";
      notice.hidden = false;
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
