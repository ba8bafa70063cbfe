"""Import stage: convert a folder of Commons OS pattern files into this library's format.

    SRC/*.md --load--> Pattern --convert--> front matter + body as written --write--> DIR/*.md

Two source layouts are read, and a file may mix them:

- "v1": `classification:` block and flat `generalizes_from`/`specializes_to`/`enables`/
  `requires`/`related` lists of pattern ids: almost our format already.
- nested: `ontology`, `lifecycle`, `relationships` (entries are slugs, `{slug, weight}` or
  `{id, weight, description}`), `context_labels`, `graph_garden`, `provenance`.

How fields map (source -> here; everything else of a file is kept, see below):

    id, title, slug, aliases, summary, created, modified,     the same keys
      last_updated, version, contributors, license,
      attribution, sources, confidence_score, page_url,
      github_url, repository, pillars
    classification.*                                          classification.*
    generalizes_from, specializes_to, enables, requires,      the same kinds, ids as slugs
      related (v1: lists of ids)
    ontology.domain                                           classification.domain
    ontology.commons_domain, commons_domain                   classification.commons_domain
    lifecycle.status                                          classification.status
    lifecycle.version, lifecycle.last_updated                 version, last_updated
    provenance.contributors, .license, .attribution           the top-level keys
    commons_alignment (v1, beside classification)             classification.commons_alignment
    description                                               summary
    relationships.generalizes_from, .specializes_to,          the same kinds
      .enables, .requires
    relationships.complementary, .alternatives, .tools        related (each target once)

Decisions:

- Values are carried as read, even when this format rejects them, so that `patternlib
  validate` reports the source's real problems with their location: universality `3`, a
  category outside the list, `commons_alignment: 4.2`, `category:` left empty, a stated
  Overall that is not the mean (the body is written byte for byte, its 7 Pillars table with
  it), summaries over 500 characters, origins that are names ("Eric Ries"), a 5-digit year.
  Nothing is made up: the nested layout has no `created`/`modified`, no universality,
  category, era or origin, and the output has none either.
- Only what is unambiguous is reshaped: a version written as a number (`1.0`, `0.1`) becomes
  the text it was written as ("1.0", not 1.0 read back); a single era (`era: digital`)
  becomes a one-item list; dates stay the text they were written as (the loader never turns
  them into datetimes), date-times included.
- References: a pattern id that names exactly one file in SRC is written as that file's
  slug; a slug is kept; anything else (a target not in SRC, an id two files share) is kept
  as written, so `validate` reports the dangling link (or the duplicate id). A `{id, weight}`
  entry without a slug uses its `id` as the reference (in the real library it holds a
  slug). The five relationship lists are always written, empty when the source has none,
  as in the seed entry.
- `related` is symmetric "read alongside": the nested layout's complementary, alternatives
  and tools are all that, and none has a kind of its own here. Which kind each target came
  from, with its weight and description, stays in the verbatim copy of `relationships`.
- `lifecycle.confidence` (1-3) is not `confidence_score` (0-1): no scale links them, so it
  is kept aside, as is `ontology.commons_assessment` (8 dimensions, not the 7 Pillars).
- The body is written byte for byte. A "7 Pillars Assessment" section that is not a table
  (a list, an HTML table, a heading per pillar) is reported (`import-pillars`, with its
  line): `validate` cannot read its scores and reports the pattern as not assessed.
- When two source fields map to one key (`commons_alignment` both on top and in
  `classification`, contributors both on top and in `provenance`), the first listed above
  wins and a different second value is kept aside; an equal one counts as mapped.

Fields with no place here are kept verbatim under one key, X_KEY (`x_import`, described in
the schema), in the source's own structure: a whole field under its name (`graph_garden`,
`context_labels`), the unmapped keys of a partly mapped block under the block's name
(`ontology.search_hints`, `lifecycle.adoption_stage`), and the nested `relationships` block
whole, since its weights, descriptions and kinds have no place.

A file that cannot be read (invalid YAML, an unsafe name, no front matter) is reported with
its line and not written. Files already in DIR are never overwritten unless `force`: every
clash is found before anything is written.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal

import click
import yaml

from generator.library.load import display_path, load_pattern, pattern_files
from generator.library.model import (
    RELATIONSHIPS,
    FieldPath,
    Pattern,
    Problem,
    format_field,
    in_order,
)
from generator.library.parallel import parallel_map
from generator.library.report import as_text

X_KEY = "x_import"
MAX_LINE = 1_000_000
# The seed entry's key order; `summary` and `pillars`, which it lacks, where the schema has them.
FRONT_MATTER_ORDER: tuple[str, ...] = (
    "id", "title", "slug", "aliases", "summary", "classification", *RELATIONSHIPS,
    "confidence_score", "sources", "version", "last_updated", "page_url", "github_url",
    "created", "modified", "contributors", "license", "attribution", "repository", "pillars",
)
CLASSIFICATION_ORDER: tuple[str, ...] = (
    "universality", "domain", "category", "era", "origin", "status", "commons_alignment",
    "commons_domain",
)
# Source relationship kinds that have no kind of their own here.
EXTRA_KINDS: Mapping[str, str] = {
    "complementary": "related",
    "alternatives": "related",
    "tools": "related",
}
# Keys of partly mapped source blocks: source key -> where it goes here.
ONTOLOGY_KEYS: Mapping[str, FieldPath] = {
    "domain": ("classification", "domain"),
    "commons_domain": ("classification", "commons_domain"),
}
LIFECYCLE_KEYS: Mapping[str, FieldPath] = {
    "status": ("classification", "status"),
    "version": ("version",),
    "last_updated": ("last_updated",),
}
PROVENANCE_KEYS: Mapping[str, FieldPath] = {
    "contributors": ("contributors",),
    "license": ("license",),
    "attribution": ("attribution",),
}
# Top-level source keys that go elsewhere here.
MOVED_KEYS: Mapping[str, FieldPath] = {
    "commons_alignment": ("classification", "commons_alignment"),
    "commons_domain": ("classification", "commons_domain"),
    "description": ("summary",),
}
# Source blocks mapped key by key (the rest of each is kept aside under its name).
BLOCKS = ("ontology", "lifecycle", "provenance", "relationships")
# Top-level keys only the nested layout has.
NESTED_MARKERS = frozenset({*BLOCKS, "context_labels", "graph_garden"})
_PILLAR_SECTION = re.compile(r"^#{1,6}[^\n]*pillars assessment", re.I | re.M)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Safe YAML output that writes a value shared by two fields twice, not as an alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


Layout = Literal["v1", "nested"]


@dataclass(frozen=True, order=True)
class Mapped:
    """A source field that now has a place in this format."""

    source: str  # e.g. lifecycle.version
    target: str  # e.g. version
    note: str = ""  # what changed on the way, if anything


@dataclass(frozen=True, order=True)
class KeptAside:
    """A source field kept verbatim under X_KEY, and why it has no place."""

    source: str
    reason: str


@dataclass(frozen=True)
class FileReport:
    """What became of one source file."""

    source: str  # as reports show it
    target: str | None  # where it was written; None when it could not be read
    layout: Layout | None
    mapped: tuple[Mapped, ...] = ()
    kept: tuple[KeptAside, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class ImportReport:
    """What `import_library` did, file by file, in file name order."""

    src: str
    into: str
    files: tuple[FileReport, ...]

    @property
    def imported(self) -> tuple[FileReport, ...]:
        """The files that were written."""
        return tuple(f for f in self.files if f.target is not None)

    @property
    def unreadable(self) -> tuple[FileReport, ...]:
        """The files that could not be read, and so were not written."""
        return tuple(f for f in self.files if f.target is None)


class ImportRefused(click.ClickException):
    """The import would overwrite files, or write into its own source."""


@dataclass(frozen=True)
class _Converted:
    report: FileReport
    path: Path | None = None  # where to write it; None when the source could not be read
    text: str = ""


def import_library(src: Path, into: Path, *, force: bool, jobs: int = 1) -> ImportReport:
    """Convert every `*.md` in `src` (or `src/_patterns`) into this format, into `into`."""
    folder = _source_folder(src)
    if into.resolve() == folder.resolve():
        raise ImportRefused(f"{display_path(into)} is the source folder: import into another")
    files = pattern_files([folder])
    if not force:  # by name, before any work: a file that turns out unreadable counts too
        _refuse_clashes(into / file.name for file in files)
    # References resolve against the whole library, so it is read twice: for its ids and
    # slugs, then file by file for conversion (both on every core; a file's Pattern is
    # costlier to send between processes than to read again).
    index = _Index.of(o for o in parallel_map(_outline, files, jobs=jobs) if o is not None)
    converted = parallel_map(partial(_convert_file, index=index, into=into), files, jobs=jobs)
    into.mkdir(parents=True, exist_ok=True)
    for item in converted:
        if item.path is not None:
            if item.path.is_symlink():  # replace the link, not the file it points to
                item.path.unlink()
            item.path.write_text(item.text, encoding="utf-8", newline="")
    return ImportReport(display_path(folder), display_path(into),
                        tuple(c.report for c in converted))


def _source_folder(src: Path) -> Path:
    """Return the folder of pattern files: `src`, or the repository's `_patterns`."""
    nested = src / "_patterns"
    if nested.is_dir() and not pattern_files([src]):
        return nested
    return src


