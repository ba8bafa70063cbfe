"""The Insights page (`/insights/`): what the library holds, counted and drawn at build time.

Every figure is computed here from the library, its assessments and its graph, the inputs
`api/*.json` is rendered from, and drawn as an inline SVG (no JavaScript, printable) with its
numbers in a table beside it. With `--keep-going`, the library's problems are listed by rule,
a maintainer's to-do list. The home page shows two of the charts (`glance`).

SVG text and bars take their colours from the stylesheet (Material's colour variables, so they
follow the light and dark schemes); heat-map cells carry their own fill and the text colour
that reads on it.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import markupsafe

from generator.library.model import Assessment, Graph, Library, Problem, in_order
from generator.library.score import rubric
from generator.site.render import Output, _env, _values

PATH = "insights.md"
TOP = 20  # bars in a chart of a long tail; the rest are summed up as "N others"
MIN_ASSESSED = 3  # assessed patterns a domain needs to be a row of the heat map
EXAMPLES = 3  # example files per rule in the problems table
WIDTH = 560  # every chart's width in SVG units; the stylesheet scales it to the column
GLANCE_WIDTH = 400  # the home page's charts: narrower, to keep their text legible on phones
FONT = 14
ROW = 24  # a bar's row height
CHAR = 8  # SVG units a label character takes, at most (capitals): labels are cut to fit


# --- the numbers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Tail:
    """Counts of a facet's values, the largest first, cut after TOP."""

    top: tuple[tuple[str, int], ...]
    others: int  # values left out
    others_count: int  # their patterns, summed
    without: int  # patterns without a value


def facet_counts(library: Library, field: str) -> list[tuple[str, int]]:
    """Count the patterns of each value of a classification field, the largest first."""
    counts = Counter(v for p in library.patterns for v in dict.fromkeys(_values(p, field)))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def tail(library: Library, field: str, top: int = TOP) -> Tail:
    """Return a field's value counts as a chart of a long tail shows them."""
    counts = facet_counts(library, field)
    rest = counts[top:]
    return Tail(tuple(counts[:top]), len(rest), sum(n for _, n in rest),
                sum(1 for p in library.patterns if not _values(p, field)))


def coverage_by_domain(
    library: Library, assessments: Mapping[str, Assessment]
) -> list[tuple[str, int, int]]:
    """Return (domain, assessed, patterns) per domain, the largest domains first."""
    assessed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for pattern in library.patterns:
        for value in dict.fromkeys(_values(pattern, "domain")):
            total[value] += 1
            assessed[value] += pattern.key in assessments
    return sorted(((d, assessed[d], n) for d, n in total.items()),
                  key=lambda row: (-row[2], row[0]))


# The overall score's histogram: half-point bins, the last one closed (4.5 to 5.0).
BINS = tuple((f"{lo / 10:.1f}-{min(lo + 4, 50) / 10:.1f}" if lo < 45 else "4.5-5.0")
             for lo in range(10, 50, 5))


