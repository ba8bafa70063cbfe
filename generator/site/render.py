"""Render stage: the site's Markdown pages and JSON data, from the checked library."""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict
from urllib.parse import urlencode, urljoin

import jinja2
import markupsafe

from generator.library import gfm
from generator.library.model import (
    RELATIONSHIPS,
    Assessment,
    Edge,
    Graph,
    Library,
    Pattern,
    Problem,
)
from generator.library.score import PILLARS_FILE, rubric
from generator.library.validate import SCHEMA_FILE
from generator.site import pictures

if TYPE_CHECKING:
    from generator.site.changes import Changes  # changes imports this module

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class SiteConfig:
    """What rendering needs from mkdocs.yml."""

    site_name: str
    repo_url: str | None = None
    edit_uri: str | None = None  # e.g. edit/main/patterns/
    site_url: str | None = None  # where the site is published, e.g. https://example.org/library/


@dataclass(frozen=True)
class Output:
    """One file of the generated docs folder."""

    path: str  # relative, POSIX
    text: str


@dataclass(frozen=True)
class Facet:
    """A classification field the browse pages group by."""

    key: str  # URL segment
    field: str  # classification field
    title: str
    label: str


FACETS: tuple[Facet, ...] = (
    Facet("domain", "domain", "Browse by domain", "Domain"),
    Facet("category", "category", "Browse by category", "Category"),
    Facet("era", "era", "Browse by era", "Era"),
    Facet("status", "status", "Browse by status", "Status"),
    Facet("universality", "universality", "Browse by universality", "Universality"),
    Facet("commons-domain", "commons_domain", "Browse by commons domain", "Commons domain"),
)

# How a pattern's page names each kind of link: stated by it, or inferred from the other side.
LABELS: Mapping[tuple[str, bool], str] = {
    ("generalizes_from", True): "Generalizes from",
    ("generalizes_from", False): "Specialization of",
    ("specializes_to", True): "Specializes to",
    ("specializes_to", False): "Specialized by",
    ("enables", True): "Enables",
    ("enables", False): "Required by",
    ("requires", True): "Requires",
    ("requires", False): "Enabled by",
    ("related", True): "Related",
    ("related", False): "Listed as related by",
}


class ListItem(TypedDict):
    """One pattern in a listing page."""

    href: str
    title: str
    summary: str
    alignment: int | None
    level: str
    level_href: str


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every front-matter string reaching HTML is escaped
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    env.filters["yaml"] = yaml_string
    return env


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def yaml_string(value: object) -> markupsafe.Markup:
    """A string as a YAML double-quoted scalar, in ASCII, for a page's front matter.

    JSON's escapes are YAML's, but JSON writes a character beyond U+FFFF as a surrogate pair
    ("\\ud83d\\ude00"), which YAML refuses: YAML's own escapes are used for every non-ASCII
    character instead ("\\U0001f600", "\\u2028").
    """
    return markupsafe.Markup(_NON_ASCII.sub(  # as jinja's tojson: not escaped again
        lambda m: f"\\U{ord(m[0]):08x}" if ord(m[0]) > 0xFFFF else f"\\u{ord(m[0]):04x}",
        json.dumps(str(value), ensure_ascii=False),
    ))


def page_url(docs_path: str) -> str:
    """Return the site URL (directory style) of a docs file: `a/b.md` -> `a/b/`."""
    stem = docs_path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def relative(from_docs_path: str, to_url: str) -> str:
    """Return a link from the page of `from_docs_path` to a site URL, relative."""
    return _relative(page_url(from_docs_path), to_url)


@cache
def _relative(here: str, to_url: str) -> str:
    # Site URLs are plain segments (no `.` or `..`): the common prefix is all relpath's
    # work, without its calls to abspath (thousands of relationship links per library).
    base = [s for s in here.split("/") if s]
    target = [s for s in to_url.split("/") if s]
    common = 0
    while common < min(len(base), len(target)) and base[common] == target[common]:
        common += 1
    rel = "/".join([".."] * (len(base) - common) + target[common:]) or "."
    return rel + "/" if to_url.endswith("/") and rel != "." else ("./" if rel == "." else rel)