def _refuse_clashes(targets: Iterable[Path]) -> None:
    clashes = [t for t in targets if t.exists()]
    if clashes:
        shown = ", ".join(display_path(t) for t in clashes[:5])
        more = f" and {len(clashes) - 5} more" if len(clashes) > 5 else ""
        raise ImportRefused(
            f"{len(clashes)} file{'s' if len(clashes) > 1 else ''} would be overwritten: "
            f"{shown}{more}; nothing was written (use --force to overwrite)"
        )


Outline = tuple[str, str, str | None]  # a source file's key, slug and id


def _outline(file: Path) -> Outline | None:
    pattern, _ = load_pattern(file, display=display_path(file))
    return None if pattern is None else (pattern.key, pattern.slug, pattern.id)


@dataclass(frozen=True)
class _Index:
    """What references can resolve to in the source library."""

    slugs: frozenset[str]  # every slug and file name
    by_id: Mapping[str, str]  # ids held by exactly one file -> that file's slug
    shared_ids: frozenset[str]  # ids held by several files

    @classmethod
    def of(cls, outlines: Iterable[Outline]) -> _Index:
        slugs: set[str] = set()
        holders: dict[str, list[str]] = {}
        for key, slug, pattern_id in outlines:
            slugs.update((key, slug))
            if pattern_id:
                holders.setdefault(pattern_id, []).append(slug)
        by_id = {i: found[0] for i, found in holders.items() if len(found) == 1}
        shared = frozenset(i for i, found in holders.items() if len(found) > 1)
        return cls(frozenset(slugs), by_id, shared)

    def resolve(self, ref: str) -> tuple[str, str]:
        """Return (reference to write, how): 'slug', 'id', 'shared' (id) or 'unknown'."""
        if ref in self.slugs:
            return ref, "slug"
        if ref in self.by_id:
            return self.by_id[ref], "id"
        return ref, "shared" if ref in self.shared_ids else "unknown"


