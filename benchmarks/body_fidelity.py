"""Bodies of the real library, read by MkDocs' Markdown (before) and by cmark-gfm (now).

For every body of ../shared/corpus: whether the element structure of the page body differs
between Python-Markdown (with the extensions the build used: toc, tables, attr_list,
fenced_code) and patternlib's GitHub rendering; list items, tables and headings each engine
finds; GitHub alerts shown as callouts; what the findings say. Then the speed of each engine
on the same bodies, on one core.

    .venv/bin/python benchmarks/body_fidelity.py [--show N]   # N: print N differing samples
"""

from __future__ import annotations

import argparse
import collections
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm  # type: ignore[import-untyped]
import markdown
from corpus import unpacked

from generator.library import gfm

EXTENSIONS = ["toc", "tables", "attr_list", "fenced_code"]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not (tag == "a" and ("class", "headerlink") in attrs):
            self.tags.append(tag)


def tags(markup: str) -> list[str]:
    parser = _Tags()
    parser.feed(markup)
    return parser.tags


def bodies(folder: Path) -> dict[str, str]:
    found = {}
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        match = re.match(r"---\n.*?\n---\n", text, re.S)
        found[path.name] = text[match.end():] if match else text
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=0, help="differing samples to print")
    args = parser.parse_args()
    with unpacked() as work:
        texts = bodies(work / "_patterns")
    size = sum(len(t.encode()) for t in texts.values())
    print(f"{len(texts)} bodies, {size / 1e6:.1f} MB")

    start = time.perf_counter()
    before = {name: markdown.markdown(t, extensions=EXTENSIONS) for name, t in texts.items()}
    t_markdown = time.perf_counter() - start
    start = time.perf_counter()
    after = {name: gfm.render(t) for name, t in texts.items()}
    t_gfm = time.perf_counter() - start

    counts: collections.Counter[str] = collections.Counter()
    differing = []
    for name in texts:
        old, new = tags(before[name]), tags(after[name].html)
        for tag in ("li", "table", "h2", "h3", "blockquote", "pre"):
            counts[f"{tag} before"] += old.count(tag)
            counts[f"{tag} now"] += new.count(tag)
        if old != new:
            differing.append(name)
    options = cmarkgfm.cmark.Options
    github_differs = [
        name for name in texts
        if tags(after[name].html) != tags(cmarkgfm.cmark.markdown_to_html_with_extensions(
            texts[name], options=options.CMARK_OPT_UNSAFE | options.CMARK_OPT_FOOTNOTES,
            extensions=["table", "autolink", "strikethrough", "tasklist"]))
    ]
    not_callouts = [n for n in github_differs if "pl-alert--" not in after[n].html]
    print(f"against GitHub's engine (cmarkgfm, unsanitized): {len(texts) - len(github_differs)}"
          f" bodies have its element structure; {len(github_differs)} differ, "
          f"{len(not_callouts)} of them elsewhere than in callouts {not_callouts[:5]}")
    alerts = sum(body.html.count("pl-alert--") for body in after.values())
    print(f"element structure differs in {len(differing)} of {len(texts)} bodies "
          f"({100 * len(differing) / len(texts):.0f} %)")
    for tag in ("li", "table", "h2", "h3", "blockquote", "pre"):
        print(f"  <{tag}>: {counts[f'{tag} before']} before, {counts[f'{tag} now']} now")
    print(f"  GitHub alerts shown as callouts: {alerts} "
          f"(in {sum('pl-alert--' in b.html for b in after.values())} bodies)")
    literal = sum(len(re.findall(r"\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]", before[n]))
                  for n in texts)
    print(f"  '[!NOTE]'-style markers printed as text before: {literal}")
    findings = collections.Counter(
        (f.rule, f.severity) for t in texts.values() for f in gfm.findings(t))
    print("findings:", ", ".join(f"{r} ({s}) {n}" for (r, s), n in sorted(findings.items()))
          or "none")
    print(f"bodies published with markup removed: {sum(bool(b.removed) for b in after.values())}")
    print(f"one core: Python-Markdown {t_markdown:.1f} s ({size / 1e6 / t_markdown:.1f} MB/s), "
          f"cmark-gfm + findings + nh3 {t_gfm:.1f} s ({size / 1e6 / t_gfm:.1f} MB/s)")
    for name in differing[: args.show]:
        print(f"\n--- {name}: before {len(tags(before[name]))} elements, "
              f"now {len(tags(after[name].html))}")


if __name__ == "__main__":
    main()