def value_slug(value: str) -> str:
    """Return a URL segment for a facet value."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "other"


# Value -> URL segment, per facet key. Unique within a facet, and never "index" (the facet's
# own page): "open source" and "open-source" get "open-source" and "open-source-2".
FacetSlugs = Mapping[str, Mapping[str, str]]


def facet_slugs(library: Library) -> FacetSlugs:
    """Give every facet value in the library its URL segment."""
    out: dict[str, dict[str, str]] = {}
    for facet in FACETS:
        values = sorted({v for p in library.patterns for v in _values(p, facet.field)})
        taken = {"index"}
        slugs: dict[str, str] = {}
        for value in values:
            base = slug = value_slug(value)
            n = 1
            while slug in taken:
                n += 1
                slug = f"{base}-{n}"
            taken.add(slug)
            slugs[value] = slug
        out[facet.key] = slugs
    return out


def summary_of(pattern: Pattern) -> str:
    """Return the pattern's one-line summary, or the first sentence of its body text."""
    summary = pattern.meta.get("summary")
    if isinstance(summary, str) and summary.strip():
        return " ".join(summary.split())
    body, start = pattern.body, 0
    while start < len(body):  # blocks as body.split("\n\n") gives them, without copying all
        end = body.find("\n\n", start)
        end = len(body) if end < 0 else end
        text, start = body[start:end].strip(), end + 2
        if text and not text.startswith(("#", "|", "<", "-", "*", ">", "!", "[")):
            sentence = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]
            return sentence if len(sentence) <= 240 else sentence[:237].rstrip() + "..."
    return ""


def _values(pattern: Pattern, field: str) -> list[str]:
    classification = pattern.meta.get("classification")
    if not isinstance(classification, dict):
        return []
    value = classification.get(field)
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if isinstance(v, str | int) and not isinstance(v, bool)]


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def render(
    library: Library,
    assessments: Mapping[str, Assessment],
    graph: Graph,
    config: SiteConfig,
) -> tuple[Output, ...]:
    """Render every page and data file of the site's docs folder, sorted by path."""
    slugs = facet_slugs(library)
    outputs = [
        *(
            pattern_page(p, library, assessments, graph, config, slugs)
            for p in library.patterns
        ),
        *site_pages(library, assessments, graph, config),
    ]
    return tuple(sorted(outputs, key=lambda o: o.path))


def site_pages(
    library: Library, assessments: Mapping[str, Assessment], graph: Graph, config: SiteConfig,
    problems: Sequence[Problem] = (), previous: Sequence[Mapping[str, Any]] | None = None,
) -> list[Output]:
    """Render everything but the pattern pages: browse, home, search, calculator, data.

    `problems` (a --keep-going build's) are listed by rule on the Insights page. With
    `previous` (a previous build's api/patterns.json), the "what changed" page is added.
    """
    data = data_files(library, assessments, graph)
    changes, changed = None, []
    if previous is not None:
        from generator.site.changes import DATA_PATH, changes_pages, compare

        # Compared as the next build will read it: this build's data, as JSON.
        current = json.loads(next(o.text for o in data if o.path == DATA_PATH))
        changes = compare(previous, current)
        changed = changes_pages(changes, current)
    return [
        *listing_pages(library, assessments, graph, config, problems, changes=changes),
        *changed,
        *data,
    ]


def listing_pages(
    library: Library, assessments: Mapping[str, Assessment], graph: Graph, config: SiteConfig,
    problems: Sequence[Problem] = (), *, changes: Changes | None = None,
) -> list[Output]:
    """Render the pages that list or count patterns: browse, home, search, calculator,
    insights. With `changes`, the home page links to the "what changed" page."""
    from generator.site.explore import explore_page  # explore imports this module
    from generator.site.feed import FEED_PATH, atom
    from generator.site.graphview import graph_page  # and the graph page
    from generator.site.insights import insights_page  # so does insights

    return [
        *_browse_pages(library, assessments, facet_slugs(library)),
        _home_page(library, assessments, graph, config, changes),
        Output("search.md", _env().get_template("search.md.j2").render(
            base="../", patterns=len(library.patterns))),
        _calculator_page(),
        explore_page(len(library.patterns)),
        graph_page(library, graph),
        insights_page(library, assessments, graph, problems),
        Output(FEED_PATH, atom(library, config.site_name, config.site_url)),
    ]


