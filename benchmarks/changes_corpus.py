"""The "what changed" page on a large library: its cost and its pages' size.

Given an imported library (`patternlib import` output: patterns/ and mkdocs.yml), makes a
"previous build" out of its own api/patterns.json records, changed in two ways:

- "edits": 1% of the patterns added since, 50 removed, 50 renamed, 100 retitled, every
  assessed pattern rescored (one pillar up one point where it can go), the rest as they are;
- "all": every pattern's `modified` date different, plus the edits above (thousands changed).

For each it prints the seconds `compare` and `changes_pages` take, the pages written and the
largest page's Markdown in KB (the built HTML adds Material's frame, some 25 KB). With
`--write-previous FILE` the "all" records are written there, for a real build:

    .venv/bin/python benchmarks/changes_corpus.py /tmp/clib --write-previous /tmp/prev.json
    .venv/bin/patternlib build --root /tmp/clib --keep-going --compare-with /tmp/prev.json
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from pathlib import Path
from typing import Any

from generator.library.link import link
from generator.library.score import score
from generator.library.validate import check_library
from generator.site.changes import changes_pages, compare
from generator.site.render import _dump, pattern_records


def _edited(current: list[dict[str, Any]], *, every_date: bool) -> list[dict[str, Any]]:
    """Return `current` as a previous build would have had it (see the module's docstring)."""
    records = copy.deepcopy(current)
    previous = [r for n, r in enumerate(records) if n % 100]  # every 100th added since
    for n, record in enumerate(previous):
        front = record["front_matter"]
        if n < 50:
            record["slug"] = front["slug"] = f"{record['slug']}-before"  # renamed since
        elif n < 150:
            front["title"] = f"{front.get('title')} (draft)"  # retitled since
        if every_date:
            front["modified"] = "2000-01-01"
        assessment = record.get("assessment")
        if assessment and assessment.get("scores"):
            pillar = sorted(assessment["scores"])[0]
            assessment["scores"][pillar] = max(1, assessment["scores"][pillar] - 1)
    gone = copy.deepcopy(previous[:50])
    for n, record in enumerate(gone):  # removed since: ids and slugs nobody has now
        record["front_matter"]["id"] = f"pat_removed{n:08d}"
        record["slug"] = f"removed-{n}"
    return previous + gone


def main() -> None:
    """Measure the "what changed" page on the library given."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="an imported library: patterns/, mkdocs.yml")
    parser.add_argument("--write-previous", type=Path, metavar="FILE")
    args = parser.parse_args()
    start = time.perf_counter()
    checked = check_library([args.root / "patterns"], root=args.root, jobs=2)
    library = checked.library
    assessments, graph = score(library), link(library)
    print(f"{len(library.patterns):,} patterns checked, scored, linked in "
          f"{time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    current = json.loads(_dump(pattern_records(library, assessments, graph)))
    print(f"records as JSON (what the build compares): {time.perf_counter() - start:.2f} s")
    for name, every_date in (("edits", False), ("all", True)):
        previous = _edited(current, every_date=every_date)
        start = time.perf_counter()
        changes = compare(previous, current)
        middle = time.perf_counter()
        pages = changes_pages(changes, current)
        end = time.perf_counter()
        largest = max(pages, key=lambda o: len(o.text.encode("utf-8")))
        print(f"{name}: {changes.summary()}; compare {middle - start:.2f} s, pages "
              f"{end - middle:.2f} s; {len(pages)} pages, largest {largest.path} "
              f"{len(largest.text.encode('utf-8')) / 1024:.1f} KB of Markdown")
        if every_date and args.write_previous:
            args.write_previous.write_text(_dump(previous), encoding="utf-8")
            print(f"wrote {args.write_previous}")


if __name__ == "__main__":
    main()