def _convert_file(file: Path, *, index: _Index, into: Path) -> _Converted:
    pattern, problems = load_pattern(file, display=display_path(file))
    if pattern is None:
        return _Converted(FileReport(display_path(file), None, None, problems=tuple(problems)))
    return _convert(file, pattern, problems, index, into / file.name)


def _convert(file: Path, pattern: Pattern, problems: Sequence[Problem], index: _Index,
             target: Path) -> _Converted:
    converter = _Converter(pattern, index)
    front = converter.run()
    body = _raw_body(file, pattern)
    # No folding of long text: one line per value reads and diffs better.
    text = "---\n" + yaml.dump(front, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                               width=MAX_LINE) + "---\n" + body
    layout: Layout = "nested" if NESTED_MARKERS & set(pattern.meta) else "v1"
    report = FileReport(
        source=pattern.path,
        target=display_path(target),
        layout=layout,
        mapped=tuple(converter.mapped),
        kept=tuple(converter.kept),
        problems=tuple(in_order([*problems, *converter.problems])),
    )
    return _Converted(report, target, text)


def _raw_body(file: Path, pattern: Pattern) -> str:
    """Return the body exactly as the file has it (the loader's copy has `\\n` line ends)."""
    raw = file.read_bytes().decode("utf-8")
    parts = raw.split("\n", pattern.body_line - 1)
    body = parts[-1] if len(parts) == pattern.body_line else ""
    return body if body.replace("\r\n", "\n") == pattern.body else pattern.body


