"""Scaffold a new pattern: every required field, the recommended sections, no scores yet."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import re
import secrets
import subprocess
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click
import yaml

from generator.library.changed import outlines, validate_changed
from generator.library.model import Pattern, Problem
from generator.library.score import rubric
from generator.library.validate import RECOMMENDED_SECTIONS, schema

# Where the site publishes the schema, under its site_url (see README: site URLs).
PUBLISHED_SCHEMA = "schema/pattern.schema.json"
DEFAULTS = {
    "universality": "domain",
    "domain": "general",
    "era": "digital",
    "commons_domain": "business",
    "license": "CC-BY-SA-4.0",
}
# The schema's categories, for the command line's choices.
CATEGORIES: tuple[str, ...] = tuple(
    schema()["properties"]["classification"]["properties"]["category"]["items"]["enum"]
)
ID_TRIES = 5
_KEBAB = r"[a-z0-9]+(?:-[a-z0-9]+)*"
PILLARS_SECTION = "7 Pillars Assessment"
# What each section is for, as a comment the author replaces.
SECTION_HINTS = {
    "Overview": "What the pattern is, where it comes from, and the problem it answers.",
    "Core Principles": "The few ideas that make it work, as a numbered list.",
    "Key Practices": "What people actually do when they apply it.",
    "Implementation": "How to introduce it, step by step, and what to watch or measure.",
    "When to Use": "The situations it fits, and the ones it does not.",
    "Anti-Patterns and Gotchas": "How it goes wrong, and what it gets confused with.",
    "References": "Every source the pattern draws on; list them under `sources` too.",
}


class NewPatternError(click.ClickException):
    """The pattern file cannot be created: it exists, or its slug or id is taken."""


def new_pattern(
    title: str,
    *,
    folder: Path,
    domain: str | None = None,
    categories: Sequence[str] = (),
    slug: str | None = None,
    author: str | None = None,
    today: dt.date | None = None,
) -> tuple[Path, tuple[Problem, ...]]:
    """Write `folder/<slug>.md` for a new pattern titled `title`; return it and its problems.

    The file is validated against the library right away: a slug or id another pattern
    already uses removes it again and raises NewPatternError; an existing file is never
    overwritten.
    """
    title = " ".join(title.split())
    if not title:
        raise NewPatternError("the title is empty")
    if not folder.is_dir():
        raise NewPatternError(f"{folder}: no such folder (create it, or pass --library)")
    domain = domain or DEFAULTS["domain"]
    if not re.fullmatch(_KEBAB, domain):
        raise NewPatternError(
            f"domain {domain!r} must be lowercase words joined by hyphens, e.g. 'food-systems'"
        )
    slug = slug or slugify(title)
    if not slug:
        raise NewPatternError(f"cannot make a slug from {title!r}: pass --slug")
    path = folder / f"{slug}.md"
    if path.exists():
        raise NewPatternError(f"{path} already exists: pick another title or pass --slug")
    known = outlines([folder])  # read once: for the aliases here, for the checks below
    holder = _alias_holder(known.values(), slug)
    if holder is not None:
        # The site redirects /patterns/<alias as a slug>/ to the alias's pattern while no page
        # has that name: a new page there would take over the links that reach it.
        raise NewPatternError(
            f"/patterns/{slug}/ is the address of {holder[0]}'s alias {holder[1]!r}: "
            "pick another title or pass --slug"
        )
    who = author or _author()
    date = (today or dt.date.today()).isoformat()
    schema_ref = _schema_reference(folder)
    for _ in range(ID_TRIES):
        text = _render(
            pattern_id=_new_id(), title=title, slug=slug, domain=domain,
            categories=tuple(categories) or ("pattern",), author=who, today=date,
            schema=schema_ref,
        )
        try:
            with path.open("x", encoding="utf-8") as handle:  # never overwrite
                handle.write(text)
        except FileExistsError:
            raise NewPatternError(f"{path} already exists") from None
        _, problems = validate_changed([folder], [path], known=known)
        errors = [p for p in problems if p.severity == "error"]
        if not errors:
            return path, problems
        path.unlink()  # ours: it did not exist a moment ago
        if any(p.rule != "duplicate-id" for p in errors):
            raise NewPatternError(
                "not created: " + "; ".join(p.message for p in errors)
            )
    raise NewPatternError(f"no unused id after {ID_TRIES} tries")  # 96 random bits each


def _alias_holder(found: Iterable[Pattern | None], slug: str) -> tuple[str, str] | None:
    """Return (path, alias) of a pattern with an alias whose address is `slug`, or None."""
    for outline in sorted((p for p in found if p is not None), key=lambda p: p.path):
        aliases = outline.meta.get("aliases")
        for alias in aliases if isinstance(aliases, list) else ():
            if isinstance(alias, str) and slugify(alias) == slug:
                return outline.path, alias
    return None


def _new_id() -> str:
    """Return a fresh pattern id: 'pat_' and 24 random lowercase hex digits."""
    return f"pat_{secrets.token_hex(12)}"


def slugify(title: str) -> str:
    """Return the URL name for a title: "Land & Expand (L&E)" -> "land-and-expand-l-and-e"."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower().replace("&", " and "))
    return "-".join(words)[:120].strip("-")


