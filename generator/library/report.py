"""Problem reporting: for people, for GitHub annotations, and for tools."""

from __future__ import annotations

import json
from collections.abc import Sequence

from generator.library.model import Problem

FORMATS = ("text", "github", "json")


def as_text(problem: Problem) -> str:
    """Render `PATH:LINE:COL: error[RULE] field: message`, clickable in editors."""
    field = f"{problem.field}: " if problem.field else ""
    return _printable(
        f"{problem.path}:{problem.line}:{problem.col}: "
        f"{problem.severity}[{problem.rule}] {field}{problem.message}"
    )


def _printable(text: str) -> str:
    # File names, keys and values come from untrusted files: a line break in one would split
    # a problem over two lines (or forge one), a control character would reach the terminal.
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(problem: Problem) -> str:
    """Render a GitHub Actions workflow command that annotates the line in the diff."""
    field = f"{problem.field}: " if problem.field else ""
    props = ",".join(
        f"{name}={_escape_property(value)}"
        for name, value in (
            ("file", problem.path),
            ("line", str(problem.line)),
            ("col", str(problem.col)),
            ("title", f"{problem.rule}"),
        )
    )
    return f"::{problem.severity} {props}::{_escape_data(field + problem.message)}"


def as_json(problems: Sequence[Problem]) -> str:
    """Render the problems as a JSON array of objects."""
    return json.dumps(
        [
            {
                "path": p.path,
                "line": p.line,
                "col": p.col,
                "severity": p.severity,
                "rule": p.rule,
                "field": p.field,
                "message": p.message,
            }
            for p in problems
        ],
        indent=2,
        ensure_ascii=False,
    )


def summary(patterns: int, problems: Sequence[Problem]) -> str:
    """Return the closing line: `N patterns, E errors, W warnings`."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors

    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{count(patterns, 'pattern')}, {count(errors, 'error')}, {count(warnings, 'warning')}"


def render(problems: Sequence[Problem], patterns: int, fmt: str) -> str:
    """Render a whole report in one of FORMATS."""
    if fmt == "json":
        return as_json(problems)
    line = as_github if fmt == "github" else as_text
    return "\n".join([*(line(p) for p in problems), summary(patterns, problems)])
