"""Pagefind alone over what a build gives it: the part of a build no other work can shorten.

Checks and renders a library as `patternlib build` does (its pattern pages' search input),
then times Pagefind indexing that input the way the build runs it (its shards, one after
another), with nothing else running. build_corpus.py runs it after the build of the corpus and
prints it beside the build and plain Material:

    .venv/bin/python benchmarks/search_floor.py LIBRARY   (a folder with patterns/)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from generator.library.link import link
from generator.library.parallel import default_jobs
from generator.library.score import score
from generator.library.validate import check_library
from generator.site import build, searchindex
from generator.site.render import SiteConfig


def main() -> None:
    root = Path(sys.argv[1]).resolve()
    started = time.perf_counter()
    checked = check_library([root / "patterns"], root=root, jobs=default_jobs())
    library = checked.library
    pages = build.Pages(library, score(library), link(library), SiteConfig(site_name="x"),
                        problems=checked.problems)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        work = Path(tmp)
        source = work / "pages"
        build._write_docs(work / "docs", pages, jobs=default_jobs(), search=(source, "en"))
        rendered = time.perf_counter() - started
        size = sum(p.stat().st_size for p in source.rglob("*.html"))
        (work / "site").mkdir()
        (work / "index").mkdir()
        before = os.times()
        start = time.perf_counter()
        searchindex.index_inputs(source, work / "index", work / "site")
        seconds = time.perf_counter() - start
        after = os.times()
        cpu = (after.children_user - before.children_user
               + after.children_system - before.children_system)
        shards = len(list((work / "site").glob("pagefind*")))
    print(f"{seconds:.1f} {cpu:.1f} {size / 1e6:.1f} {shards} {rendered:.1f}")


if __name__ == "__main__":
    main()