class _Converter:
    """Build one file's front matter in this format, recording what went where."""

    def __init__(self, pattern: Pattern, index: _Index) -> None:
        self.pattern = pattern
        self.index = index
        self.front: dict[str | int, Any] = {}
        self.origin: dict[FieldPath, str] = {}  # target -> the source field it came from
        self.aside: dict[str, Any] = {}
        self.mapped: list[Mapped] = []
        self.kept: list[KeptAside] = []
        self.problems: list[Problem] = []

    def run(self) -> dict[str, Any]:
        """Map every source field; return the front matter in FRONT_MATTER_ORDER."""
        meta = self.pattern.meta
        previous = meta.get(X_KEY)
        if isinstance(previous, dict):  # a file imported before: keep what it kept
            self.aside.update(copy.deepcopy(previous))
            self.mapped.append(Mapped(X_KEY, X_KEY, "kept by an earlier import"))
        for key, value in meta.items():
            if key in FRONT_MATTER_ORDER and key not in RELATIONSHIPS:
                self.direct(key, value)
        for kind in RELATIONSHIPS:
            if kind in meta:
                self.flat_relationship(kind, meta[kind])
        for key, targets in (("ontology", ONTOLOGY_KEYS), ("lifecycle", LIFECYCLE_KEYS),
                             ("provenance", PROVENANCE_KEYS)):
            if key in meta:
                self.block(key, meta[key], targets)
        if "relationships" in meta:
            self.relationships(meta["relationships"])
        for key, value in meta.items():
            if key in MOVED_KEYS:
                self.put(MOVED_KEYS[key], value, key)
            elif key not in FRONT_MATTER_ORDER and key not in BLOCKS and key != X_KEY:
                self.keep((key,), value, "no place in this format")
        self.check_body()
        return self.ordered()

    # --- mapping ---------------------------------------------------------------------------

    def direct(self, key: str, value: Any) -> None:
        """Map a key this format has, field by field for `classification`."""
        if key == "classification" and isinstance(value, dict):
            for sub, item in value.items():
                if sub in CLASSIFICATION_ORDER:
                    self.classification_field(sub, item)
                else:
                    self.keep((key, sub), item, "not a classification field here")
        elif key == "version":
            value, note = self.version(value, (key,))
            self.put((key,), value, key, note)
        else:
            self.put((key,), value, key)

    def classification_field(self, sub: str, value: Any) -> None:
        """Map one classification field; a single era becomes a list."""
        note = ""
        if sub == "era" and isinstance(value, str):
            value, note = [value], "one era written as a list"
        self.put(("classification", sub), value, f"classification.{sub}", note)

    def version(self, value: Any, path: FieldPath) -> tuple[Any, str]:
        """Return a version written as a number as the text it was written as."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            pos = self.pattern.positions.get(path)
            text = pos.text if pos is not None and pos.text else str(value)
            return text, f"number {text} written as the text '{text}'"
        return value, ""

    def block(self, name: str, value: Any, targets: Mapping[str, FieldPath]) -> None:
        """Map the keys of a partly mapped block; keep the rest under its name."""
        if not isinstance(value, dict):
            self.keep((name,), value, "not a mapping")
            return
        for key, item in value.items():
            source = f"{name}.{key}"
            target = targets.get(key)
            if target is None:
                self.keep((name, key), item, "no place in this format")
            elif target == ("version",):
                item, note = self.version(item, (name, key))
                self.put(target, item, source, note)
            else:
                self.put(target, item, source)

    def put(self, target: FieldPath, value: Any, source: str, note: str = "") -> None:
        """Set `target` from `source`, unless another source set it to something else."""
        container = self.front
        for part in target[:-1]:
            container = container.setdefault(part, {})
            if not isinstance(container, dict):
                self.keep(tuple(source.split(".")), value,
                          f"{format_field(target[:-1])} is not a mapping")
                return
        key = target[-1]
        if key not in container:
            container[key] = value
            self.origin[target] = source
            self.mapped.append(Mapped(source, format_field(target), note))
        elif container[key] == value:
            self.mapped.append(Mapped(source, format_field(target),
                                      f"same value as {self.origin.get(target, 'another')}"))
        else:
            self.keep(tuple(source.split(".")), value,
                      f"differs from {self.origin.get(target, 'another field')}, mapped to "
                      f"{format_field(target)}")

    def keep(self, path: FieldPath, value: Any, reason: str) -> None:
        """Keep a source field verbatim under X_KEY, in the source's structure."""
        container = self.aside
        for part in path[:-1]:
            container = container.setdefault(str(part), {})
            if not isinstance(container, dict):  # an earlier import kept a value there
                self.aside[format_field(path)] = value
                break
        else:
            container[str(path[-1])] = value
        self.kept.append(KeptAside(format_field(path), reason))

    # --- relationships ---------------------------------------------------------------------

    def flat_relationship(self, kind: str, value: Any) -> None:
        """Map a v1 list of ids (or slugs): ids become slugs where they name one file."""
        if not isinstance(value, list):
            self.put((kind,), value, kind)  # validate reports it where it is
            return
        refs, how = self.resolve(value)
        self.put((kind,), refs, kind, _how(how))

    def resolve(self, entries: Iterable[Any]) -> tuple[list[Any], Counter[str]]:
        """Return the entries with ids written as slugs, and how many resolved how."""
        refs: list[Any] = []
        how: Counter[str] = Counter()
        for entry in entries:
            if isinstance(entry, str):
                ref, way = self.index.resolve(entry)
                refs.append(ref)
                how[way] += 1
            else:
                refs.append(entry)  # the schema reports it
        return refs, how

    def relationships(self, block: Any) -> None:
        """Map the nested layout's block; keep it verbatim when it says more than targets."""
        if not isinstance(block, dict):
            self.keep(("relationships",), block, "not a mapping")
            return
        gathered: dict[str, list[tuple[str, list[Any], Counter[str]]]] = {}
        plain = True  # nothing but slugs, in kinds this format has
        for kind, entries in block.items():
            target = kind if kind in RELATIONSHIPS else EXTRA_KINDS.get(str(kind))
            if target is None or not isinstance(entries, list):
                plain = False
                why = (f"'{kind}' is not a relationship kind this format has" if target is None
                       else f"expected a list of patterns, got {_describe(entries)}")
                self.problems.append(self.problem(("relationships", kind), "import-relationship",
                                                  "warning", f"{why}: kept under {X_KEY} only"))
                continue
            plain = plain and target == kind and all(isinstance(e, str) for e in entries)
            named = (self.reference(e, ("relationships", kind, i)) for i, e in enumerate(entries))
            refs, how = self.resolve(r for r in named if r is not None)
            gathered.setdefault(target, []).append((f"relationships.{kind}", refs, how))
        for target, parts in gathered.items():
            merged = [ref for _, refs, _ in parts for ref in refs]
            if len(parts) > 1:
                merged = list(dict.fromkeys(merged))  # each target once
            (first, _, how), *others = parts
            self.put((target,), merged, first, _how(how))
            self.mapped.extend(Mapped(source, target, _how(how)) for source, _, how in others)
        if not plain:
            self.keep(("relationships",), block,
                      "weights, descriptions and the kinds complementary, alternatives and "
                      "tools have no place here (the targets are mapped)")

    def reference(self, entry: Any, path: FieldPath) -> str | None:
        """Return the pattern an entry names: a slug, or a `{slug|id, weight}` entry's."""
        if isinstance(entry, str):
            return entry
        if isinstance(entry, dict):
            for key in ("slug", "id"):
                if isinstance(entry.get(key), str):
                    return str(entry[key])
        self.problems.append(self.problem(
            path, "import-relationship", "warning",
            "names no pattern (neither a slug nor a mapping with 'slug' or 'id'): kept under "
            f"{X_KEY} only"))
        return None

    # --- body ------------------------------------------------------------------------------

    def check_body(self) -> None:
        """Say whether the body's 7 Pillars Assessment is a table this format reads."""
        table = self.pattern.table
        if table is not None:
            self.mapped.append(Mapped("body", "body",
                                      f"7 Pillars table at line {table.line}, written as is"))
            return
        self.mapped.append(Mapped("body", "body", "written as is"))
        section = _PILLAR_SECTION.search(self.pattern.body)
        if section is not None:
            line = self.pattern.body_line + self.pattern.body.count("\n", 0, section.start())
            self.problems.append(Problem(
                self.pattern.path, line, 1, "import-pillars", "warning", "body",
                "this 7 Pillars Assessment is not a '| Pillar | Score | Rationale |' table "
                "under a '## 7 Pillars Assessment' heading: its scores are not read"))

    # --- output ----------------------------------------------------------------------------

    def ordered(self) -> dict[str, Any]:
        """Return the front matter in the seed's order, what was kept aside last."""
        front = self.front
        for kind in RELATIONSHIPS:
            front.setdefault(kind, [])
        classification = front.get("classification")
        if isinstance(classification, dict):
            front["classification"] = {k: classification[k] for k in CLASSIFICATION_ORDER
                                       if k in classification}
        out = {k: front[k] for k in FRONT_MATTER_ORDER if k in front}
        if self.aside:
            # In the source's order; what an earlier import kept comes first.
            order = {key: n for n, key in enumerate(self.pattern.meta)}
            out[X_KEY] = dict(sorted(self.aside.items(), key=lambda kv: order.get(kv[0], -1)))
        return out

    def problem(self, path: FieldPath, rule: str, severity: Literal["error", "warning"],
                message: str) -> Problem:
        line, col = self.pattern.where(path)
        return Problem(self.pattern.path, line, col, rule, severity, format_field(path),
                       message)