def _render(
    *,
    pattern_id: str,
    title: str,
    slug: str,
    domain: str,
    categories: Sequence[str],
    author: str,
    today: str,
    schema: str | None,
) -> str:
    """Return the text of a new pattern file."""
    props = _schema_properties()

    def options(name: str) -> str:
        return ", ".join(str(v) for v in _enum(props, name))

    def block(items: Sequence[str], comment: str = "") -> str:
        note = f"  # {comment}" if comment else ""
        return note + "".join(f"\n  - {_scalar(item)}" for item in items)

    schema_line = f"# yaml-language-server: $schema={schema}\n" if schema else ""
    front = f"""---
{schema_line}id: {pattern_id}
title: {_quote(title)}
slug: {slug}
aliases: []
# summary: "One sentence: what the pattern is (shown in listings and search results)."
classification:
  universality: {DEFAULTS["universality"]}  # {options("universality")}
  domain: {_scalar(domain)}  # the field, in kebab-case: e.g. startup, operations, governance
  category:{block(categories, "one or more of: " + options("category"))}
  era:{block([DEFAULTS["era"]], options("era"))}
  origin: []  # communities or traditions it comes from, in kebab-case
  status: draft  # {options("status")}
  commons_domain:{block([DEFAULTS["commons_domain"]], options("commons_domain"))}
generalizes_from: []
specializes_to: []
enables: []
requires: []
related: []
sources: []
version: 0.1.0
created: {today}
modified: {today}
contributors:
  - name: {_quote(author)}
    role: author
license: {DEFAULTS["license"]}
---
"""
    # The seed entry's order: the assessment comes right after Implementation.
    names = list(RECOMMENDED_SECTIONS)
    names.insert(names.index("Implementation") + 1, PILLARS_SECTION)
    sections = [
        _pillars_section(number) if name == PILLARS_SECTION
        else f"## {number}. {name}\n\n<!-- {SECTION_HINTS.get(name, 'Write this section.')} -->\n"
        for number, name in enumerate(names, start=1)
    ]
    return front + f"\n# {title}\n\n" + "\n".join(sections)


def _schema_properties() -> dict[str, Any]:
    """Return the schema's properties, with classification's beside the top-level ones."""
    props: dict[str, Any] = dict(schema()["properties"])
    props.update(props["classification"]["properties"])
    return props


def _enum(props: dict[str, Any], name: str) -> list[Any]:
    node = props[name]
    values: list[Any] = node.get("enum") or node.get("items", {}).get("enum", [])
    return values


def _pillars_section(number: int) -> str:
    r = rubric()
    questions = "\n".join(f"     {p.name}: {p.question}" for p in r.pillars)
    rows = "\n".join(f"| {p.name} |  |  |" for p in r.pillars)
    return (
        f"## {number}. 7 Pillars Assessment\n\n"
        f"<!-- Score each pillar from {r.minimum} ({r.levels[r.minimum]}) to {r.maximum} "
        f"({r.levels[r.maximum]}) and say why in a sentence.\n"
        f"     Overall is the mean of the seven, to one decimal; see CONTRIBUTING.md.\n"
        f"{questions} -->\n\n"
        f"| Pillar | Score ({r.minimum}-{r.maximum}) | Rationale |\n|---|---|---|\n"
        f"{rows}\n| **Overall** |  |  |\n"
    )


def _scalar(text: str) -> str:
    """Return `text` as YAML: plain when it is a kebab-case word, else double-quoted."""
    return text if re.fullmatch(_KEBAB, text) and not text[0].isdigit() else _quote(text)


def _quote(text: str) -> str:
    """Return `text` as a YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _author() -> str:
    """Return git's user.name, else the login name."""
    try:
        done = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True,
                              check=False, timeout=10)
        name = done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    return name or getpass.getuser()


def _schema_reference(folder: Path) -> str | None:
    """Return the schema for `# yaml-language-server`: the repository's, else the site's;
    None when neither is there (a line naming a missing file would only confuse editors)."""
    local = folder.parent / "schema" / "pattern.schema.json"
    if local.is_file():
        return Path(os.path.relpath(local, folder)).as_posix()
    config = folder.parent / "mkdocs.yml"
    try:
        site_url = yaml.safe_load(config.read_text(encoding="utf-8")).get("site_url")
    except (OSError, yaml.YAMLError, AttributeError):
        site_url = None
    if isinstance(site_url, str) and site_url.startswith(("http://", "https://")):
        return f"{site_url.rstrip('/')}/{PUBLISHED_SCHEMA}"
    return None