def listed_as(pattern: Pattern, assessment: Assessment | None) -> tuple[object, ...]:
    """Return what listing pages show of a pattern: equal before and after an edit when
    the edit leaves every listing page as it was."""
    return (
        pattern.title,
        summary_of(pattern),
        tuple(tuple(_values(pattern, facet.field)) for facet in FACETS),
        None if assessment is None else (assessment.alignment, assessment.level),
        tuple(str(pattern.meta.get(kind)) for kind in RELATIONSHIPS),  # the home page counts
    )


# --- pattern pages ---------------------------------------------------------------------------


def pattern_page(
    pattern: Pattern,
    library: Library,
    assessments: Mapping[str, Assessment],
    graph: Graph,
    config: SiteConfig,
    slugs: FacetSlugs,
) -> Output:
    """Render one pattern's page: HTML throughout, the body as GitHub renders it, sanitized.

    Executable markup in the body (which only a --keep-going build publishes) is removed and
    a notice says what was.
    """
    path = f"patterns/{pattern.key}.md"
    assessment = assessments.get(pattern.key)
    markdown, table_in_body = _body_with_slot(pattern)
    def href(key: str) -> str:
        return relative(path, f"patterns/{key}/")
    radar, median, similar = "", "", []
    if assessment is not None:
        profiles = pictures.profiles(library, assessments)
        found = profiles.median_for(pattern.key)
        radar = pictures.radar_svg(pattern.title, [s.score for s in assessment.scores], found)
        median, similar = found.label, pictures.similar_items(profiles, pattern.key, href)
    scorecard = _env().get_template("scorecard.html.j2").render(
        a=assessment, calculator_href=relative(path, calculator_url(assessment)),
        heading=not table_in_body,  # in the body, the "7 Pillars Assessment" section heads it
        title=pattern.title, radar=markupsafe.Markup(radar), median=median, similar=similar,
    )
    body = gfm.render(markdown, reserved_ids=PAGE_IDS | {pattern.key},
                      slot=(SCORECARD_SLOT, scorecard.strip()) if table_in_body else None)
    badges = []
    for facet in FACETS:
        if facet.key not in ("domain", "universality", "status", "category"):
            continue
        for value in _values(pattern, facet.field):
            badges.append({
                "facet": facet.key,
                "label": facet.label,
                # "domain" or "draft" alone would read as a topic: say what they are.
                "value": f"{facet.label}: {value}" if facet.key in ("universality", "status")
                else value,
                "href": relative(path, f"browse/{facet.key}/{slugs[facet.key][value]}/"),
                "filter": facet.key if facet.key in ("domain", "category") else "",
                "level": "",
            })
    if assessment is not None:
        badges.append({
            "facet": "alignment",
            "label": "Alignment level",
            "value": f"{assessment.alignment} · {assessment.level}",
            "href": relative(path, f"browse/alignment/{assessment.alignment}/"),
            "filter": "alignment",
            "level": str(assessment.alignment),
        })
    relations = _relations(pattern, library, graph, path, assessments)
    neighbourhood = pictures.neighbourhood_svg(
        pattern, library, graph, href, f"#{relations[0]['id']}" if relations else "")
    context = {
        "title": pattern.title,
        "slug": pattern.key,
        "id": pattern.id or "",
        "summary": summary_of(pattern),
        "aliases": [a for a in pattern.meta.get("aliases") or [] if isinstance(a, str)],
        "badges": badges,
        "table_in_body": table_in_body,
        "relations": relations,
        "contributors": _contributors(pattern.meta.get("contributors")),
        "license": _text(pattern.meta.get("license")),
        "attribution": _text(pattern.meta.get("attribution")),
        "created": _text(pattern.meta.get("created")),
        "modified": _text(pattern.meta.get("modified")),
        "version": _text(pattern.meta.get("version")),
        "sources": _sources(pattern.meta.get("sources")),
        "edit_url": _edit_url(pattern, config),
        "source_href": f"{pattern.key}.md",
        "jsonld": _json_ld(pattern, config),
    }
    toc = _toc([*((h.level, h.text, h.id) for h in body.headings),
                *(() if table_in_body else ((3, "7 Pillars scorecard", "scorecard"),)),
                (2, "Relationships", "relationships"),
                *((3, f"{g['label']} ({g['count']:,})", g["id"]) for g in relations),
                (2, "Provenance", "provenance")])
    text = _env().get_template("pattern.md.j2").render(
        p=context, body=body.html, removed=body.removed, scorecard=scorecard,
        neighbourhood=markupsafe.Markup(neighbourhood),
        toc=json.dumps(toc, ensure_ascii=True, separators=(",", ":")).replace("--", "-\\u002d"),
    )
    return Output(path, text)


