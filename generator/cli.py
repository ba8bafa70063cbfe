"""The `patternlib` command line."""

from __future__ import annotations

import time
from pathlib import Path

import click

from generator import __version__
from generator.cache import default_folder
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
    "--no-cache",
    is_flag=True,
    help="Check every file again, ignoring results kept from the last run.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, github for CI annotations, json for tools.",
)
def validate(
    paths: tuple[Path, ...], strict: bool, jobs: int, no_cache: bool, fmt: str
) -> None:
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
    count, problems = validate_files(
        paths, jobs=jobs or default_jobs(), cache_dir=None if no_cache else default_folder()
    )
    click.echo(render(problems, count, fmt))
    failing = {"error", "warning"} if strict else {"error"}
    if any(p.severity in failing for p in problems):
        raise SystemExit(1)


@main.command()
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="The library: a folder with patterns/ and mkdocs.yml.",
)
@click.option("--site-dir", type=click.Path(path_type=Path), help="Output folder [ROOT/site].")
@click.option(
    "--keep-going",
    is_flag=True,
    help="Build despite errors: problems are reported, broken links are shown unlinked.",
)
def build(root: Path, site_dir: Path | None, keep_going: bool) -> None:
    """Check the library and build its static site into site/.

    The build is atomic: it writes to a temporary folder and replaces site/ only when every
    step succeeded, so a failed build leaves the previous site as it was.

    Example: patternlib build --root .
    """
    from generator.build import build as run_build  # MkDocs is slow to import: only here

    start = time.perf_counter()
    result = run_build(root, site_dir=site_dir, keep_going=keep_going)
    if result.problems:
        click.echo(render(result.problems, result.patterns, "text"), err=True)
    click.echo(
        f"built {result.patterns} patterns into {result.site} "
        f"({result.files} files) in {time.perf_counter() - start:.1f} s"
    )


@main.command()
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="The library: a folder with patterns/ and mkdocs.yml.",
)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(root: Path, port: int, host: str) -> None:
    """Build the site, serve it, and rebuild when a pattern, the schema or a template changes.

    A rebuild that fails prints its problems and keeps serving the last good site.

    Example: patternlib serve --port 8000
    """
    from generator.serve import serve as run_serve

    run_serve(root, host=host, port=port)
