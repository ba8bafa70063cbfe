"""Preview server: serve site/ and bring it up to date when the library's sources change.

Saving a pattern updates its page, and the pages linked to it, in a second or two (see
generator/site/live.py); the data files and search index follow in the background. Any other
change (a pattern added or removed, mkdocs.yml, the schema, templates) rebuilds the site.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import signal
import threading
import time
import traceback
from http import HTTPStatus
from pathlib import Path

import click

from generator.library.report import render as report
from generator.site import searchindex
from generator.site.build import BuildError
from generator.site.live import LiveSite, Update

WATCHED = (
    "patterns",
    "schema",
    "generator/site/templates",
    "generator/site/theme",
    "generator/site/assets",
)


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Modification time and size of every watched file (polled several times a second)."""
    out: dict[str, tuple[int, int]] = {}
    with contextlib.suppress(OSError):
        stat = (root / "mkdocs.yml").stat()
        out[str(root / "mkdocs.yml")] = (stat.st_mtime_ns, stat.st_size)
    todo = [str(root / name) for name in WATCHED]
    while todo:
        folder = todo.pop()
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    if entry.is_dir(follow_symlinks=False):
                        todo.append(entry.path)
                    elif entry.is_file():
                        stat = entry.stat()
                        out[entry.path] = (stat.st_mtime_ns, stat.st_size)
    return out


def serve(
    root: Path,
    *,
    host: str,
    port: int,
    interval: float = 0.2,
    jobs: int = 1,
    keep_going: bool = False,
) -> None:
    """Build, then serve `root/site` on host:port, updating it on every change."""
    root = root.resolve()
    # Bound before building, so the site is built for the address it is served at: the 404
    # page's links start from site_url's path, which mkdocs.yml may set for publishing.
    handler = functools.partial(SiteHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    bound = server.server_address[1]  # port 0 picks a free one
    live = LiveSite(root, jobs=jobs, keep_going=keep_going, site_url=f"http://{host}:{bound}/")
    search = _SearchRefresher(live)
    seen = _snapshot(root)  # before building: a file saved during the build is seen after it
    try:
        _full_build(live)
    except BuildError as exc:
        click.echo(exc.format_message(), err=True)
        if not live.site.is_dir():
            live.close()
            server.server_close()
            raise
    threading.Thread(target=server.serve_forever, daemon=True).start()
    search.start()
    click.echo(f"serving {live.site} at http://{host}:{bound}/ (Ctrl+C to stop)")
    # A SIGTERM (a service manager, a test) stops the loop as Ctrl+C does, cleanup included.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        while True:
            time.sleep(interval)
            now = _snapshot(root)
            if now == seen:
                continue
            changed = {Path(p) for p in now.keys() | seen.keys() if now.get(p) != seen.get(p)}
            seen = now
            try:
                _apply(live, root, changed, search)
            except BuildError as exc:
                click.echo(exc.format_message(), err=True)
            except Exception:  # keep serving the last good site whatever went wrong
                click.echo(traceback.format_exc(), err=True)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        searchindex.stop_all()  # a refresh's Pagefind would outlive us, indexing a site gone
        search.stop()
        live.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _full_build(live: LiveSite) -> None:
    start = time.perf_counter()
    result = live.build()
    if result.problems:
        click.echo(report(result.problems, result.patterns, "text"), err=True)
    click.echo(f"built {result.patterns} patterns in {time.perf_counter() - start:.1f} s")


def _apply(live: LiveSite, root: Path, changed: set[Path], search: _SearchRefresher) -> None:
    """Update the site for `changed` files: in place when only patterns changed, else whole."""
    patterns = root / "patterns"
    update = None
    if all(p.parent == patterns and p.suffix == ".md" for p in changed):
        try:
            update = live.update(changed)
        except Exception:  # a half-made update: the full build puts everything right
            click.echo(traceback.format_exc(), err=True)
            click.echo("the update failed; rebuilding the whole site", err=True)
    if update is None:
        with search.paused():
            _full_build(live)
        return
    _say(update, {str(p.relative_to(root)) for p in changed})
    if update.applied:
        search.request()


def _say(update: Update, paths: set[str]) -> None:
    """Print the edited files' problems (all of them would drown a large library's log)."""
    mine = tuple(p for p in update.problems if p.path in paths)
    if mine:
        click.echo(report(mine, len(paths), "text"), err=True)
    others = len(update.problems) - len(mine)
    rest = f"; {others} problems elsewhere in the library" if others else ""
    if not update.applied:
        click.echo(f"not updated: the edit leaves errors; the last good site is served{rest}")
        return
    click.echo(f"updated {len(update.pages)} pages in {update.seconds:.2f} s{rest}")


class _SearchRefresher:
    """Refresh data and search in the background after updates; one run at a time."""

    def __init__(self, live: LiveSite) -> None:
        self._live = live
        self._wanted = threading.Event()
        self._lock = threading.Lock()  # held while indexing; full builds wait for it
        self._stopping = False
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping = True
        self._wanted.set()

    def request(self) -> None:
        self._wanted.set()

    def paused(self) -> threading.Lock:
        """Hold this while the site is rebuilt whole: no indexing meanwhile."""
        return self._lock

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            if self._stopping:
                return
            self._wanted.clear()
            with self._lock:
                try:
                    seconds = self._live.refresh()
                    if seconds is not None:
                        click.echo(f"data files and search index updated in {seconds:.1f} s")
                except Exception as exc:  # the pages are served; say why search lags
                    click.echo(f"search index not updated: {exc}", err=True)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serve a site's files quietly, a missing one with its 404 page; the site folder is
    swapped by rebuilds, so resolve it per request."""

    def log_message(self, format: str, *args: object) -> None:
        """Keep the terminal for build messages."""

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """Answer a missing file with the site's 404 page, as GitHub Pages does."""
        body = b""
        if code == HTTPStatus.NOT_FOUND:
            with contextlib.suppress(OSError):  # no 404 page, or a rebuild swapping the site
                body = (Path(self.directory) / "404.html").read_bytes()
        if not body:
            super().send_error(code, message, explain)
            return
        self.send_response(code, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
