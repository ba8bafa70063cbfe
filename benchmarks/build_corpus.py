"""Build the real Commons OS library with patternlib and with plain Material, in one run.

Unpacks ../shared/corpus/commons-os-patterns.tar.xz into a temporary folder, imports it with
`patternlib import` into a library laid out like this repository (patterns/ + mkdocs.yml),
then measures, printing each figure as it comes:

1. `patternlib validate` of the imported library, cold (empty cache);
2. `patternlib build --keep-going`, cold: wall time, phases, peak memory of the process tree
   (the sum of the processes' proportional set sizes, sampled every 0.2 s), site size,
   median pattern page;
3. plain Material on the same Markdown files: mkdocs-material with its built-in search and
   the navigation pruned to the home page (its default navigation lists 3,614 pages on
   every page), and the ratio of the two build times (target: patternlib <= 0.5x);
4. `patternlib serve`: seconds from saving an edited pattern (body, then title) to the new
   page being served (target <= 3 s);
5. search in headless Chromium: bytes downloaded and milliseconds from typing a query to
   results shown, on the first query (targets <= 2 MB, <= 500 ms);
6. growth: the library doubled with a synthetic copy (new slugs and ids), built again; the
   ratio of the two build times (target <= 2.2).

    .venv/bin/python benchmarks/build_corpus.py [--skip material,serve,search,growth]

It takes about ten minutes on a 2-core machine. Nothing is kept.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

from corpus import PATTERNLIB, unpacked

PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking",
]
# A word in a few dozen patterns, one in a few hundred, and one in most of them.
SEARCH_QUERIES = ("sociocracy", "kanban", "governance")
MATERIAL_CONFIG = """\
site_name: Commons OS (plain Material)
theme:
  name: material
  font: false
plugins:
  - search
nav:
  - Home: index.md
"""


class PeakMemory:
    """Sample the proportional set size of a process and its descendants; keep the peak."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> int:
        """Stop sampling; return the peak in bytes."""
        self._stop.set()
        self._thread.join()
        return self.peak

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(_pss(p) for p in _tree(self.pid)))
            self._stop.wait(0.2)


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
    return pids