def _describe(value: Any) -> str:
    return "an empty value" if value is None else f"{type(value).__name__} {value!r:.40}"


def _how(how: Counter[str]) -> str:
    parts = []
    if how["id"]:
        n = how["id"]
        parts.append(f"{n} ids written as slugs" if n > 1 else "1 id written as a slug")
    if how["shared"]:
        n = how["shared"]
        parts.append(f"{n} id{'s' if n > 1 else ''} held by several files, kept as written")
    if how["unknown"]:
        n = how["unknown"]
        parts.append(f"{n} target{'s' if n > 1 else ''} not in the source folder, "
                     "kept as written")
    return "; ".join(parts)


# --- the site's name -------------------------------------------------------------------------


def source_name(src: Path) -> tuple[str, str] | None:
    """Return the name the source library gives itself, and where it says so: the
    repository's mkdocs.yml `site_name`, Jekyll `_config.yml` `title` (Commons OS publishes its
    `_patterns` collection with Jekyll), or the first heading of its README.md."""
    # The repository: SRC itself when its patterns are in _patterns/, else the folder above
    # a _patterns/ folder given directly, else the folder of patterns itself.
    repo = src.parent if src.name == "_patterns" and _source_folder(src) == src else src
    for config, key in (("mkdocs.yml", "site_name"), ("_config.yml", "title")):
        file = repo / config
        try:
            data = yaml.load(file.read_text(encoding="utf-8"), Loader=_NameLoader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        name = data.get(key) if isinstance(data, dict) else None
        if isinstance(name, str) and name.strip():
            return " ".join(name.split()), display_path(file)
    readme = repo / "README.md"
    try:
        text = readme.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    heading = re.search(r"^# +(.+?)[ #]*$", text, re.M)
    if heading and heading.group(1).strip():
        return " ".join(heading.group(1).split()), display_path(readme)
    return None


class _NameLoader(yaml.SafeLoader):
    """Reads a site config for its name: MkDocs' `!!python/name:` tags and `!ENV` become
    plain values instead of errors."""


_NameLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def name_site(src: Path, into: Path, name: str | None) -> str:
    """Give the library the patterns were imported into its site name, never overwriting.

    The library is the folder holding `into` when `into` is its patterns/ folder. Without an
    mkdocs.yml there, one is written with `name` (or the source's own name); else the line
    returned says how to set it. Returns a line for the report, or "" when there is nothing
    to say.
    """
    if into.name != "patterns":
        return ""
    config = into.parent / "mkdocs.yml"
    found = (name, "--site-name") if name else source_name(src)
    if config.exists():
        try:
            current = yaml.load(config.read_text(encoding="utf-8"), Loader=_NameLoader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            current = None
        site_name = current.get("site_name") if isinstance(current, dict) else None
        if found is None or site_name == found[0]:
            return ""
        return (f"{display_path(config)} names the site {site_name!r}, left as it is; "
                f"the source calls itself {found[0]!r} ({found[1]}): set `site_name: "
                f"{json.dumps(found[0], ensure_ascii=False)}` there to use that name")
    if found is None:
        return (f"{display_path(config)}: not written, as the source gives no name (no "
                "mkdocs.yml site_name, _config.yml title or README.md heading); create it with "
                "`site_name: Your library's name`, or import again with --site-name NAME")
    config.write_text(
        "# Written by `patternlib import`: the site's name, from "
        f"{found[1]}. Every other setting has a default (see README.md).\n"
        f"site_name: {json.dumps(found[0], ensure_ascii=False)}\n",
        encoding="utf-8",
    )
    return f"wrote {display_path(config)}: site_name {found[0]!r} (from {found[1]})"


# --- report ---------------------------------------------------------------------------------


def render_report(report: ImportReport) -> str:
    """Render the report for people: a line per file, problems located, a summary."""
    lines = []
    for item in report.files:
        problems = _count(len(item.problems), "problem")
        if item.target is None:
            lines.append(f"{item.source}: not imported, {problems}")
        else:
            lines.append(f"{item.source} -> {item.target}: {item.layout}, "
                         f"{len(item.mapped)} mapped, {len(item.kept)} kept aside, {problems}")
    details = [as_text(p) for item in report.files for p in item.problems]
    if details:
        lines.extend(["", *details])
    layouts = Counter(f.layout for f in report.imported)
    kept = sum(len(f.kept) for f in report.files)
    lines.extend(["", (
        f"{_count(len(report.files), 'file')}: {len(report.imported)} imported into "
        f"{report.into} ({layouts['v1']} v1, {layouts['nested']} nested), "
        f"{len(report.unreadable)} not imported; "
        f"{_count(kept, 'field')} kept aside under {X_KEY}; "
        f"{_count(len(details), 'problem')}"
    )])
    return "\n".join(lines)


def report_json(report: ImportReport) -> str:
    """Render the report as JSON, every mapped and kept field included."""
    return json.dumps(asdict(report), indent=1, ensure_ascii=False) + "\n"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"

