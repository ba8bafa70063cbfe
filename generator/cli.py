"""The `patternlib` command line."""

from __future__ import annotations

from pathlib import Path

import click

from generator import __version__
from generator.parallel import default_jobs
from generator.report import FORMATS, render
from generator.validate import validate_files


@click.group()
@click.version_option(__version__, prog_name="patternlib")
def main() -> None:
    """Validate, score, cross-link and publish a library of patterns."""


@main.command()
@click.argument(
    "paths",
    nargs=-1,
    type=click.Path(exists=True, path_type=Path),
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    help="Processes to check files with (0: one per core).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, github for CI annotations, json for tools.",
)
def validate(paths: tuple[Path, ...], strict: bool, jobs: int, fmt: str) -> None:
    """Check pattern files and report every problem with PATH:LINE:COL.

    PATHS are pattern files or folders of them (default: patterns/). Exits 0 when there is
    no error, 1 when there is one (or a warning, with --strict), 2 on a usage error.

    Example: patternlib validate patterns/ --format github
    """
    if not paths:
        default = Path("patterns")
        if not default.is_dir():
            raise click.UsageError("no PATHS given and there is no patterns/ folder here")
        paths = (default,)
    count, problems = validate_files(paths, jobs=jobs or default_jobs())
    click.echo(render(problems, count, fmt))
    failing = {"error", "warning"} if strict else {"error"}
    if any(p.severity in failing for p in problems):
        raise SystemExit(1)