def _pss(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def run(args: list[str], cwd: Path, *, ok: tuple[int, ...] = (0,)) -> tuple[float, int, str]:
    """Run a command; return wall seconds, peak memory (bytes) and its output.

    Also prints the processor seconds it took (its processes and theirs, user + system) and
    the load average: on a shared machine wall times move with the others' work, processor
    seconds much less.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    process = subprocess.Popen(
        args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    memory = PeakMemory(process.pid)
    output, _ = process.communicate()
    elapsed = time.perf_counter() - start
    peak = memory.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"  [{Path(args[0]).name} {args[1]}: {elapsed:.1f} s wall, {cpu:.1f} s of processor,"
          f" load average {load:.2f} before, {os.getloadavg()[0]:.2f} after]", flush=True)
    if process.returncode not in ok:
        sys.exit(f"{' '.join(args)} failed ({process.returncode}):\n{output[-3000:]}")
    return elapsed, peak, output


def mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def site_figures(site: Path, pages_glob: str = "patterns/*/index.html") -> str:
    """Size of the site and of its median pattern page."""
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    pages = [p.stat().st_size for p in site.glob(pages_glob)]
    median = statistics.median(pages) if pages else 0
    return (f"site {mb(total)} in {sum(1 for p in site.rglob('*') if p.is_file())} files; "
            f"median pattern page {median / 1024:.1f} KB over {len(pages)} pages")


def build(root: Path, label: str) -> float:
    """Cold `patternlib build --keep-going` of `root`; print and return its wall time."""
    shutil.rmtree(root / "site", ignore_errors=True)
    seconds, peak, output = run([str(PATTERNLIB), "build", "--keep-going"], root, ok=(0, 1))
    summary = next((ln for ln in output.splitlines() if ln.startswith("built ")), "")
    phases = re.search(r"\((check .*)\)$", summary)
    print(f"{label}: {seconds:.1f} s, peak memory {mb(peak)}"
          f" ({phases.group(1) if phases else 'no phases printed'})", flush=True)
    print(f"  {site_figures(root / 'site')}", flush=True)
    return seconds


def material(patterns: Path, work: Path) -> float:
    """Build the same Markdown files with plain Material; print and return its wall time."""
    root = work / "material"
    docs = root / "docs"
    shutil.copytree(patterns, docs)
    (docs / "index.md").write_text("# Commons OS\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MATERIAL_CONFIG, encoding="utf-8")
    seconds, peak, _ = run([PYTHON, "-m", "mkdocs", "build", "--quiet"], root)
    print(f"plain Material build: {seconds:.1f} s, peak memory {mb(peak)}", flush=True)
    index = root / "site" / "search" / "search_index.json"
    print(f"  {site_figures(root / 'site', '*/index.html')};"
          f" its search index {mb(index.stat().st_size)}",
          flush=True)
    return seconds


def search_floor(root: Path) -> float:
    """Time Pagefind alone over the build's search input (benchmarks/search_floor.py)."""
    _, _, output = run([PYTHON, str(Path(__file__).with_name("search_floor.py")),
                        str(root)], root)
    seconds, cpu, size, shards, before = output.strip().splitlines()[-1].split()
    print(f"Pagefind alone over the build's search input ({size} MB of page input, {shards}"
          f" shards): {seconds} s, {cpu} s of processor; the check and render that make"
          f" its input took {before} s before it", flush=True)
    return float(seconds)


@contextlib.contextmanager
def serving(root: Path) -> Iterator[tuple[str, subprocess.Popen[str], list[str]]]:
    """Run `patternlib serve --keep-going` on a free port; yield its URL, process, output."""
    process = subprocess.Popen(
        [str(PATTERNLIB), "serve", "--keep-going", "--port", "0"], cwd=root,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: list[str] = []
    started = threading.Event()

    def read() -> None:
        for line in process.stdout or ():
            lines.append(line)
            if "serving" in line:
                started.set()
        started.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        started.wait()
        match = re.search(r"at (http://\S+/) ", "".join(lines))
        if match is None:
            sys.exit("serve stopped:\n" + "".join(lines))
        yield match.group(1), process, lines
    finally:
        process.terminate()
        process.wait(timeout=60)


def edit_and_wait(root: Path, url: str, slug: str, how: str) -> float:
    """Edit a pattern (its body or its title); return seconds until its new page is served."""
    path = root / "patterns" / f"{slug}.md"
    word = f"edited{uuid.uuid4().hex[:8]}"
    text = path.read_text(encoding="utf-8")
    if how == "body":
        text = text.rstrip("\n") + f"\n\nA sentence {word} added.\n"
    else:
        text = re.sub(r"^title: ['\"]?", lambda m: f"{m.group(0)}{word} ", text, count=1,
                      flags=re.MULTILINE)
    start = time.perf_counter()
    path.write_text(text, encoding="utf-8")
    while True:
        with contextlib.suppress(OSError), urllib.request.urlopen(
            f"{url}patterns/{slug}/", timeout=10
        ) as response:
            if word in response.read().decode("utf-8"):
                return time.perf_counter() - start
        if time.perf_counter() - start > 120:
            return float("inf")
        time.sleep(0.05)


def rebuilds(root: Path) -> None:
    """Time edits in `patternlib serve`: save to served, for a body and a title edit."""
    _, _, output = run([str(PATTERNLIB), "validate", "patterns"], root, ok=(0, 1))
    broken = set(re.findall(r"^patterns/([^/:]+)\.md:\d+:\d+: error", output, re.MULTILINE))
    slugs = sorted(p.stem for p in (root / "patterns").glob("*.md") if p.stem not in broken)
    with serving(root) as (url, _, lines):
        for slug, how in ((slugs[len(slugs) // 3], "body"), (slugs[len(slugs) // 2], "title"),
                          (slugs[len(slugs) // 4], "body")):
            before = sum(1 for ln in lines if ln.startswith("updated"))
            seconds = edit_and_wait(root, url, slug, how)
            deadline = time.monotonic() + 60  # the listing pages come after the edited page
            while sum(1 for ln in lines if ln.startswith("updated")) == before:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            said = [ln.strip() for ln in lines if ln.startswith("updated")][before:]
            print(f"serve, {how} edit of {slug}: page served {seconds:.2f} s after the save"
                  f" ({said[-1] if said else 'serve said nothing'})", flush=True)
            time.sleep(2.0)


def search(site: Path) -> None:
    """The first search query in Chromium, for each query in a new page."""
    for query in SEARCH_QUERIES:
        search_once(site, query)


def search_once(site: Path, query: str) -> None:
    """The first search query in Chromium: bytes downloaded and time to results.

    The time is taken in the page (from the input event to the first result drawn); bytes
    are the Content-Length of every response, Pagefind's worker's included. Asking Playwright
    for each response's body, as this did before, made round trips during the query that
    added hundreds of milliseconds to it.
    """
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/search/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page()
            sizes: list[int] = []
            page.context.on("response", lambda response: sizes.append(
                int(response.headers.get("content-length", 0))))  # no round trip
            page.goto(url, wait_until="networkidle")
            page.locator("#pl-search input[type='search']").wait_for()
            loaded = sum(sizes)
            page.evaluate(_TYPE, query)
            page.locator("#pl-search .pl-search__link").first.wait_for(timeout=30000)
            shown = page.evaluate("window.__plFirst - window.__plTyped")
            page.wait_for_load_state("networkidle")
            results = page.locator("#pl-search .pl-search__link").count()
            total = sum(sizes)
            browser.close()
    finally:
        server.shutdown()
    print(f"search '{query}': first results shown {shown:.0f} ms after typing"
          f" ({results} shown); downloaded {mb(loaded)} loading the page and"
          f" {mb(total - loaded)} for the query (total {mb(total)})", flush=True)


# Type the query at once, as a paste does, noting when, and when the first result is drawn.
_TYPE = """(query) => {
    const list = document.querySelector("#pl-search .pl-search__results");
    new MutationObserver((_, observer) => {
        if (list.querySelector(".pl-search__link")) {
            window.__plFirst = performance.now();
            observer.disconnect();
        }
    }).observe(list, {childList: true, subtree: true});
    const input = document.querySelector("#pl-search input[type='search']");
    input.value = query;
    window.__plTyped = performance.now();
    input.dispatchEvent(new Event("input", {bubbles: true}));
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Silent."""


def doubled(root: Path, work: Path) -> Path:
    """Copy the library with a synthetic twin of every pattern (new slug, new id)."""
    twin = work / "doubled"
    shutil.copytree(root / "patterns", twin / "patterns")
    shutil.copyfile(root / "mkdocs.yml", twin / "mkdocs.yml")
    for path in sorted((root / "patterns").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        slug = f"{path.stem}-twin"
        text = re.sub(r"^slug: .*$", f"slug: {slug}", text, count=1, flags=re.MULTILINE)
        text = re.sub(r"^id: .*$", f"id: pat_{uuid.uuid4().hex[:24]}", text, count=1,
                      flags=re.MULTILINE)
        (twin / "patterns" / f"{slug}.md").write_text(text, encoding="utf-8")
    return twin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip", default="", help="comma-separated: material,serve,search,growth")
    skip = set(filter(None, parser.parse_args().skip.split(",")))
    print(f"{os.cpu_count()} cores; python {sys.version.split()[0]}", flush=True)
    with unpacked() as work, tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = tmp  # a private, empty cache: every run is cold
        root = work / "library"
        root.mkdir()
        (root / "mkdocs.yml").write_text("site_name: Commons OS\n", encoding="utf-8")
        seconds, peak, output = run(
            [str(PATTERNLIB), "import", str(work / "_patterns"), "--into", "patterns"], root,
            ok=(0, 1),  # 1: two files have broken YAML and are not imported
        )
        print(f"import: {seconds:.1f} s, peak memory {mb(peak)};"
              f" {output.strip().splitlines()[-1]}", flush=True)
        seconds, peak, output = run(
            [str(PATTERNLIB), "validate", "--no-cache", "patterns"], root, ok=(0, 1)
        )
        print(f"validate (cold): {seconds:.1f} s, peak memory {mb(peak)};"
              f" {output.strip().splitlines()[-1]}", flush=True)
        ours = build(root, "patternlib build (cold)")
        floor = search_floor(root)
        if "material" not in skip:
            plain = material(root / "patterns", work)
            print(f"ratio patternlib / plain Material: {ours / plain:.2f} (target <= 0.5);"
                  f" Pagefind alone / plain Material: {floor / plain:.2f}", flush=True)
        if "search" not in skip:
            search(root / "site")
        if "serve" not in skip:
            rebuilds(root)
        if "growth" not in skip:
            twice = build(doubled(root, work), "patternlib build of the doubled library (cold)")
            print(f"growth: 2x the patterns took {twice / ours:.2f}x the time (target <= 2.2)",
                  flush=True)


if __name__ == "__main__":
    main()