def overall_histogram(assessments: Mapping[str, Assessment]) -> list[tuple[str, int]]:
    """Count the assessed patterns per half point of overall score."""
    counts = [0] * len(BINS)
    for assessment in assessments.values():
        tenths = round(assessment.overall * 10)
        counts[min(max((tenths - 10) // 5, 0), len(BINS) - 1)] += 1
    return list(zip(BINS, counts, strict=True))


def alignment_counts(assessments: Mapping[str, Assessment]) -> list[tuple[int, str, int]]:
    """Return (level, name, assessed patterns) for every alignment level."""
    counts = Counter(a.alignment for a in assessments.values())
    return [(level, name, counts[level]) for level, name in sorted(rubric().levels.items())]


def pillar_counts(assessments: Mapping[str, Assessment]) -> list[tuple[str, list[int]]]:
    """Return (pillar name, how many patterns score 1, 2, ... on it) per pillar."""
    r = rubric()
    scale = range(r.minimum, r.maximum + 1)
    out = []
    for n, pillar in enumerate(r.pillars):
        counts = Counter(a.scores[n].score for a in assessments.values())
        out.append((pillar.name, [counts[s] for s in scale]))
    return out


def pillar_means(
    library: Library, assessments: Mapping[str, Assessment], minimum: int = MIN_ASSESSED
) -> list[tuple[str, int, list[float]]]:
    """Return (domain, assessed patterns, mean score per pillar, to 2 decimals) for each
    domain with at least `minimum` assessed patterns, by name."""
    scores: dict[str, list[Assessment]] = {}
    for pattern in library.patterns:
        assessment = assessments.get(pattern.key)
        if assessment is not None:
            for value in dict.fromkeys(_values(pattern, "domain")):
                scores.setdefault(value, []).append(assessment)
    out = []
    for domain, group in sorted(scores.items()):
        if len(group) >= minimum:
            means = [round(sum(a.scores[n].score for a in group) / len(group), 2)
                     for n in range(len(rubric().pillars))]
            out.append((domain, len(group), means))
    return out


def degrees(library: Library, graph: Graph, top: int = TOP) -> list[tuple[str, str, int]]:
    """Return (key, title, degree) of the most connected patterns: degree is how many other
    patterns a pattern links to or is linked from."""
    out = []
    for pattern in library.patterns:
        degree = len({e.target for e in graph.edges_from(pattern.key)} - {pattern.key})
        if degree:
            out.append((pattern.key, pattern.title, degree))
    out.sort(key=lambda row: (-row[2], row[1].lower(), row[0]))
    return out[:top]


@dataclass(frozen=True)
class RuleCount:
    """The problems of one rule and severity."""

    rule: str
    severity: str
    count: int
    files: int
    examples: tuple[tuple[str, int, str], ...]  # (path, line, pattern key or "")


def problems_by_rule(problems: Sequence[Problem], library: Library) -> list[RuleCount]:
    """Group problems by rule and severity: errors first, then the most frequent."""
    keys = {p.path: p.key for p in library.patterns}
    groups: dict[tuple[str, str], list[Problem]] = {}
    for problem in in_order(problems):
        groups.setdefault((problem.rule, problem.severity), []).append(problem)
    out = []
    for (rule, severity), group in groups.items():
        first: dict[str, Problem] = {}
        for problem in group:
            first.setdefault(problem.path, problem)
        examples = tuple((p.path, p.line, keys.get(p.path, ""))
                         for p in list(first.values())[:EXAMPLES])
        out.append(RuleCount(rule, severity, len(group), len(first), examples))
    out.sort(key=lambda r: (r.severity != "error", -r.count, r.rule))
    return out


# --- the charts -----------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _fits(label_width: int) -> int:
    """Return how many characters of a label fit left of the bars."""
    return (label_width - 12) // CHAR


def _short(label: str, chars: int) -> str:
    return label if len(label) <= chars else label[: chars - 1].rstrip() + "…"


def _pct(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def _svg(chart_id: str, title: str, height: int, body: list[str], *, links: bool = False,
         desc: str = "", width: int = WIDTH) -> str:
    # A chart with links stays a group (its links reachable); others are one image whose
    # name is the title and whose description (when given) its numbers; on the Insights page
    # the numbers are in the table below the chart.
    role = "group" if links else "img"
    described = f' aria-describedby="{chart_id}-d"' if desc else ""
    return (
        f'<svg class="pl-chart__svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" font-size="{FONT}" role="{role}" aria-labelledby="{chart_id}-t"'
        f'{described}><title id="{chart_id}-t">{_e(title)}</title>'
        + (f'<desc id="{chart_id}-d">{_e(desc)}</desc>' if desc else "")
        + "".join(body) + "</svg>"
    )


@dataclass(frozen=True)
class Bar:
    """One bar of a horizontal bar chart."""

    label: str
    value: int
    text: str = ""  # shown after the bar; the value by default
    href: str = ""  # the label links there
    level: int = 0  # 1-5: the bar takes that alignment level's colour


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], *, label_width: int = 210,
              desc: str = "", width: int = WIDTH) -> str:
    """Draw horizontal bars, labelled on the left, each with its number on the right."""
    right = 96
    span = width - label_width - right
    chars = _fits(label_width)
    top = max((b.value for b in bars), default=0) or 1
    body = []
    links = any(b.href for b in bars)
    for n, bar in enumerate(bars):
        y = n * ROW
        length = round(span * bar.value / top, 1)
        label = (f'<text class="pl-chart__label" x="{label_width - 8}" y="{y + 17}" '
                 f'text-anchor="end">{_e(_short(bar.label, chars))}'
                 + (f"<title>{_e(bar.label)}</title>" if len(bar.label) > chars else "")
                 + "</text>")
        if bar.href:
            label = f'<a href="{_e(bar.href)}">{label}</a>'
        fill = f" pl-chart__bar--{bar.level}" if bar.level else ""
        body.append(
            label
            + f'<rect class="pl-chart__bar{fill}" x="{label_width}" y="{y + 5}" '
              f'width="{max(length, 1 if bar.value else 0)}" height="{ROW - 10}" rx="2"/>'
            + f'<text class="pl-chart__value" x="{label_width + length + 6}" y="{y + 17}">'
              f"{_e(bar.text or f'{bar.value:,}')}</text>"
        )
    return _svg(chart_id, title, max(len(bars), 1) * ROW + 4, body, links=links, desc=desc,
                width=width)


def share_chart(chart_id: str, title: str, rows: Sequence[tuple[str, int, int]], *,
                label_width: int = 210, desc: str = "", width: int = WIDTH) -> str:
    """Draw, per row, the share `part` of `whole` as a filled bar inside an outlined one."""
    right = 140
    span = width - label_width - right
    body = []
    for n, (label, part, whole) in enumerate(rows):
        y = n * ROW
        filled = round(span * part / whole, 1) if whole else 0
        body.append(
            f'<text class="pl-chart__label" x="{label_width - 8}" y="{y + 17}" '
            f'text-anchor="end">{_e(_short(label, _fits(label_width)))}</text>'
            f'<rect class="pl-chart__track" x="{label_width + 0.5}" y="{y + 5.5}" '
            f'width="{span - 1}" height="{ROW - 11}" rx="2"/>'
            f'<rect class="pl-chart__bar" x="{label_width}" y="{y + 5}" width="{filled}" '
            f'height="{ROW - 10}" rx="2"/>'
            f'<text class="pl-chart__value" x="{width - right + 6}" y="{y + 17}">'
            f"{part:,} of {whole:,} ({_pct(part, whole)})</text>"
        )
    return _svg(chart_id, title, max(len(rows), 1) * ROW + 4, body, desc=desc, width=width)


def histogram(chart_id: str, title: str, bins: Sequence[tuple[str, int]],
              axis: str) -> str:
    """Draw vertical bars, one per bin, each with its count above it and its bin below."""
    height, bottom, top_pad = 220, 44, 22
    span = height - bottom - top_pad
    step = WIDTH / len(bins)
    tallest = max((n for _, n in bins), default=0) or 1
    body = []
    for n, (label, count) in enumerate(bins):
        h = round(span * count / tallest, 1)
        x = round(n * step, 1)
        mid = round(x + step / 2, 1)
        y = round(height - bottom - h, 1)
        body.append(
            f'<rect class="pl-chart__bar" x="{round(x + 6, 1)}" y="{y}" '
            f'width="{round(step - 12, 1)}" height="{h}" rx="2"/>'
            f'<text class="pl-chart__value" x="{mid}" y="{round(y - 6, 1)}" '
            f'text-anchor="middle">{count:,}</text>'
            f'<text class="pl-chart__label" x="{mid}" y="{height - bottom + 18}" '
            f'text-anchor="middle">{_e(label)}</text>'
        )
    body.append(f'<line class="pl-chart__axis" x1="0" x2="{WIDTH}" y1="{height - bottom + 0.5}" '
                f'y2="{height - bottom + 0.5}"/>')
    body.append(f'<text class="pl-chart__label" x="{WIDTH / 2}" y="{height - 6}" '
                f'text-anchor="middle">{_e(axis)}</text>')
    return _svg(chart_id, title, height, body)


def stacked_chart(chart_id: str, title: str, rows: Sequence[tuple[str, list[int]]]) -> str:
    """Draw, per row, how its counts of scores 1 to 5 divide it, each part numbered."""
    label_width, legend = 110, 28
    span = WIDTH - label_width - 8
    body = ['<text class="pl-chart__label" x="0" y="17">Score:</text>']
    for s in range(1, 6):  # the legend: colour, then the score it stands for
        key = label_width + (s - 1) * 56
        body.append(f'<rect class="pl-chart__bar pl-chart__bar--{s}" x="{key}" y="5" '
                    f'width="14" height="14" rx="2"/><text class="pl-chart__label" '
                    f'x="{key + 19}" y="17">{s}</text>')
    for n, (label, counts) in enumerate(rows):
        y = legend + n * ROW
        total = sum(counts) or 1
        body.append(f'<text class="pl-chart__label" x="{label_width - 8}" y="{y + 17}" '
                    f'text-anchor="end">{_e(label)}</text>')
        x = float(label_width)
        for s, count in enumerate(counts, start=1):
            w = span * count / total
            if count:
                body.append(f'<rect class="pl-chart__bar pl-chart__bar--{s} pl-chart__seg" '
                            f'x="{round(x, 1)}" y="{y + 3}" width="{round(w, 1)}" '
                            f'height="{ROW - 6}"/>')
                if w >= 8 * len(f"{count:,}") + 6:
                    body.append(f'<text class="pl-chart__on-bar" x="{round(x + w / 2, 1)}" '
                                f'y="{y + 17}" text-anchor="middle">{count:,}</text>')
            x += w
    return _svg(chart_id, title, legend + len(rows) * ROW + 4, body)


# A sequential scale for the heat map, from low (light) to high (dark) scores.
_LOW, _HIGH = (0xE0, 0xF2, 0xF1), (0x00, 0x4D, 0x40)


def _luminance(rgb: Sequence[float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def heat_colours(value: float) -> tuple[str, str]:
    """Return a heat-map cell's fill for a mean score (1-5) and the text colour that reads
    best on it (black or white: one of them always gives 4.5:1 or more)."""
    t = min(max((value - 1) / 4, 0.0), 1.0)
    rgb = [round(lo + (hi - lo) * t) for lo, hi in zip(_LOW, _HIGH, strict=True)]
    lum = _luminance(rgb)
    text = "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"
    return "#{:02x}{:02x}{:02x}".format(*rgb), text


def heat_map(chart_id: str, title: str, rows: Sequence[tuple[str, int, list[float]]]) -> str:
    """Draw domains (rows) by pillars (columns), each cell the mean score, written in it."""
    pillars = [p.name for p in rubric().pillars]
    label_width, head = 168, 64
    cell = (WIDTH - label_width - 48) / len(pillars)  # room for the last slanted name
    body = []
    for n, name in enumerate(pillars):  # slanted: seven names do not fit side by side
        x, y = round(label_width + n * cell + cell / 2 - 6, 1), head - 8
        body.append(f'<text class="pl-chart__label" x="{x}" y="{y}" '
                    f'transform="rotate(-30 {x} {y})">{_e(name)}</text>')
    for n, (domain, count, means) in enumerate(rows):
        y = head + n * ROW
        label = _short(f"{domain} ({count})", _fits(label_width) + 4)  # lower case: narrower
        body.append(f'<text class="pl-chart__label" x="{label_width - 8}" y="{y + 17}" '
                    f'text-anchor="end">{_e(label)}</text>')
        for m, mean in enumerate(means):
            fill, ink = heat_colours(mean)
            x = round(label_width + m * cell, 1)
            body.append(f'<rect x="{x}" y="{y}" width="{round(cell - 2, 1)}" '
                        f'height="{ROW - 2}" fill="{fill}"/>'
                        f'<text x="{round(x + cell / 2 - 1, 1)}" y="{y + 16}" fill="{ink}" '
                        f'text-anchor="middle">{mean:.2f}</text>')
    return _svg(chart_id, title, head + len(rows) * ROW + 2, body)


# --- the page ---------------------------------------------------------------------------------


def _n(value: int) -> str:
    return f"{value:,}"


def _cell(text: str, href: str = "") -> dict[str, str]:
    return {"text": text, "href": href}


def _tail_section(key: str, label: str, plural: str, counts: Tail, up: str) -> dict[str, object]:
    bars = [Bar(v, n) for v, n in counts.top]
    if counts.others:
        bars.append(Bar(f"{counts.others:,} others", counts.others_count))
    rows = [[_cell(v), _cell(_n(n))] for v, n in counts.top]
    if counts.others:
        rows.append([_cell(f"{counts.others:,} others"), _cell(_n(counts.others_count))])
    intro = (f"Patterns per {label.lower()}, the largest first"
             + (f"; the {counts.others:,} smallest of the {len(counts.top) + counts.others:,} "
                f"{plural} are summed up as others" if counts.others else "")
             + (f". {counts.without:,} patterns have no {label.lower()}."
                if counts.without else "."))
    title = f"Patterns per {label.lower()}"
    return {
        "id": key, "heading": f"Patterns per {label.lower()}", "intro": intro,
        "more": {"href": f"{up}browse/{key}/", "text": f"Every {label.lower()}, browsable"},
        "svg": markupsafe.Markup(bar_chart(f"pl-{key}", title, bars)) if bars else "",
        "empty": f"No pattern has a {label.lower()} yet.",
        "numbers": {"name": key, "head": [label, "Patterns"], "rows": rows},
    }


def insights_page(
    library: Library,
    assessments: Mapping[str, Assessment],
    graph: Graph,
    problems: Sequence[Problem] = (),
) -> Output:
    """Render the Insights page: the library's figures as charts, each with its numbers."""
    up = "../"
    total = len(library.patterns)
    scored = len(assessments)
    sections = [
        _tail_section("domain", "Domain", "domains", tail(library, "domain"), up),
        _tail_section("category", "Category", "categories", tail(library, "category"), up),
    ]

    domains = coverage_by_domain(library, assessments)
    shown = domains[:TOP]
    rest = domains[TOP:]
    share = [("All patterns", scored, total), *((d, a, n) for d, a, n in shown)]
    if rest:
        share.append((f"{len(rest):,} other domains", sum(a for _, a, _ in rest),
                      sum(n for _, _, n in rest)))
    sections.append({
        "id": "coverage", "heading": "Assessment coverage",
        "intro": f"{scored:,} of {total:,} patterns ({_pct(scored, total)}) are assessed on the "
                 f"7 Pillars; by domain, the largest {len(shown):,} first.",
        "more": {"href": f"{up}browse/alignment/none/", "text": "Patterns not yet assessed"},
        "svg": markupsafe.Markup(share_chart("pl-coverage", "Assessment coverage", share))
        if total else "",
        "empty": "The library has no patterns yet.",
        "numbers": {"name": "coverage", "head": ["Domain", "Assessed", "Patterns", "Share"],
                    "rows": [[_cell(d), _cell(_n(a)), _cell(_n(n)), _cell(_pct(a, n))]
                             for d, a, n in share]},
    })

    levels = alignment_counts(assessments)
    sections.append({
        "id": "alignment", "heading": "Alignment levels",
        "intro": "Assessed patterns by alignment level: the mean of the seven pillar scores, "
                 "rounded to a whole number.",
        "more": {"href": f"{up}browse/alignment/", "text": "Browse by alignment level"},
        "svg": markupsafe.Markup(alignment_chart("pl-alignment", levels)) if scored else "",
        "empty": "No pattern is assessed yet.",
        "numbers": {"name": "alignment", "head": ["Level", "Patterns"],
                    "rows": [[_cell(f"{v} · {name}"), _cell(_n(n))] for v, name, n in levels]},
    })

    hist = overall_histogram(assessments)
    sections.append({
        "id": "overall", "heading": "Overall scores",
        "intro": "Assessed patterns by overall score (the mean of the seven, to one decimal), "
                 "in half points.",
        "more": None,
        "svg": markupsafe.Markup(histogram("pl-overall", "Overall scores", hist,
                                           "Overall score")) if scored else "",
        "empty": "No pattern is assessed yet.",
        "numbers": {"name": "overall", "head": ["Overall score", "Patterns"],
                    "rows": [[_cell(b), _cell(_n(n))] for b, n in hist]},
    })

    pillars = pillar_counts(assessments)
    sections.append({
        "id": "pillars", "heading": "Scores by pillar",
        "intro": "How the assessed patterns score on each pillar, from 1 (left) to 5 (right).",
        "more": None,
        "svg": markupsafe.Markup(stacked_chart("pl-pillars", "Scores by pillar", pillars))
        if scored else "",
        "empty": "No pattern is assessed yet.",
        "numbers": {"name": "pillars", "head": ["Pillar", "1", "2", "3", "4", "5"],
                    "rows": [[_cell(name), *(_cell(_n(c)) for c in counts)]
                             for name, counts in pillars]},
    })

    means = pillar_means(library, assessments)
    sections.append({
        "id": "heatmap", "heading": "Pillar means by domain",
        "intro": f"The mean score of each pillar in each domain with at least {MIN_ASSESSED} "
                 "assessed patterns (their number in brackets); darker is higher.",
        "more": None,
        "svg": markupsafe.Markup(heat_map("pl-heatmap", "Pillar means by domain", means))
        if means else "",
        "empty": f"No domain has {MIN_ASSESSED} assessed patterns yet.",
        "numbers": {"name": "heatmap",
                    "head": ["Domain", "Assessed", *(p.name for p in rubric().pillars)],
                    "rows": [[_cell(d), _cell(_n(n)), *(_cell(f"{m:.2f}") for m in ms)]
                             for d, n, ms in means]},
    })

    connected = degrees(library, graph)
    sections.append({
        "id": "connected", "heading": "Most connected patterns",
        "intro": f"The {len(connected):,} patterns linked to or from the most others "
                 "(stated links and their inverses).",
        "more": None,
        "svg": markupsafe.Markup(bar_chart(
            "pl-connected", "Most connected patterns",
            [Bar(title, d, href=f"{up}patterns/{key}/") for key, title, d in connected],
            label_width=260,
        )) if connected else "",
        "empty": "No pattern links to another yet.",
        "numbers": {"name": "connected", "head": ["Pattern", "Linked patterns"],
                    "rows": [[_cell(title, f"{up}patterns/{key}/"), _cell(_n(d))]
                             for key, title, d in connected]},
    })

    rules = problems_by_rule(problems, library)
    text = _env().get_template("insights.md.j2").render(
        base=up, total=total, scored=scored, sections=sections, rules=rules,
        problems=len(problems),
        errors=sum(1 for p in problems if p.severity == "error"),
    )
    return Output(PATH, text)


def alignment_chart(chart_id: str, levels: Sequence[tuple[int, str, int]], *,
                    desc: bool = False, width: int = WIDTH) -> str:
    """Draw the assessed patterns per alignment level, each bar in its level's colour."""
    total = sum(n for _, _, n in levels)
    bars = [Bar(f"{v} · {name}", n, text=f"{n:,} ({_pct(n, total)})", level=v)
            for v, name, n in levels]
    return bar_chart(chart_id, "Alignment levels", bars, label_width=140, width=width,
                     desc="; ".join(f"{b.label}: {b.text}" for b in bars) if desc else "")


def glance(
    library: Library, assessments: Mapping[str, Assessment], up: str = ""
) -> markupsafe.Markup:
    """Render the home page's glance: coverage and alignment levels, linking to Insights."""
    total, scored = len(library.patterns), len(assessments)
    return markupsafe.Markup(_env().get_template("_glance.html.j2").render(
        base=up, total=total, scored=scored,
        coverage=markupsafe.Markup(share_chart(
            "pl-glance-coverage", "Assessment coverage", [("Assessed", scored, total)],
            label_width=90, desc=f"{scored:,} of {total:,} ({_pct(scored, total)})",
            width=GLANCE_WIDTH,
        )) if total else "",
        alignment=markupsafe.Markup(alignment_chart(
            "pl-glance-alignment", alignment_counts(assessments), desc=True,
            width=GLANCE_WIDTH)) if scored else "",
    ))