_SPDX = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]*")


def _json_ld(pattern: Pattern, config: SiteConfig) -> str:
    """Return the pattern page's schema.org description (JSON-LD), ready for a <script>.

    The url is absolute when the site's address is known, else the page itself ("./").
    """
    site = {"@type": "WebSite", "name": config.site_name}
    url = "./"
    if config.site_url:
        site["url"] = config.site_url
        url = urljoin(config.site_url, f"patterns/{pattern.key}/")
    license_ = _text(pattern.meta.get("license"))
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": pattern.title,
        "alternateName": [a for a in pattern.meta.get("aliases") or [] if isinstance(a, str)],
        "description": summary_of(pattern),
        "identifier": pattern.id or pattern.key,
        "url": url,
        "dateCreated": _text(pattern.meta.get("created")),
        "dateModified": _text(pattern.meta.get("modified")),
        "license": f"https://spdx.org/licenses/{license_}.html" if _SPDX.fullmatch(license_)
        else license_,
        "isPartOf": site,
    }
    # ASCII only: no U+2028/2029 or astral characters (which YAML's \u escapes, on the way
    # through the page's front matter, cannot carry); no `<` to end the script or open a
    # comment in it.
    text = json.dumps({k: v for k, v in data.items() if v}, ensure_ascii=True,
                      separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _toc(headings: list[tuple[int, str, str]]) -> list[dict[str, object]]:
    """Nest (level, text, id) headings as MkDocs' table of contents tokens."""
    top: list[dict[str, object]] = []
    stack: list[tuple[int, list[dict[str, object]]]] = [(0, top)]
    for level, text, ident in headings:
        while stack[-1][0] >= level:
            stack.pop()
        children: list[dict[str, object]] = []
        stack[-1][1].append({"level": level, "id": ident, "name": html.escape(text),
                             "children": children})
        stack.append((level, children))
    return top


def calculator_url(assessment: Assessment | None) -> str:
    """Return the calculator's URL, preloaded with a profile when there is one."""
    if assessment is None:
        return "calculator/"
    return "calculator/?" + urlencode([(s.key, s.score) for s in assessment.scores])


_H1 = re.compile(r"\A\s*# [^\n]*\n")


def _body_with_slot(pattern: Pattern) -> tuple[str, bool]:
    """Drop the body's title (the page shows its own); mark the 7 Pillars table's place for
    the scorecard, when the table stands at the top level of the body."""
    lines = pattern.body.split("\n")
    table_in_body = False
    if pattern.table is not None and pattern.table.rows:
        first = pattern.table.rows[0].line - pattern.body_line - 2  # header and |---| rows
        last = pattern.table.rows[-1].line - pattern.body_line
        if 0 <= first <= last < len(lines) and not any(  # not in a list or a quote
                line[:1].isspace() or line.startswith(">") for line in lines[first : last + 1]):
            lines[first : last + 1] = ["", f'<div class="{SCORECARD_SLOT}"></div>', ""]
            table_in_body = True
    return _H1.sub("", "\n".join(lines), count=1), table_in_body


# A relationship group longer than this shows its first entries and folds the rest away.
FOLD_AFTER = 10


def _relations(
    pattern: Pattern, library: Library, graph: Graph, path: str,
    assessments: Mapping[str, Assessment],
) -> list[dict[str, Any]]:
    groups: dict[tuple[str, bool], list[dict[str, str]]] = {}
    by_key = library.by_key
    for edge in graph.edges_from(pattern.key):
        target = by_key[edge.target]
        assessment = assessments.get(target.key)
        groups.setdefault((edge.kind, edge.stated), []).append({
            "title": target.title,
            "href": relative(path, f"patterns/{target.key}/"),
            "note": "",
            "alignment": str(assessment.alignment) if assessment else "",
            "level": assessment.level if assessment else "",
        })
    for ref in graph.dangling_from(pattern.key):
        groups.setdefault((ref.kind, True), []).append(
            {"title": ref.target, "href": "", "note": "", "alignment": "", "level": ""}
        )
    order = [(kind, stated) for kind in RELATIONSHIPS for stated in (True, False)]
    out = []
    for key in order:
        if key not in groups:
            continue
        links = sorted(groups[key], key=lambda link: link["title"].lower())
        out.append({"label": LABELS[key], "id": RELATION_IDS[key], "count": len(links),
                    "links": links[:FOLD_AFTER], "more": links[FOLD_AFTER:]})
    return out


def _contributors(value: object) -> list[str]:
    out = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            role = item.get("role")
            out.append(f"{item['name']} ({role})" if isinstance(role, str) else item["name"])
    return out


def _sources(value: object) -> list[dict[str, str]]:
    out = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            url = item if re.match(r"https?://\S+$", item) else ""
            out.append({"text": item, "url": url})
        elif isinstance(item, dict) and isinstance(item.get("title"), str):
            parts = [item["title"]]
            parts += [str(item[k]) for k in ("author", "publisher", "date") if item.get(k)]
            link = item.get("url")
            safe = link if isinstance(link, str) and re.match(r"https?://\S+$", link) else ""
            out.append({"text": ", ".join(parts), "url": safe})
    return out


def _edit_url(pattern: Pattern, config: SiteConfig) -> str:
    if not config.repo_url or not config.edit_uri:
        return ""
    return posixpath.join(
        config.repo_url.rstrip("/") + "/", config.edit_uri.strip("/"), f"{pattern.key}.md"
    )


# --- browse, home, data ---------------------------------------------------------------------


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@cache
def _up(docs_path: str) -> str:
    """Return the way from the page of `docs_path` up to the site root: "../../" or ""."""
    return "../" * page_url(docs_path).count("/")


def _item(pattern: Pattern, assessments: Mapping[str, Assessment], path: str) -> ListItem:
    assessment = assessments.get(pattern.key)
    up = _up(path)
    return {
        "href": f"{up}patterns/{pattern.key}/",  # what relative() gives, faster
        "title": pattern.title,
        "summary": summary_of(pattern),
        "alignment": assessment.alignment if assessment else None,
        "level": assessment.level if assessment else "",
        "level_href": f"{up}browse/alignment/{assessment.alignment if assessment else 'none'}/",
    }


# At most this many patterns on one listing page; longer listings get a pager.
PAGE_SIZE = 200


def _paged(
    stem: str, title: str, heading: str, patterns: Sequence[Pattern],
    assessments: Mapping[str, Assessment], *, letters: Sequence[Letter] = (),
) -> list[Output]:
    """Render a listing as pages of PAGE_SIZE: `<stem>.md` (or `<stem>/index.md` when stem
    ends with "/index"), then `<stem>/page-2.md`, ..."""
    env = _env().get_template("listing.md.j2")
    count = len(patterns)
    chunks = [patterns[i : i + PAGE_SIZE] for i in range(0, count, PAGE_SIZE)] or [patterns]
    base = stem.removesuffix("/index")
    paths = [f"{stem}.md" if n == 0 else f"{base}/page-{n + 1}.md" for n in range(len(chunks))]
    outputs = []
    for n, (chunk, path) in enumerate(zip(chunks, paths, strict=True)):
        pager = [] if len(chunks) == 1 else [
            {"label": str(m + 1), "href": relative(path, page_url(other)), "current": m == n}
            for m, other in enumerate(paths)
        ]
        first, last = n * PAGE_SIZE + 1, n * PAGE_SIZE + len(chunk)
        outputs.append(Output(path, env.render(
            title=title if n == 0 else f"{title} (page {n + 1})",
            heading=f"{heading} ({count:,})",
            intro=f"Patterns {first:,}-{last:,} of {count:,}." if len(chunks) > 1 else "",
            letters=[{**letter, "href": relative(path, letter["url"]),
                      "current": letter["url"] == page_url(f"{base}.md")} for letter in letters],
            pager=pager,
            previous=pager[n - 1]["href"] if pager and n > 0 else "",
            next=pager[n + 1]["href"] if pager and n + 1 < len(pager) else "",
            groups=[{"anchor": "patterns", "label": "", "entries": [
                _item(p, assessments, path) for p in chunk]}],
        )))
    return outputs


class Letter(TypedDict):
    """A letter of the A to Z bar."""

    label: str
    url: str  # site URL of its page or section
    count: int


def _browse_pages(
    library: Library, assessments: Mapping[str, Assessment], slugs: FacetSlugs
) -> list[Output]:
    outputs = _a_to_z(library, assessments)
    outputs += _alignment_pages(library, assessments)
    by_title = sorted(library.patterns, key=lambda p: (p.title.lower(), p.key))
    for facet in FACETS:
        groups: dict[str, list[Pattern]] = {}
        for pattern in by_title:
            for value in _values(pattern, facet.field):
                groups.setdefault(value, []).append(pattern)
        index_path = f"browse/{facet.key}/index.md"
        values = []
        for value, patterns in sorted(groups.items()):
            stem = f"browse/{facet.key}/{slugs[facet.key][value]}"
            values.append({"value": value, "count": len(patterns),
                           "href": relative(index_path, page_url(f"{stem}.md"))})
            outputs += _paged(stem, f"{facet.label}: {value}",
                              f"{facet.label}: {value}", patterns, assessments)
        outputs.append(Output(index_path, _env().get_template("facets.md.j2").render(
            title=facet.title, facet_label=facet.label, values=values,
            intro=f"{_count(len(values), 'value')} across "
                  f"{_count(len(library.patterns), 'pattern')}.",
            letters=[],
        )))
    return outputs


def _a_to_z(library: Library, assessments: Mapping[str, Assessment]) -> list[Output]:
    """The A to Z index: one page when the library fits on one, else a page per letter."""
    by_title = sorted(library.patterns, key=lambda p: (p.title.lower(), p.key))
    letters: dict[str, list[Pattern]] = {}
    for pattern in by_title:
        first = pattern.title[:1].upper()
        letters.setdefault(first if "A" <= first <= "Z" else "#", []).append(pattern)
    ordered = sorted(letters.items())
    path = "browse/a-z/index.md"
    heading = f"All patterns, A to Z ({len(by_title):,})"
    if len(by_title) <= PAGE_SIZE:
        bar: list[Letter] = [
            {"label": letter, "url": f"browse/a-z/#{_letter_slug(letter)}", "count": len(ps)}
            for letter, ps in ordered
        ]
        return [Output(path, _env().get_template("listing.md.j2").render(
            title="A to Z", heading=heading, intro="", pager=[], previous="", next="",
            letters=[{**b, "href": f"#{_letter_slug(b['label'])}"} for b in bar],
            groups=[
                {"anchor": _letter_slug(letter), "label": letter,
                 "entries": [_item(p, assessments, path) for p in patterns]}
                for letter, patterns in ordered
            ],
        ))]
    bar = [
        {"label": letter, "url": f"browse/a-z/{_letter_slug(letter)}/", "count": len(ps)}
        for letter, ps in ordered
    ]
    outputs = [Output(path, _env().get_template("facets.md.j2").render(
        title="A to Z", facet_label="Letter",
        intro=f"{_count(len(by_title), 'pattern')} by the first letter of their title.",
        values=[{"value": "0-9 and other" if b["label"] == "#" else b["label"],
                 "count": b["count"], "href": relative(path, b["url"])} for b in bar],
        letters=[{**b, "href": relative(path, b["url"])} for b in bar],
    ))]
    for letter, patterns in ordered:
        name = "0-9 and other" if letter == "#" else letter
        outputs += _paged(f"browse/a-z/{_letter_slug(letter)}", f"A to Z: {name}",
                          f"Patterns starting with {name}", patterns, assessments, letters=bar)
    return outputs


def _letter_slug(letter: str) -> str:
    return "other" if letter == "#" else letter.lower()


def _alignment_pages(library: Library, assessments: Mapping[str, Assessment]) -> list[Output]:
    """Browse by alignment level: a page per level, and one for the patterns not assessed."""
    names = rubric().levels
    by_title = sorted(library.patterns, key=lambda p: (p.title.lower(), p.key))
    groups: dict[str, list[Pattern]] = {str(v): [] for v in sorted(names)}
    groups["none"] = []
    for pattern in by_title:
        assessment = assessments.get(pattern.key)
        groups[str(assessment.alignment) if assessment else "none"].append(pattern)
    index_path = "browse/alignment/index.md"
    values, outputs = [], []
    for key, patterns in groups.items():
        label = "Not yet assessed" if key == "none" else f"{key} · {names[int(key)]}"
        stem = f"browse/alignment/{key}"
        values.append({"value": label, "count": len(patterns), "level": key,
                       "href": relative(index_path, page_url(f"{stem}.md"))})
        outputs += _paged(stem, f"Alignment: {label}", f"Alignment level: {label}"
                          if key != "none" else "Not yet assessed", patterns, assessments)
    outputs.append(Output(index_path, _env().get_template("facets.md.j2").render(
        title="Browse by alignment level", facet_label="Alignment level", values=values,
        intro=f"{_count(len(assessments), 'pattern')} of {len(library.patterns):,} assessed on "
              "the 7 Pillars, by the level their overall score rounds to.",
        letters=[],
    )))
    return outputs


def _home_page(
    library: Library, assessments: Mapping[str, Assessment], graph: Graph, config: SiteConfig,
    changes: Changes | None = None,
) -> Output:
    facets = []
    for facet in FACETS:
        values = {v for p in library.patterns for v in _values(p, facet.field)}
        facets.append({"key": facet.key, "title": facet.title, "count": len(values)})
    r = rubric()
    data = json.loads(PILLARS_FILE.read_text(encoding="utf-8"))
    levels = [(lv["value"], lv["name"], lv["description"]) for lv in data["levels"]]
    assert [v for v, _, _ in levels] == sorted(r.levels)
    counts = {
        "patterns": len(library.patterns),
        "assessed": len(assessments),
        "links": sum(1 for e in graph.edges if e.stated),
        "domains": next(f["count"] for f in facets if f["key"] == "domain"),
    }
    from generator.site.insights import glance  # insights imports this module

    text = _env().get_template("home.md.j2").render(
        site_name=config.site_name, counts=counts, facets=facets, levels=levels, base="",
        glance=glance(library, assessments),
        repo_url=(config.repo_url or "").rstrip("/"), branch=_branch(config),
        changes=changes.summary() if changes is not None else "",
    )
    return Output("index.md", text)


def _branch(config: SiteConfig) -> str:
    """Return the branch edit_uri names (`edit/<branch>/...` or `blob/<branch>/...`), or main."""
    match = re.match(r"/?(?:edit|blob|tree)/([^/]+)/", config.edit_uri or "")
    return match.group(1) if match else "main"


NEUTRAL_SCORE = 3
# A pattern page's docs file: front matter, then its table of contents as this comment (read
# by sitebuild.HtmlPage), then the page's HTML.
PAGE_TOC = re.compile(r"<!--pl-toc (.*?)-->\n?", re.S)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def page_content(text: str) -> str:
    """A pattern page's HTML as MkDocs publishes it: its docs file less front matter and
    table of contents."""
    text = _FRONT_MATTER.sub("", text, count=1)
    toc = PAGE_TOC.match(text)
    return text[toc.end() :] if toc else text


# The ids of the relationship groups' headings: "rel-specialized-by", ...
RELATION_IDS: Mapping[tuple[str, bool], str] = {
    key: "rel-" + value_slug(label) for key, label in LABELS.items()
}
# Ids the pattern page gives its own sections: body headings do not take them.
PAGE_IDS = frozenset({"relationships", "provenance", "scorecard", *RELATION_IDS.values()})
SCORECARD_SLOT = "pl-scorecard-slot"


def _calculator_page() -> Output:
    r = rubric()
    text = _env().get_template("calculator.md.j2").render(
        pillars=r.pillars, minimum=r.minimum, maximum=r.maximum, neutral=NEUTRAL_SCORE,
        neutral_level=r.levels[NEUTRAL_SCORE], base="../",
    )
    return Output("calculator.md", text)


def _edge_json(edge: Edge) -> dict[str, Any]:
    return {"source": edge.source, "kind": edge.kind, "target": edge.target,
            "stated": edge.stated}


def _dump(data: Any) -> str:
    # Compact: with an indent, json falls back to its pure-Python encoder (4 s on the corpus).
    return json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ) + "\n"


