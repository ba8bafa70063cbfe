"""The Explore page of a built site: its bytes and the time to its first cards in Chromium.

Given a built site folder (the corpus built with `patternlib build --keep-going`), prints

1. the bytes of the page's own files, raw and gzip-compressed (level 6, what static hosts
   serve): explore/index.html, assets/patternlib/explore.js, api/explore.json and the
   summary shards the first view fetches;
2. for the first view of /explore/ in headless Chromium (a new context, empty cache): every
   response, the total raw bytes (compressed they would be less: the local server sends no
   Content-Encoding), the part that is Material's and patternlib's shared CSS and JS (what
   every page loads, cached after the first); then, in runs of their own, the milliseconds
   from navigation start to the first card and to all the first page's cards (target: first
   view <= 400 KB, cards within 1 s): the median of several runs, and the load average, as
   the machine's other work shows in these figures.

    .venv/bin/python benchmarks/explore_corpus.py /tmp/clib-explore/site [--runs 5]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import statistics
import threading
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking",
]
OWN = ("explore/index.html", "assets/patternlib/explore.js", "api/explore.json")
# Records when the first card, and the whole first page of them, appear (ms since navigation).
WATCH = """
new MutationObserver(function (changes, observer) {
  var cards = document.querySelectorAll(".pl-card");
  if (cards.length && window.__firstCard === undefined) window.__firstCard = performance.now();
  var list = document.querySelector("[data-testid=explore-cards][data-state]");
  if (list && window.__allCards === undefined) {
    window.__allCards = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true, attributes: true });
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Silent."""


def kb(n: float) -> str:
    return f"{n / 1024:,.1f} KB"


def sizes(site: Path, paths: list[str]) -> tuple[int, int]:
    """Return the raw and gzip-compressed bytes of files of the site."""
    raw = packed = 0
    for path in paths:
        data = (site / path).read_bytes()
        raw += len(data)
        packed += len(gzip.compress(data, compresslevel=6, mtime=0))
    return raw, packed


def _file(site: Path, path: str) -> str | None:
    """Return the site file a URL path names, or None."""
    name = path.lstrip("/")
    name = name + "index.html" if name.endswith("/") or not name else name
    return name if (site / name).is_file() else None


def first_view(url: str, *, count: bool) -> tuple[dict[str, int], float, float, float, int]:
    """Open /explore/ once: bytes per response (with `count`: reading the bodies slows the
    page), ms to the first card, to all and to DOMContentLoaded, cards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.add_init_script(WATCH)
        got: dict[str, int] = {}
        if count:
            page.on("response", lambda r: got.__setitem__(urlsplit(r.url).path, len(r.body())))
        page.goto(url + "explore/")
        page.wait_for_function("window.__allCards !== undefined", timeout=30_000)
        page.wait_for_load_state("networkidle")
        first = page.evaluate("window.__firstCard")
        every = page.evaluate("window.__allCards")
        loaded = page.evaluate(
            "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
        )
        cards = page.locator(".pl-card").count()
        browser.close()
    return got, first, every, loaded, cards


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site folder")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    site: Path = args.site.resolve()
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        got, _, _, _, cards = first_view(url, count=True)
        runs = [first_view(url, count=False) for _ in range(args.runs)]
    finally:
        server.shutdown()
    shards = sorted(p.lstrip("/") for p in got if p.startswith("/api/explore/"))
    for path in (*OWN, *shards):
        raw, packed = sizes(site, [path])
        print(f"{path}: {raw:,} bytes, {packed:,} gzip")
    raw, packed = sizes(site, [*OWN, *shards])
    print(f"explore's own files in the first view ({len(shards)} summary shards): "
          f"{kb(raw)} raw, {kb(packed)} gzip (target <= 400 KB)")
    files = [_file(site, path) for path in got]
    _, every_packed = sizes(site, [f for f in files if f])
    shared = [f for f in files if f and f.startswith("assets/") and f not in OWN]
    shared_raw, shared_packed = sizes(site, shared)
    print(f"first view in Chromium: {len(got)} responses, {kb(sum(got.values()))} raw, "
          f"{kb(every_packed)} if served gzip; of which the CSS and JS every page loads "
          f"(Material's and patternlib's): {kb(shared_raw)} raw, {kb(shared_packed)} gzip")
    first = statistics.median(r[1] for r in runs)
    every = statistics.median(r[2] for r in runs)
    loaded = statistics.median(r[3] for r in runs)
    print(f"navigation to first card: {first:.0f} ms, to the first page's {cards} cards: "
          f"{every:.0f} ms (median of {len(runs)}, range {min(r[1] for r in runs):.0f}-"
          f"{max(r[1] for r in runs):.0f} ms; target <= 1000 ms; DOMContentLoaded: "
          f"{loaded:.0f} ms); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
