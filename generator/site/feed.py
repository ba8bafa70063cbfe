"""The Atom feed of new and updated patterns (`/feed.xml`), for readers who follow the library.

Entries are the patterns by their `modified` date (else `created`), newest first, at most
FEED_SIZE. Each entry's id is the pattern's id as a URN, so a renamed pattern stays the same
entry for a feed reader; links are absolute under `site_url`, or relative to the feed (an
`xml:base` of ".") when the site's address is not known.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

from generator.library.model import Library, Pattern

FEED_PATH = "feed.xml"
FEED_SIZE = 50
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(value: object) -> str | None:
    """An Atom date (RFC 3339, midnight UTC) from a front-matter date, or None."""
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return f"{day.isoformat()}T00:00:00Z"


def entries(library: Library) -> list[tuple[str, Pattern]]:
    """(updated, pattern) of the feed's entries, newest first, then by title and key."""
    dated = []
    for pattern in library.patterns:
        updated = _date(pattern.meta.get("modified")) or _date(pattern.meta.get("created"))
        if updated is not None:
            dated.append((updated, pattern))
    dated.sort(key=lambda item: (-_ordinal(item[0]), item[1].title.lower(), item[1].key))
    return dated[:FEED_SIZE]


def _ordinal(stamp: str) -> int:
    return dt.date.fromisoformat(stamp[:10]).toordinal()


def atom(library: Library, site_name: str, site_url: str | None) -> str:
    """Render the feed."""
    from generator.site.render import summary_of

    chosen = entries(library)
    base = site_url or "./"

    def url(path: str) -> str:
        return urljoin(site_url, path) if site_url else (path or "./")

    newest = chosen[0][0] if chosen else "2026-01-01T00:00:00Z"
    feed_id = url("") if site_url else f"urn:patternlib:{_slug(site_name) or 'library'}"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:base={quoteattr(base)}>',
        f"<title>{escape(site_name)}: new and updated patterns</title>",
        f"<id>{escape(feed_id)}</id>",
        f"<updated>{newest}</updated>",
        f'<link rel="self" type="application/atom+xml" href={quoteattr(url(FEED_PATH))}/>',
        f'<link rel="alternate" type="text/html" href={quoteattr(url(""))}/>',
        "<generator>patternlib</generator>",
    ]
    for updated, pattern in chosen:
        created = _date(pattern.meta.get("created"))
        entry_id = f"urn:patternlib:{pattern.id}" if pattern.id else url(
            f"patterns/{pattern.key}/")
        lines += [
            "<entry>",
            f"<title>{escape(pattern.title)}</title>",
            f"<id>{escape(entry_id)}</id>",
            f'<link rel="alternate" type="text/html" '
            f'href={quoteattr(url(f"patterns/{pattern.key}/"))}/>',
            f"<updated>{updated}</updated>",
            *([f"<published>{created}</published>"] if created else []),
            *(f"<author><name>{escape(name)}</name></author>" for name in _authors(pattern)),
            f"<summary>{escape(summary_of(pattern))}</summary>",
            "</entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _authors(pattern: Pattern) -> list[str]:
    out = []
    for item in pattern.meta.get("contributors") or []:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            out.append(name.strip())
    return out or ["Unknown"]  # Atom: an entry without a feed-level author needs one


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))