def body_hash(pattern: Pattern) -> str:
    """Return the SHA-256 of the body less its 7 Pillars rows, for api/patterns.json.

    The body is not in the data; its hash lets a later build's "what changed" page tell an
    edited body from an untouched one. The rows are left out: their changes are the scores'
    and rationales', which the data holds.
    """
    body = pattern.body
    if pattern.table is not None:
        rows = {row.line - pattern.body_line for row in pattern.table.rows}
        body = "\n".join(line for n, line in enumerate(body.split("\n")) if n not in rows)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def pattern_records(
    library: Library, assessments: Mapping[str, Assessment], graph: Graph
) -> list[dict[str, Any]]:
    """Return what api/patterns.json holds of each pattern, in the library's order."""
    patterns = []
    for pattern in library.patterns:
        assessment = assessments.get(pattern.key)
        patterns.append({
            "slug": pattern.key,
            "url": f"patterns/{pattern.key}/",
            "front_matter": dict(pattern.meta),
            "summary": summary_of(pattern),
            "body_sha256": body_hash(pattern),
            "assessment": None if assessment is None else {
                "scores": {s.key: s.score for s in assessment.scores},
                "rationales": {s.key: s.rationale for s in assessment.scores},
                "overall": assessment.overall,
                "alignment": assessment.alignment,
                "level": assessment.level,
                "source": assessment.source,
            },
            "links": [_edge_json(e) for e in graph.edges_from(pattern.key)],
            "dangling": [
                {"kind": d.kind, "target": d.target}
                for d in graph.dangling_from(pattern.key)
            ],
        })
    return patterns


