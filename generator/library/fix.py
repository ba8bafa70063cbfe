"""Fix stage: the certain fixes for what validate reports, as small located text edits.

A fix never re-serialises YAML: it replaces a scalar, a number in a table cell, or inserts a
list item or a key, at the place validate located, so comments, key order, quoting, line
endings and the body stay as written. What cannot be fixed with certainty is left for a person,
with the reason (and, for a dangling link, a did-you-mean suggestion, never a guess).

Fixed here:
- `missing-inverse`: A `enables` B, B does not `require` A: A is appended to B's list of the
  inverse kind (the key is added when B has none), in the form B's file uses for targets.
- `overall-mismatch`, `alignment-mismatch`: the stated number becomes the computed one.
- `yaml-boolean`: the word is quoted.
- `dangling-link`: a target that is exactly one pattern's former slug, or its slug or id but
  for case or a `.md` ending, is replaced by that pattern's current slug or id.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from generator.library.files import write_atomic
from generator.library.link import link, resolver
from generator.library.load import (
    FM_START_LINE,
    YAML11_BOOLEANS,
    PatternLoader,
    display_path,
    parse_pattern,
    pattern_files,
)
from generator.library.model import (
    INVERSE,
    RELATIONSHIPS,
    DanglingRef,
    Edge,
    Graph,
    Library,
    Pattern,
    Problem,
    format_field,
)
from generator.library.score import assess
from generator.library.suggest import did_you_mean
from generator.library.validate import check_library, check_pattern, former_slugs, recheck

FIXABLE: tuple[str, ...] = (
    "missing-inverse",
    "overall-mismatch",
    "alignment-mismatch",
    "yaml-boolean",
    "dangling-link",
)
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_MARKUP = re.compile(r"^[*_`]*(.*?)[*_`]*$")
_PLAIN_NAME = re.compile(r"[a-z][a-z0-9_-]*")
# Plain words some YAML reader takes for something other than text.
_NOT_TEXT = frozenset({"null", "true", "false", *(w.lower() for w in YAML11_BOOLEANS)})


class Unfixable(Exception):
    """This problem cannot be fixed with certainty; the message says why."""


@dataclass(frozen=True)
class Edit:
    """Replace `old` at (line, col) by `new`, or insert lines after `line` when `lines`."""

    line: int  # 1-based file line
    col: int = 1  # 1-based column, in characters
    old: str = ""
    new: str = ""
    lines: tuple[str, ...] = ()  # whole lines to insert after `line`
    group: str = ""  # orders line inserts after one line (by relationship kind)


@dataclass(frozen=True)
class Left:
    """A problem fix did not fix, and why."""

    problem: Problem
    reason: str


@dataclass(frozen=True)
class FileFix:
    """One file's text before and after its fixes."""

    file: Path
    display: str
    before: str
    after: str


@dataclass(frozen=True)
class FixReport:
    """What fix changed (or would change) and what it left for a person."""

    files: tuple[FileFix, ...]
    fixed: Mapping[str, int]  # by rule
    left: tuple[Left, ...]
    other: int  # problems of rules fix does not handle, in the selected files
    patterns: int

    def diff(self) -> str:
        """Return the changes as a unified diff (a/path, b/path)."""
        return "".join(_diff(f) for f in self.files)


@dataclass
class _Text:
    """A file's text as lines, each with its own line break, so edits keep them."""

    bom: str
    lines: list[str]
    breaks: list[str]

    @classmethod
    def read(cls, text: str) -> _Text:
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        parts = _LINE_BREAK.split(text.removeprefix("\ufeff"))
        return cls(bom, parts[0::2], [*parts[1::2], ""])

    def join(self) -> str:
        return self.bom + "".join(a + b for a, b in zip(self.lines, self.breaks, strict=True))

    def newline(self) -> str:
        """Return the file's usual line break (for inserted lines)."""
        seen = Counter(b for b in self.breaks if b)
        return seen.most_common(1)[0][0] if seen else "\n"


