"""The `patternlib` command line."""

from __future__ import annotations

import atexit
import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click

from generator import __version__
from generator.library.new import CATEGORIES, new_pattern
from generator.library.parallel import default_jobs
from generator.library.report import FORMATS, render

F = TypeVar("F", bound=Callable[..., Any])

root_option = click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="The library: a folder with patterns/ and mkdocs.yml.",
)


SITE_MODULES = ("mkdocs", "material", "pagefind", "jinja2", "cbor2")


def _require_site(command: str) -> None:
    """Stop with how to install the site's dependencies when they are missing.

    `pip install patternlib` is the light checker (validate, new, fix, import); building and
    serving need the `site` extra.
    """
    import importlib.util

    def absent(name: str) -> bool:
        try:
            return importlib.util.find_spec(name) is None
        except ImportError:
            return True

    missing = [
        name for name in SITE_MODULES
        if absent(name) and not (name == "mkdocs" and not absent("properdocs"))
    ]
    if missing:
        raise click.ClickException(
            f"`patternlib {command}` needs the site's dependencies ({', '.join(missing)} "
            "missing): pip install 'patternlib[site]'  (in this repository: make site)"
        )


def _site_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Refuse a --site-url that is no http(s) URL (MkDocs would blame mkdocs.yml for it)."""
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"{value!r}: give the full address, e.g. "
                                 "https://example.org/library/")
    return value


def jobs_option(help_text: str) -> Callable[[F], F]:
    """Return the --jobs option, described for its command."""
    return click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help=help_text)


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
    "--changed-only",
    is_flag=True,
    help="Check only PATHS (changed files; others are ignored), their links and duplicates "
    "resolved against the whole library.",
)
@click.option(
    "--library",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The library PATHS belong to, for --changed-only [patterns/]; implies --changed-only.",
)
@click.option(
    "--since",
    metavar="REF",
    help="Also check the library's files changed since git REF (from its merge base with "
    "HEAD, uncommitted and new files included); implies --changed-only.",
)
@jobs_option("Processes to check files with (0: one per core).")
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
    paths: tuple[Path, ...],
    strict: bool,
    changed_only: bool,
    library: Path | None,
    since: str | None,
    jobs: int,
    no_cache: bool,
    fmt: str,
) -> None:
    """Check pattern files and report every problem with PATH:LINE:COL.

    PATHS are pattern files or folders of them (default: patterns/). With --changed-only
    (or --library, or --since) only PATHS are checked, and only their problems reported, but
    links, ids, slugs and near-duplicates are checked against the whole library: a pull
    request's patterns are checked in well under a second. Exits 0 when there is no error,
    1 when there is one (or a warning, with --strict), 2 on a usage error.

    Example: patternlib validate --changed-only patterns/new-pattern.md --format github
    """
    # Its files are all closed when it ends: the collector's last walk for cycles at exit (a
    # tenth of a second after a large library) finds nothing to finish, and is left out.
    atexit.register(gc.freeze)
    # Imported here, each for its own mode: a pre-commit hook's --changed-only run should not
    # wait for what a full run needs (and the other commands for neither).
    from generator.library.cache import default_folder

    default = Path("patterns")
    cache_dir = None if no_cache else default_folder()
    if changed_only or library is not None or since is not None:
        from generator.library.changed import validate_changed

        if library is None and not default.is_dir():
            raise click.UsageError("no --library given and there is no patterns/ folder here")
        count, problems = validate_changed(
            [library or default], paths, since=since, cache_dir=cache_dir
        )
    else:
        from generator.library.validate import validate_files

        if not paths and not default.is_dir():
            raise click.UsageError("no PATHS given and there is no patterns/ folder here")
        count, problems = validate_files(
            paths or (default,), jobs=jobs or default_jobs(), cache_dir=cache_dir
        )
    click.echo(render(problems, count, fmt))
    failing = {"error", "warning"} if strict else {"error"}
    if any(p.severity in failing for p in problems):
        raise SystemExit(1)



@main.command()
@click.argument("title")
@click.option(
    "--library",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("patterns"),
    show_default=True,
    help="The folder of patterns to add it to.",
)
@click.option("--domain", help="classification.domain, in kebab-case [general].")
@click.option(
    "--category",
    "categories",
    multiple=True,
    type=click.Choice(CATEGORIES),
    help="classification.category (repeat for several) [pattern].",
)
@click.option("--slug", help="The file and URL name [from the title].")
@click.option("--author", help="The contributor named in the file [git's user.name].")
def new(
    title: str,
    library: Path,
    domain: str | None,
    categories: tuple[str, ...],
    slug: str | None,
    author: str | None,
) -> None:
    """Create patterns/<slug>.md for a new pattern, ready to fill in.

    The file has a fresh id, today's dates, every required field, the recommended sections
    and an empty 7 Pillars table; it is validated against the library at once, so what is
    left to do shows as warnings. An existing file is never overwritten, and a slug or id
    another pattern uses is refused.

    Example: patternlib new "Community Supported Agriculture" --domain food --category practice
    """
    path, problems = new_pattern(
        title, folder=library, domain=domain, categories=categories, slug=slug, author=author
    )
    click.echo(f"created {path}")
    if "$schema=" not in path.read_text(encoding="utf-8").split("\n", 2)[1]:
        click.echo(
            "no `# yaml-language-server: $schema=` line: this library has no "
            "schema/pattern.schema.json beside patterns/ and mkdocs.yml sets no site_url. For "
            "editors that read it, run `patternlib schema > schema/pattern.schema.json` "
            "(or set site_url). `patternlib validate` checks the file either way."
        )
    click.echo(render(problems, 1, "text"))
    click.echo(f"next: fill it in, then run: patternlib validate --changed-only {path}")
    if any(p.severity == "error" for p in problems):
        raise SystemExit(1)

@main.command()
@root_option
@click.option("--site-dir", type=click.Path(path_type=Path), help="Output folder [ROOT/site].")
@click.option(
    "--keep-going",
    is_flag=True,
    help="Build despite errors: problems are reported, broken links are shown unlinked.",
)
@jobs_option("Processes to check and render with (0: one per core).")
@click.option(
    "--site-url",
    metavar="URL",
    envvar="PATTERNLIB_SITE_URL",
    show_envvar=True,
    callback=_site_url,
    help="Where the site will be published (https://example.org/library/), instead of "
    "mkdocs.yml's site_url: canonical links, the sitemap and the 404 page need it.",
)
@click.option(
    "--compare-with",
    metavar="URL_OR_PATH",
    help="A previous build: its site folder, its api/patterns.json, or the URL where it is "
    "published. Adds a page, /changes/, of the patterns added, changed, renamed and removed "
    "since.",
)
def build(
    root: Path, site_dir: Path | None, keep_going: bool, jobs: int, site_url: str | None,
    compare_with: str | None,
) -> None:
    """Check the library and build its static site into site/.

    The build is atomic: it writes to a temporary folder and replaces site/ only when every
    step succeeded, so a failed build leaves the previous site as it was.

    The build fetches nothing unless --compare-with names a URL; when the previous build's
    data cannot be read there, it stops before writing anything.

    Example: patternlib build --root . --site-url https://example.org/library/
    """
    _require_site("build")
    from generator.site.build import build as run_build  # MkDocs is slow to import: only here

    start = time.perf_counter()
    result = run_build(
        root, site_dir=site_dir, keep_going=keep_going, jobs=jobs or default_jobs(),
        site_url=site_url, compare_with=compare_with,
    )
    if result.problems:
        click.echo(render(result.problems, result.patterns, "text"), err=True)
    phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.timings.items())
    click.echo(
        f"built {result.patterns} patterns into {result.site} "
        f"({result.files} files) in {time.perf_counter() - start:.1f} s ({phases})"
    )


@main.command()
@root_option
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--keep-going",
    is_flag=True,
    help="Serve despite errors, as `build --keep-going` builds.",
)
@jobs_option("Processes to check and render with (0: one per core).")
def serve(root: Path, port: int, host: str, keep_going: bool, jobs: int) -> None:
    """Build the site, serve it, and update it when a pattern, the schema or a template changes.

    Saving a pattern updates its page and the pages linked to it within seconds, even in a
    large library; the search index follows in the background. Other changes rebuild the
    whole site. An edit that leaves errors prints them and keeps serving the last good site.

    Example: patternlib serve --port 8000
    """
    _require_site("serve")
    from generator.site.serve import serve as run_serve

    run_serve(root, host=host, port=port, keep_going=keep_going, jobs=jobs or default_jobs())


@main.command("schema")
def schema_command() -> None:
    """Print the pattern schema (JSON Schema 2020-12) that validate checks front matter with.

    Example: patternlib schema > schema/pattern.schema.json
    """
    from generator.library.validate import SCHEMA_FILE

    click.echo(SCHEMA_FILE.read_text(encoding="utf-8"), nl=False)


@main.command("import")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--into",
    metavar="DIR",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the converted patterns to (created if missing).",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist in DIR.")
@click.option(
    "--site-name",
    metavar="NAME",
    help="The site's name, for the mkdocs.yml written beside DIR when there is none "
    "(default: the source's own, from its mkdocs.yml, _config.yml or README.md).",
)
@jobs_option("Processes to convert files with (0: one per core).")
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the report, every mapped and kept field included, as JSON to this file.",
)
def import_command(
    src: Path, into: Path, force: bool, site_name: str | None, jobs: int,
    report_file: Path | None,
) -> None:
    """Convert a folder of Commons OS pattern files into this library's format.

    SRC is a folder of pattern files in either Commons OS layout (v1 or nested), or a
    repository with them in _patterns/. Fields with no place in this format are kept under
    x_import. The report gives a line per file, then every problem with PATH:LINE:COL. Files
    already in DIR are never overwritten without --force. When DIR is a library's patterns/
    folder and the library has no mkdocs.yml, one is written naming the site (an existing one
    is never changed). Exits 1 when a file could not be read (it is not written); run
    `patternlib validate DIR` next.

    Example: patternlib import ../patterns/_patterns --into patterns/
    """
    from generator.library.importer import import_library, name_site, render_report, report_json

    report = import_library(src, into, force=force, jobs=jobs or default_jobs())
    click.echo(render_report(report))
    named = name_site(src, into, site_name)
    if named:
        click.echo(named)
    if report_file is not None:
        report_file.write_text(report_json(report), encoding="utf-8")
    if report.unreadable:
        raise SystemExit(1)


@main.command("fix")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--library",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("patterns"),
    show_default=True,
    help="The library to check and fix.",
)
@click.option("--write", is_flag=True, help="Write the fixes (default: show them as a diff).")
@jobs_option("Processes to check files with (0: one per core).")
def fix_command(paths: tuple[Path, ...], library: Path, write: bool, jobs: int) -> None:
    """Apply the fixes that are certain, as small edits that keep the rest of each file.

    Fixed: missing-inverse (the inverse link is added to the other pattern, in the form its
    file uses), overall-mismatch and alignment-mismatch (the computed value is written),
    yaml-boolean (the word is quoted), and a dangling-link whose target is one pattern's
    former slug, or its slug or id but for case or `.md`. Comments, key order, quoting, line
    endings and the body stay as written; a file whose YAML cannot be read is never written.

    PATHS choose the problems to fix by the file they are reported in (default: the whole
    library); a missing inverse reported in A is fixed by editing B. Without --write the
    changes are printed as a unified diff and nothing is written. The summary (on stderr)
    gives per rule what was fixed and what is left for a person, with the reason (dangling
    links with did-you-mean). Exits 0 when nothing is left to fix or change, 1 when problems
    are left or (without --write) there are changes to write, 2 on a usage error.

    Example: patternlib fix --write patterns/land-and-expand.md
    """
    from generator.library.fix import fix_library, summary
    from generator.library.fix import write as write_fixes

    report = fix_library(library, paths, jobs=jobs or default_jobs())
    if write:
        skipped = write_fixes(report)
        for display in skipped:
            click.echo(f"{display}: changed while fix ran; not written", err=True)
    else:
        click.echo(report.diff(), nl=False)
    click.echo(summary(report, written=write), err=True)
    if report.left or (report.files and not write) or (write and skipped):
        raise SystemExit(1)