def data_files(
    library: Library, assessments: Mapping[str, Assessment], graph: Graph
) -> Sequence[Output]:
    """Render the site's data: api/*.json and the schema."""
    from generator.site.explore import explore_files  # explore imports this module
    from generator.site.graphview import graph_files  # so does the graph page

    patterns = pattern_records(library, assessments, graph)
    graph_json = {
        "nodes": [
            {"id": p.key, "title": p.title, "url": f"patterns/{p.key}/"}
            for p in library.patterns
        ],
        "edges": [_edge_json(e) for e in graph.edges],
        "dangling": [
            {"source": d.source, "kind": d.kind, "target": d.target} for d in graph.dangling
        ],
    }
    # What the calculator loads: assessed patterns only, scores in the rubric's pillar order.
    profiles = {
        "pillars": [p.key for p in rubric().pillars],
        "patterns": [
            {
                "slug": p.key,
                "title": p.title,
                "url": f"patterns/{p.key}/",
                "scores": [s.score for s in assessments[p.key].scores],
                "overall": assessments[p.key].overall,
            }
            for p in library.patterns
            if p.key in assessments
        ],
    }
    return [
        Output("api/patterns.json", _dump(patterns)),
        Output("api/profiles.json", json.dumps(profiles, ensure_ascii=False, sort_keys=True,
                                               separators=(",", ":")) + "\n"),
        Output("api/graph.json", _dump(graph_json)),
        *explore_files(library, assessments, graph),
        *graph_files(library, assessments, graph),
        Output("api/slugs.json", _dump([p.key for p in library.patterns])),  # the 404 page
        Output("api/pillars.json", PILLARS_FILE.read_text(encoding="utf-8")),
        Output("schema/pattern.schema.json", SCHEMA_FILE.read_text(encoding="utf-8")),
    ]
