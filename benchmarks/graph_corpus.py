"""The library graph of a built site: its bytes and the time to its first drawing in Chromium.

Given a built site folder (the corpus built with `patternlib build --keep-going`), prints

1. the bytes of the page's own files, raw and gzip-compressed (level 6, what static hosts
   serve): graph/index.html, graph.js, the vendored sigma and graphology, api/graph-view.json;
2. for /graph/ in headless Chromium (a new context, empty cache, --disable-gpu: WebGL is
   SwiftShader's): the bytes transferred, summed from the responses' Content-Length headers
   (the local server sends no Content-Encoding; reading the bodies would add round trips),
   and the milliseconds from navigation start to the first drawing (graph.js records
   performance.now() in data-drawn-ms after sigma's first frame; target: 3 s): the median of
   several runs, and the load average, as the machine's other work shows in these figures.

    .venv/bin/python benchmarks/graph_corpus.py /tmp/clib-graph/site [--runs 5]
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

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking",
]
OWN = (
    "graph/index.html",
    "assets/patternlib/graph.js",
    "assets/patternlib/vendor/sigma/sigma.min.js",
    "assets/patternlib/vendor/graphology/graphology.umd.min.js",
    "api/graph-view.json",
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Silent."""


def kb(n: float) -> str:
    return f"{n / 1024:,.1f} KB"


def sizes(site: Path, path: str) -> tuple[int, int]:
    """Return the raw and gzip-compressed bytes of a file of the site."""
    data = (site / path).read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=6, mtime=0))


def open_graph(url: str) -> tuple[dict[str, int], float, int]:
    """Open /graph/ once: bytes per response, ms from navigation to the first drawing, and
    the nodes drawn."""
    from playwright.sync_api import sync_playwright

    transferred: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("response", lambda r: transferred.__setitem__(
            r.url, int(r.headers.get("content-length") or 0)))
        page.goto(url + "graph/")
        ready = page.locator("#pl-graph[data-ready]")
        ready.wait_for(timeout=60_000)
        drawn = float(ready.get_attribute("data-drawn-ms") or "nan")
        nodes = int(ready.get_attribute("data-ready") or 0)
        page.wait_for_load_state("networkidle")
        context.close()
        browser.close()
    return transferred, drawn, nodes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    site: Path = args.site.resolve()
    print("page files (raw / gzip -6):")
    total_raw = total_gz = 0
    for path in OWN:
        raw, packed = sizes(site, path)
        total_raw += raw
        total_gz += packed
        print(f"  {path:60} {kb(raw):>10} / {kb(packed):>9}")
    print(f"  {'total':60} {kb(total_raw):>10} / {kb(total_gz):>9}")

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        times = []
        for run in range(args.runs):
            transferred, drawn, nodes = open_graph(url)
            times.append(drawn)
            if run == 0:
                print(f"/graph/ in Chromium: {len(transferred)} responses, "
                      f"{kb(sum(transferred.values()))} transferred (uncompressed)")
                for response, n in sorted(transferred.items(), key=lambda kv: -kv[1])[:8]:
                    print(f"  {kb(n):>10}  {response.removeprefix(url)}")
                print(f"  nodes drawn: {nodes:,}")
        print(f"first drawing: median {statistics.median(times):,.0f} ms "
              f"(runs: {', '.join(f'{t:,.0f}' for t in times)}; "
              f"load average {os.getloadavg()[0]:.2f})")
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
