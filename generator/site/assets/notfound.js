/* The 404 page (generator/theme/404.html): say which address is missing, prefill the search
   box with its words, and suggest the patterns whose slugs come closest to it, from
   api/slugs.json. The page is served at any depth of missing address, so every link is built
   from the site's root path (data-base), never relative to the address. */
(function () {
  "use strict";

  var SHOWN = 5;

  // Levenshtein distance, two rows at a time.
  function distance(a, b) {
    var previous = [], current = [], i, j;
    for (j = 0; j <= b.length; j++) previous.push(j);
    for (i = 1; i <= a.length; i++) {
      current = [i];
      for (j = 1; j <= b.length; j++) {
        current.push(Math.min(previous[j] + 1, current[j - 1] + 1,
          previous[j - 1] + (a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1)));
      }
      previous = current;
    }
    return previous[b.length];
  }

  function words(text) {
    return text.split(/[^a-z0-9]+/).filter(Boolean);
  }

  // The part of the address that names a pattern: the segment after patterns/, else the last.
  function wanted(path, base) {
    var rest = path.indexOf(base) === 0 ? path.slice(base.length) : path.replace(/^\/+/, "");
    var parts = rest.split("/").filter(Boolean).map(function (part) {
      try { return decodeURIComponent(part); } catch (e) { return part; }
    });
    var at = parts.indexOf("patterns");
    var name = at >= 0 && at + 1 < parts.length ? parts[at + 1] : parts[parts.length - 1] || "";
    return name.toLowerCase().replace(/\.(html?|md)$/, "").replace(/^index$/, "");
  }

  // Words that say something: "and", "of", "the" are shared by too many slugs.
  function keywords(text) {
    return words(text).filter(function (w) { return w.length > 3; });
  }

  // The closest slugs: by edit distance relative to length, helped by the words they share.
  function closest(name, slugs) {
    var mine = keywords(name);
    return slugs.map(function (slug) {
      var theirs = keywords(slug);
      var shared = mine.filter(function (w) { return theirs.indexOf(w) >= 0; }).length;
      var apart = distance(name, slug) / Math.max(name.length, slug.length, 1);
      var score = apart - shared / Math.max(mine.length, theirs.length, 1) / 2;
      return { slug: slug, score: score, near: apart <= 0.5 || shared > 0 };
    }).filter(function (s) {
      return s.near;
    }).sort(function (a, b) {
      return a.score - b.score || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
    }).slice(0, SHOWN);
  }

  function init() {
    var box = document.getElementById("pl-404");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var base = box.dataset.base || "/";
    var name = wanted(window.location.pathname, base);
    var path = document.getElementById("pl-404-path");
    if (path) {
      var code = document.createElement("code");
      code.textContent = window.location.pathname;
      path.append(" (", code, ")");
    }
    var input = document.getElementById("pl-404-q");
    if (input && name && !input.value) input.value = words(name).join(" ");
    if (!name) return;
    fetch(box.dataset.slugs)
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (slugs) {
        var found = closest(name, Array.isArray(slugs) ? slugs : []);
        var section = document.getElementById("pl-404-suggestions");
        if (!found.length || !section) return;
        var list = section.querySelector("ul");
        found.forEach(function (s) {
          var link = document.createElement("a");
          link.href = base + "patterns/" + encodeURIComponent(s.slug) + "/";
          link.textContent = s.slug;
          var item = document.createElement("li");
          item.appendChild(link);
          list.appendChild(item);
        });
        section.hidden = false;
      })
      .catch(function () { /* no suggestions: the search box and links remain */ });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
