"""The Explore page (`/explore/`): every pattern as a card, filtered, sorted and paged in the
browser from a compact index made for it.

`api/explore.json` holds what filtering, sorting and counting need for every pattern, column
by column (one list per field, a pattern's values at the same position in each), with facet
values as indexes into per-facet value tables. Summaries are not in it (160 characters for
3,614 patterns would be half a megabyte on their own): they sit in shards of SHARD_SIZE
under `api/explore/`, and the page fetches only those of the cards it shows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from generator.library.model import Assessment, Graph, Library, Pattern
from generator.library.score import rubric
from generator.site.render import FACETS, Output, _dump, _env, _values, summary_of

INDEX_PATH = "api/explore.json"
SHARDS = "api/explore/summaries-"  # + <n>.json
PAGE_SIZE = 50  # cards per page
# Summaries per shard: a page of cards in title order needs two; one of cards in another
# order fetches about 40 (of 4 KB each) for 50 cards, rather than 540 KB for all.
SHARD_SIZE = 25
SUMMARY_CHARS = 160
FORMAT = 1  # bumped when the index changes shape


def ordered(library: Library) -> list[Pattern]:
    """Return the patterns in the index's order: by title, as the browse pages list them."""
    return sorted(library.patterns, key=lambda p: (p.title.lower(), p.key))


def slug_of_title(title: str) -> str:
    """Return the slug the page derives from an ASCII title (explore.js `slugOf`)."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def short_summary(pattern: Pattern, limit: int = SUMMARY_CHARS) -> str:
    """Return the pattern's summary cut at a word to at most `limit` characters."""
    text = summary_of(pattern)
    if len(text) <= limit:
        return text
    space = text.rfind(" ", 0, limit)  # the last word that ends with room for the ellipsis
    cut = text[:space] if space > limit // 2 else text[: limit - 1]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "…"  # and dashes


def explore_index(
    library: Library, assessments: Mapping[str, Assessment], graph: Graph
) -> str:
    """Render `api/explore.json`: what the Explore page filters, sorts and counts by."""
    patterns = ordered(library)
    tables = [sorted({v for p in patterns for v in _values(p, f.field)}) for f in FACETS]
    dates = sorted({m for p in patterns if isinstance(m := p.meta.get("modified"), str)})
    date_index = {d: i for i, d in enumerate(dates)}
    facet_columns: list[list[int | list[int]]] = []
    for facet, table in zip(FACETS, tables, strict=True):
        position = {v: i for i, v in enumerate(table)}
        column: list[int | list[int]] = []
        for pattern in patterns:
            found = sorted({position[v] for v in _values(pattern, facet.field)})
            column.append(found[0] if len(found) == 1 else found)  # one value: no list
        facet_columns.append(column)
    overall: list[float | None] = []
    alignment: list[int] = []
    for pattern in patterns:
        assessment = assessments.get(pattern.key)
        overall.append(None if assessment is None else assessment.overall)
        alignment.append(0 if assessment is None else assessment.alignment)
    modified = [p.meta.get("modified") for p in patterns]
    return _dump({
        "format": FORMAT,
        "facets": [
            {"key": f.key, "label": f.label, "values": table}
            for f, table in zip(FACETS, tables, strict=True)
        ],
        "levels": {str(value): name for value, name in rubric().levels.items()},
        "dates": dates,
        # One entry per pattern in each column, in title order.
        "t": [p.title for p in patterns],
        # The page's URL segment, "" when it is the slug of an ASCII title.
        "k": ["" if p.title.isascii() and slug_of_title(p.title) == p.key else p.key
              for p in patterns],
        "x": [_aliases(p) for p in patterns],  # aliases, for the text filter
        "f": facet_columns,  # per facet: a value's index, or a list of them (none: [])
        "a": alignment,  # alignment level, 0 when not assessed
        "o": overall,  # overall score, null when not assessed
        "m": [date_index[m] if isinstance(m, str) else -1 for m in modified],  # into dates
        "r": [1 if graph.edges_from(p.key) else 0 for p in patterns],  # has relationships
    })


def _aliases(pattern: Pattern) -> list[str]:
    aliases = pattern.meta.get("aliases")
    return [a for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else []


def explore_summaries(library: Library) -> list[str]:
    """Render the summary shards: SHARD_SIZE summaries each, in the index's order."""
    summaries = [short_summary(p) for p in ordered(library)]
    return [_dump(summaries[i : i + SHARD_SIZE]) for i in range(0, len(summaries), SHARD_SIZE)]


def explore_files(
    library: Library, assessments: Mapping[str, Assessment], graph: Graph
) -> Sequence[Output]:
    """Render the Explore page's data: the index and its summary shards."""
    return [
        Output(INDEX_PATH, explore_index(library, assessments, graph)),
        *(Output(f"{SHARDS}{n}.json", text)
          for n, text in enumerate(explore_summaries(library))),
    ]


def explore_page(count: int) -> Output:
    """Render the Explore page of a library of `count` patterns; its cards and filters are
    made in the browser."""
    return Output("explore.md", _env().get_template("explore.md.j2").render(
        base="../", index=INDEX_PATH, shards=SHARDS, shard_size=SHARD_SIZE, page_size=PAGE_SIZE,
        count=count,
    ))