@dataclass
class _Plan:
    """The edits planned for one file, and the problems they fix."""

    file: Path
    display: str
    text: str
    edits: list[Edit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    _lines: list[str] | None = None

    def line(self, number: int) -> str:
        """Return a line of the original text (1-based), without its line break."""
        if self._lines is None:
            self._lines = _Text.read(self.text).lines
        return self._lines[number - 1] if 1 <= number <= len(self._lines) else ""


def fix_library(
    library: Path | Sequence[Path], paths: Iterable[Path] = (), *, jobs: int = 1
) -> FixReport:
    """Plan the certain fixes for the problems whose source is in `paths` (default: all).

    Nothing is written: see `write`. Every edited file is parsed again and checked; a file
    whose edits would leave it unreadable or with a new error keeps its text, and its problems
    are reported as left. The library is then checked again with the edits, and what is still
    reported is what is left.
    """
    folders = [library] if isinstance(library, Path) else list(library)
    checked = check_library(folders, jobs=jobs)
    files = {display_path(f): f for f in pattern_files(folders)}
    chosen = {display_path(f) for f in pattern_files(paths)} if paths else None

    def selected(problem: Problem) -> bool:
        return chosen is None or problem.path in chosen

    targeted = [p for p in checked.problems if p.rule in FIXABLE and selected(p)]
    other = sum(1 for p in checked.problems if p.rule not in FIXABLE and selected(p))
    fixer = _Fixer(checked.library, link(checked.library), files)
    reasons: dict[Problem, str] = {}
    for problem in targeted:
        try:
            fixer.plan(problem)
        except Unfixable as exc:
            reasons[problem] = str(exc)
    reasons.update(fixer.finish())
    done: list[FileFix] = []
    own = dict(checked.own)
    patterns = {p.path: p for p in checked.library.patterns}
    for plan in sorted(fixer.plans.values(), key=lambda p: p.display):
        if not plan.edits:
            continue
        try:
            after = apply_edits(plan.text, plan.edits)
            pattern, found = _check_text(after, plan, checked.own.get(plan.display, ()))
        except Unfixable as exc:
            for problem in plan.problems:
                reasons.setdefault(problem, str(exc))
            continue
        done.append(FileFix(plan.file, plan.display, plan.text, after))
        own[plan.display] = tuple(found)
        patterns[plan.display] = pattern.located_for_links()
    result = recheck(
        replace(checked.library, patterns=tuple(sorted(patterns.values(), key=lambda p: p.key))),
        own, duplicates=False,
    )
    still = Counter(_identity(p) for p in result.problems if p.rule in FIXABLE and selected(p))
    fixed: Counter[str] = Counter()
    left: list[Left] = []
    for problem in targeted:
        if still[_identity(problem)] > 0:
            still[_identity(problem)] -= 1
            reason = reasons.get(problem, "still reported after the fix (a bug: please report)")
            left.append(Left(problem, reason))
        else:
            fixed[problem.rule] += 1
    for problem in result.problems:  # e.g. a missing inverse whose edit was dropped
        if still[_identity(problem)] > 0:
            still[_identity(problem)] -= 1
            left.append(Left(problem, "appears once the other fixes are made"))
    return FixReport(tuple(done), dict(fixed), tuple(left), other, len(checked.library.patterns))


def write(report: FixReport) -> list[str]:
    """Write each fixed file atomically; return the files skipped because they changed since."""
    skipped = []
    for item in report.files:
        current = item.file.read_bytes().decode("utf-8")
        if current != item.before:
            skipped.append(item.display)
            continue
        write_atomic(item.file, item.after.encode("utf-8"),
                     mode=item.file.stat().st_mode & 0o7777)  # its mode kept
    return skipped


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply located edits to `text`; raise Unfixable if one is not where it says or overlaps."""
    doc = _Text.read(text)
    replaces = sorted((e for e in edits if not e.lines), key=lambda e: (e.line, e.col))
    inserts = [e for e in edits if e.lines]
    end: tuple[int, int] = (0, 0)
    for e in replaces:
        if (e.line, e.col) < end:
            raise Unfixable("two fixes overlap in this file")
        end = (e.line, e.col + len(e.old))
    for e in reversed(replaces):
        if not 1 <= e.line <= len(doc.lines):
            raise Unfixable(f"line {e.line} is not in the file")
        line = doc.lines[e.line - 1]
        at = e.col - 1
        if line[at : at + len(e.old)] != e.old:
            raise Unfixable(f"expected {e.old!r} at line {e.line}, column {e.col}")
        doc.lines[e.line - 1] = line[:at] + e.new + line[at + len(e.old) :]
    newline = doc.newline()
    # Bottom up, so earlier line numbers stay right; inserts after one line in group order.
    for e in sorted(inserts, key=lambda e: (e.line, e.group), reverse=True):
        at = e.line
        if doc.breaks[at - 1] == "":  # the last line had no line break: give it one
            doc.breaks[at - 1] = newline
            doc.breaks[at:at] = [newline] * (len(e.lines) - 1) + [""]
        else:
            doc.breaks[at:at] = [newline] * len(e.lines)
        doc.lines[at:at] = list(e.lines)
    return doc.join()


def _check_text(
    text: str, plan: _Plan, before: Iterable[Problem]
) -> tuple[Pattern, list[Problem]]:
    """Parse and check an edited file; raise Unfixable if it got worse than `before`."""
    pattern, found = parse_pattern(text, display=plan.display, key=plan.file.stem)
    if pattern is None:
        raise Unfixable("the edit would make the file unreadable; left as it was")
    found = found + check_pattern(pattern)
    was = Counter((p.rule, p.field) for p in before if p.severity == "error")
    now = Counter((p.rule, p.field) for p in found if p.severity == "error")
    new = now - was
    if new:
        rule, where = sorted(new)[0]
        raise Unfixable(f"the edit would add an error ({rule} at {where or 'the file'}); "
                        "left as it was")
    return pattern, found


def _identity(problem: Problem) -> tuple[str, str, str, str]:
    # Lines move when a fix inserts lines above a problem: compare what, not where.
    return problem.path, problem.rule, problem.field, problem.message


class _Fixer:
    """Plans edits for problems, reading each file it edits once."""

    def __init__(self, library: Library, graph: Graph, files: Mapping[str, Path]) -> None:
        self.library = library
        self.by_path = {p.path: p for p in library.patterns}
        self.files = files
        self.plans: dict[str, _Plan] = {}
        self._full: dict[str, Pattern] = {}
        self._nodes: dict[str, yaml.MappingNode | None] = {}
        self.missing: dict[tuple[str, str], Edge] = {}
        for edge in graph.missing_inverses:
            source = library.by_key[edge.source]
            self.missing[(source.path, format_field((edge.kind, edge.index)))] = edge
        self.dangling: dict[tuple[str, str], DanglingRef] = {
            (library.by_key[d.source].path, format_field((d.kind, d.index))): d
            for d in graph.dangling
        }
        # Appends to one list are gathered, so they become one edit: (path, kind) -> names.
        self.appends: dict[tuple[str, str], list[tuple[str, Problem]]] = {}
        self.slugs = sorted({p.slug for p in library.patterns})
        # Files that did not load, by name: a link to one is not a typo.
        self.unread = {f.stem: d for d, f in files.items() if d not in self.by_path}
        self.stated = {(e.source, e.kind, e.target) for e in graph.edges if e.stated}
        self.index = resolver(library)
        self.former: dict[str, set[str]] = defaultdict(set)
        for pattern in library.patterns:
            for slug in former_slugs(pattern):
                self.former[slug].add(pattern.key)

    # --- reading -------------------------------------------------------------------------

    def plan_for(self, display: str) -> _Plan:
        plan = self.plans.get(display)
        if plan is None:
            file = self.files.get(display)
            if file is None:
                raise Unfixable(f"{display} is not a file of the library")
            plan = _Plan(file, display, file.read_bytes().decode("utf-8"))
            self.plans[display] = plan
        return plan

    def full(self, display: str) -> Pattern:
        """Return the file's pattern with every position (the check keeps only some)."""
        if display not in self._full:
            plan = self.plan_for(display)
            pattern, _ = parse_pattern(plan.text, display=display, key=plan.file.stem)
            if pattern is None:
                raise Unfixable(f"{display} cannot be read; it is never edited")
            self._full[display] = pattern
        return self._full[display]

    def root_node(self, display: str) -> yaml.MappingNode:
        """Return the file's front matter as YAML nodes, with start and end marks."""
        if display not in self._nodes:
            pattern = self.full(display)
            lines = _Text.read(self.plan_for(display).text).lines
            source = "".join(line + "\n" for line in lines[1 : pattern.body_line - 2])
            loader = PatternLoader(source)
            try:
                node = loader.get_single_node()
            finally:
                loader.dispose()
            self._nodes[display] = node if isinstance(node, yaml.MappingNode) else None
        node = self._nodes[display]
        if node is None or node.flow_style:
            raise Unfixable(f"{display}: front matter is not a block mapping")
        return node

    # --- planning ------------------------------------------------------------------------

    def plan(self, problem: Problem) -> None:
        """Add the edit that fixes `problem` to its file's plan, or raise Unfixable."""
        handler = getattr(self, "_" + problem.rule.replace("-", "_"))
        edit, target = handler(problem)
        plan = self.plan_for(target)
        if edit is not None:  # None: gathered, made into an edit by `finish`
            plan.edits.append(edit)
        plan.problems.append(problem)

    def _yaml_boolean(self, problem: Problem) -> tuple[Edit, str]:
        line = self.plan_for(problem.path).line(problem.line)
        word = re.match(r"[A-Za-z]+", line[problem.col - 1 :])
        if word is None or word.group() not in YAML11_BOOLEANS:
            raise Unfixable("the word is not where validate located it")
        return Edit(problem.line, problem.col, word.group(), f'"{word.group()}"'), problem.path

    def _alignment_mismatch(self, problem: Problem) -> tuple[Edit, str]:
        pattern = self.full(problem.path)
        assessment, _ = assess(pattern)
        pos = pattern.positions.get(("classification", "commons_alignment"))
        if assessment is None or pos is None or not pos.text:
            raise Unfixable("no computed alignment to write")
        return Edit(pos.line, pos.col, pos.text, str(assessment.alignment)), problem.path

    def _overall_mismatch(self, problem: Problem) -> tuple[Edit, str]:
        pattern = self.full(problem.path)
        assessment, _ = assess(pattern)
        if assessment is None:
            raise Unfixable("no computed Overall to write")
        line = self.plan_for(problem.path).line(problem.line)
        cell = re.match(r"(?:[^|\\]|\\.)*", line[problem.col - 1 :])
        stated = _MARKUP.fullmatch(cell.group().strip()) if cell else None
        if stated is None or not _NUMBER.fullmatch(stated.group(1)):
            raise Unfixable("the stated Overall is not a plain number: write the mean by hand")
        col = problem.col + stated.start(1)
        return Edit(problem.line, col, stated.group(1), f"{assessment.overall:.1f}"), problem.path

    def _dangling_link(self, problem: Problem) -> tuple[Edit, str]:
        ref = self.dangling.get((problem.path, problem.field))
        if ref is None:
            raise Unfixable("not found in the link graph")
        target = self._intended(ref.target)
        if target is None or target.path == problem.path:
            unread = self.unread.get(ref.target)
            if unread is not None:
                raise Unfixable(f"{unread} cannot be read: fix it, and this link resolves")
            hint = did_you_mean(ref.target, self.slugs)
            raise Unfixable(f"no pattern is named '{ref.target}'{hint}: choose the target")
        pattern = self.full(problem.path)
        pos = pattern.positions.get((ref.kind, ref.index))
        if pos is None or pos.text is None:
            raise Unfixable("the target is not a plain value")
        name = self._name_for(target, pattern, ref.kind, ref.target)
        inverse = INVERSE[ref.kind]
        source = self.library.by_key[ref.source]
        if (target.key, inverse, source.key) not in self.stated:
            # The link now resolves: state it from the other side too, or the next run would.
            self._gather(target, inverse, source, problem, ref.target)
        line = self.plan_for(problem.path).line(pos.line)
        quote = line[pos.col - 1 : pos.col]
        old = f"{quote}{pos.text}{quote}" if quote in ("'", '"') else pos.text
        return Edit(pos.line, pos.col, old, _scalar(name)), problem.path

    def _intended(self, written: str) -> Pattern | None:
        """Return the one pattern a dangling target certainly means, if any."""
        found = self.former.get(written, set())
        if not found:
            name = written.strip().lower().removesuffix(".md").rsplit("/", 1)[-1]
            key = self.index.get(name)
            if key is not None and name != written:
                found = {key}
        return self.library.by_key[next(iter(found))] if len(found) == 1 else None

    def _missing_inverse(self, problem: Problem) -> tuple[Edit | None, str]:
        edge = self.missing.get((problem.path, problem.field))
        if edge is None:
            raise Unfixable("not found in the link graph")
        if edge.source == edge.target:
            raise Unfixable("a self-link: remove it instead")
        source = self.library.by_key[edge.source]
        target = self.library.by_key[edge.target]
        self._gather(target, INVERSE[edge.kind], source, problem,
                     source.meta[edge.kind][edge.index])
        return None, target.path

    def _gather(self, holder: Pattern, kind: str, pattern: Pattern, problem: Problem,
                written: str) -> None:
        """Plan to append `pattern` to `holder`'s `kind` list (made into one edit by finish)."""
        full = self.full(holder.path)
        name = self._name_for(pattern, full, kind, written)
        gathered = self.appends.setdefault((holder.path, kind), [])
        if name not in (n for n, _ in gathered):
            gathered.append((name, problem))

    def finish(self) -> dict[Problem, str]:
        """Turn the gathered appends into one edit per list; return the problems left, why."""
        reasons: dict[Problem, str] = {}
        for (path, kind), gathered in self.appends.items():
            try:
                edit = self._append(self.full(path), kind, [name for name, _ in gathered])
            except Unfixable as exc:
                reasons.update((problem, str(exc)) for _, problem in gathered)
                continue
            self.plan_for(path).edits.append(replace(edit, group=f"{RELATIONSHIPS.index(kind)}"))
        return reasons

    def _name_for(self, pattern: Pattern, holder: Pattern, kind: str, written: str) -> str:
        """Name `pattern` as `holder` names its targets: by id when it does, else by slug."""
        used = [t for t in _targets(holder, kind)] or [
            t for k in RELATIONSHIPS for t in _targets(holder, k)
        ]
        ids = sum(1 for t in used if t.startswith("pat_"))
        by_id = ids * 2 > len(used) if used else written.startswith("pat_")
        return pattern.id if by_id and pattern.id else pattern.slug

    def _append(self, pattern: Pattern, kind: str, names: list[str]) -> Edit:
        """Return the edit that appends `names` to the pattern's `kind` list (or adds it)."""
        root = self.root_node(pattern.path)
        entries = {k.value: (k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)}
        if "relationships" in entries:
            raise Unfixable(f"{pattern.path} has a nested `relationships:` block, which "
                            "validate does not read: run `patternlib import` on it first")
        items = [_scalar(n) for n in names]
        if kind in entries:
            _, value = entries[kind]
            if not isinstance(value, yaml.SequenceNode):
                raise Unfixable(f"{pattern.path}: `{kind}` is not a list")
            if value.flow_style:
                if value.value:
                    end = value.value[-1].end_mark
                    return Edit(end.line + FM_START_LINE, end.column + 1, "",
                                "".join(f", {i}" for i in items))
                close = value.end_mark  # just after the `]`
                return Edit(close.line + FM_START_LINE, close.column, "", ", ".join(items))
            last = value.value[-1]
            if not isinstance(last, yaml.ScalarNode):
                raise Unfixable(f"{pattern.path}: `{kind}` holds more than names")
            prefix = self._line(pattern, last.start_mark.line)[: last.start_mark.column]
            if not re.fullmatch(r"[ \t]*-[ \t]+", prefix):
                raise Unfixable(f"{pattern.path}: `{kind}` is a list of an unusual shape")
            return Edit(_last_line(last), lines=tuple(prefix + i for i in items))
        # No such key: add it beside its siblings, in their style.
        indent = " " * root.value[0][0].start_mark.column
        present = [k for k in RELATIONSHIPS if k in entries]
        block = next((entries[k][1] for k in present if isinstance(entries[k][1], yaml.SequenceNode)
                      and not entries[k][1].flow_style and entries[k][1].value), None)
        if block is not None:
            first = block.value[0]
            dash = self._line(pattern, first.start_mark.line)[: first.start_mark.column]
            if not re.fullmatch(r"[ \t]*-[ \t]+", dash):
                raise Unfixable(f"{pattern.path}: its lists are of an unusual shape")
            lines = (f"{indent}{kind}:", *(dash + i for i in items))
        else:
            lines = (f"{indent}{kind}: [{', '.join(items)}]",)
        order = RELATIONSHIPS.index(kind)
        before = [k for k in present if RELATIONSHIPS.index(k) < order]
        after = [k for k in present if RELATIONSHIPS.index(k) > order]
        if before:
            return Edit(_last_line(entries[before[-1]][1]), lines=lines)
        if after:
            return Edit(entries[after[0]][0].start_mark.line + FM_START_LINE - 1, lines=lines)
        return Edit(pattern.body_line - 2, lines=lines)  # the front matter's last line

    def _line(self, pattern: Pattern, mark_line: int) -> str:
        return self.plan_for(pattern.path).line(mark_line + FM_START_LINE)


def _targets(pattern: Pattern, kind: str) -> list[str]:
    value = pattern.meta.get(kind)
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def _last_line(node: Any) -> int:
    """Return the file line a node's text ends on (block collections: their last entry's)."""
    if isinstance(node, yaml.SequenceNode | yaml.MappingNode) and not node.flow_style \
            and node.value:
        last = node.value[-1]
        return _last_line(last[1] if isinstance(last, tuple) else last)
    end = node.end_mark
    # A block scalar ends at the start of the next line.
    line: int = end.line if end.column > 0 else end.line - 1
    return line + FM_START_LINE


def _scalar(name: str) -> str:
    """Return a slug or id as YAML text that every reader takes for that text."""
    if _PLAIN_NAME.fullmatch(name) and name not in _NOT_TEXT:
        return name
    return "'" + name.replace("'", "''") + "'"


def _diff(item: FileFix) -> str:
    before = _keep_ends(item.before)
    after = _keep_ends(item.after)
    out = []
    for line in difflib.unified_diff(before, after, f"a/{item.display}", f"b/{item.display}"):
        ends = line.endswith(("\n", "\r"))
        out.append(line if ends else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _keep_ends(text: str) -> list[str]:
    doc = _Text.read(text)
    lines = [a + b for a, b in zip(doc.lines, doc.breaks, strict=True)]
    if lines and lines[-1] == "":
        lines.pop()
    if lines:
        lines[0] = doc.bom + lines[0]
    return lines


def summary(report: FixReport, *, written: bool) -> str:
    """Return the report for people: per rule fixed and left, then each problem left."""
    rules = sorted(set(report.fixed) | {x.problem.rule for x in report.left})
    left = Counter(x.problem.rule for x in report.left)
    verb = "fixed" if written else "fixable"
    out = [f"{rule}: {verb} {report.fixed.get(rule, 0)}, left {left[rule]}" for rule in rules]
    by_rule: dict[str, list[Left]] = defaultdict(list)
    for item in report.left:
        by_rule[item.problem.rule].append(item)
    for rule in rules:
        for item in by_rule[rule]:
            p = item.problem
            out.append(f"{p.path}:{p.line}:{p.col}: {p.rule} {p.field}: {item.reason}")
    changed = len(report.files)
    files = f"{changed} file{'' if changed == 1 else 's'}"
    if written:
        out.append(f"{files} changed")
    elif changed:
        out.append(f"{files} would be changed: run with --write to apply")
    else:
        out.append("nothing to change")
    if report.other:
        out.append(f"{report.other} other problems are not for fix: see `patternlib validate`")
    return "\n".join(out)

