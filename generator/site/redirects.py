"""Stable URLs: small pages that send a reader on to a pattern's page.

- `/id/<pattern id>/` for every pattern with an id: the id never changes, the slug may;
- `/patterns/<former slug>/` for each of a pattern's `former_slugs` (a renamed file);
- `/patterns/<alias as a slug>/` for each alias, when no pattern, former slug or other alias
  takes that URL ("L&E" -> `/patterns/l-and-e/`).

They are plain HTML written beside MkDocs' pages (no theme: a redirect is not read), with a
link for browsers that do not follow `<meta http-equiv="refresh">`, the pattern's page as
canonical URL, and `noindex`. Not in the sitemap.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urljoin

from generator.library.model import Library, Pattern
from generator.library.new import slugify
from generator.library.validate import former_slugs

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MARK = "<!-- patternlib redirect -->"  # what tells our redirect pages from other pages


@dataclass(frozen=True)
class Redirect:
    """One page at `path` (a site URL, "id/pat_x/") that sends readers to `target`."""

    path: str
    target: str  # site URL of the pattern page, "patterns/<slug>/"
    title: str
    why: str  # "id", "former slug" or "alias"


def alias_slug(alias: str) -> str:
    """The URL segment of an alias, as `patternlib new` makes a slug of a title."""
    return slugify(alias)


def redirects(library: Library) -> list[Redirect]:
    """Every redirect of the library, sorted by path; none takes a page's or another's URL."""
    pages = {p.key for p in library.patterns}
    out: dict[str, Redirect] = {}
    ids = Counter(p.id for p in library.patterns if p.id)
    for pattern in library.patterns:
        if pattern.id and ids[pattern.id] == 1 and re.fullmatch(r"pat_[0-9a-z]+", pattern.id):
            _add(out, f"id/{pattern.id}/", pattern, "id")
    claimed = Counter(s for p in library.patterns for s in set(former_slugs(p)))
    for pattern in library.patterns:
        for slug in former_slugs(pattern):
            if slug not in pages and claimed[slug] == 1 and _SLUG.fullmatch(slug):
                _add(out, f"patterns/{slug}/", pattern, "former slug")
    aliases: Counter[str] = Counter()
    by_alias: dict[str, Pattern] = {}
    for pattern in library.patterns:
        for slug in {alias_slug(a) for a in _aliases(pattern)}:
            aliases[slug] += 1
            by_alias[slug] = pattern
    for slug, count in aliases.items():
        path = f"patterns/{slug}/"
        if slug and count == 1 and slug not in pages and path not in out:
            _add(out, path, by_alias[slug], "alias")
    return [out[path] for path in sorted(out)]


def _aliases(pattern: Pattern) -> list[str]:
    value = pattern.meta.get("aliases")
    return [a for a in value if isinstance(a, str)] if isinstance(value, list) else []


def _add(out: dict[str, Redirect], path: str, pattern: Pattern, why: str) -> None:
    out.setdefault(path, Redirect(path, f"patterns/{pattern.key}/", pattern.title, why))


def page(redirect: Redirect, site_url: str | None = None) -> str:
    """The HTML of a redirect page: relative link, absolute canonical URL when known."""
    depth = redirect.path.count("/")
    here = "../" * depth + redirect.target
    canonical = urljoin(site_url, redirect.target) if site_url else here
    title = html.escape(redirect.title)
    return (
        f'<!doctype html>\n{MARK}\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        '<meta name="robots" content="noindex">\n'
        f'<link rel="canonical" href="{html.escape(canonical)}">\n'
        f'<meta http-equiv="refresh" content="0; url={html.escape(here)}">\n'
        "</head>\n<body>\n"
        f'<p>This address leads to <a href="{html.escape(here)}">{title}</a>.</p>\n'
        "</body>\n</html>\n"
    )
