"""Preview server: serve site/ and rebuild it when the library's sources change."""

from __future__ import annotations

import functools
import http.server
import threading
import time
import traceback
from pathlib import Path

import click

from generator.build import BuildError, build

WATCHED = ("patterns", "schema", "generator/templates", "generator/theme", "generator/assets")


def _snapshot(root: Path) -> dict[Path, float]:
    files = [root / "mkdocs.yml"]
    for name in WATCHED:
        folder = root / name
        if folder.is_dir():
            files.extend(p for p in folder.rglob("*") if p.is_file())
    return {p: p.stat().st_mtime for p in files if p.exists()}


def serve(root: Path, *, host: str, port: int, interval: float = 0.5) -> None:
    """Build, then serve `root/site` on host:port, rebuilding on every change."""
    root = root.resolve()
    site = root / "site"
    try:
        build(root)
    except BuildError as exc:
        click.echo(exc.format_message(), err=True)
        if not site.is_dir():
            raise
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    click.echo(f"serving {site} at http://{host}:{port}/ (Ctrl+C to stop)")
    seen = _snapshot(root)
    try:
        while True:
            time.sleep(interval)
            now = _snapshot(root)
            if now == seen:
                continue
            seen = now
            start = time.perf_counter()
            try:
                build(root)
                click.echo(f"rebuilt in {time.perf_counter() - start:.1f} s")
            except BuildError as exc:
                click.echo(exc.format_message(), err=True)
            except Exception:  # keep serving the last good site whatever went wrong
                click.echo(traceback.format_exc(), err=True)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files; the site folder is swapped by rebuilds, so resolve it per request."""

    def log_message(self, format: str, *args: object) -> None:
        """Keep the terminal for build messages."""
