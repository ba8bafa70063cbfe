"""`--format github` through the command line: what GitHub would misread is escaped."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import Edit

Cli = Callable[..., Result]


def _annotations(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith("::")]


def test_file_name_with_percent_colon_and_comma(library: Path, cli: Cli) -> None:
    (library / "50%,a:b.md").write_text("no front matter\n", encoding="utf-8")
    result = cli("validate", "--format", "github", cwd=library.parent)
    (line,) = [a for a in _annotations(result) if "50%25" in a]
    # In properties `:` and `,` would end the value; in the message only `%` needs escaping.
    assert line.startswith("::error file=patterns/50%25%2Ca%3Ab.md,line=1,col=1,title=")
    assert "'50%25,a:b.md'" in line.split("::", 2)[2]


def test_title_with_newline_percent_colon_comma(library: Path, edit: Edit, cli: Cli) -> None:
    title = '"Grow 50%, fast:\\nthen slow"'
    edit("beta.md", "generalizes_from: [pat_aaaaaaaaaaaaaaaaaaaaaaaa]", "generalizes_from: []")
    edit("alpha.md", "specializes_to: [beta]", "specializes_to: []")
    edit("alpha.md", "title: Alpha", f"title: {title}")
    edit("beta.md", "title: Beta", f"title: {title}")
    result = cli("validate", "--changed-only", "patterns/beta.md", "--format", "github",
                 cwd=library.parent)
    (line,) = _annotations(result)
    assert line.startswith(
        "::warning file=patterns/beta.md,line=3,col=8,title=near-duplicate::title: "
        "'Grow 50%25, fast:%0Athen slow' is 100%25 similar to the title "
        "'Grow 50%25, fast:%0Athen slow' of patterns/alpha.md"
    )
    assert "\n" not in line
    assert result.output.splitlines()[-1] == "1 pattern, 0 errors, 1 warning"


def test_changed_only_annotations_name_only_changed_files(library: Path, edit: Edit,
                                                          cli: Cli) -> None:
    edit("alpha.md", "related: [gamma]", "related: [gamma, gama]")
    edit("gamma.md", "status: draft", "status: drafty")
    result = cli("validate", "--changed-only", "patterns/alpha.md", "--format", "github",
                 cwd=library.parent)
    assert _annotations(result) == [
        "::error file=patterns/alpha.md,line=24,col=18,title=dangling-link::related[1]: 'gama' "
        "is not a pattern in this library (did you mean 'gamma'?)"
    ]
