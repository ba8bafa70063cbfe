"""Helpers for the browser tests: serve a built site, launch Debian's Chromium, open pages.

The fixtures built on these (`site`, `base_url`, `browser`, `page`) live in conftest.py, so
every browser test module shares one site build and one Chromium per session. Chromium is
Debian's /usr/bin/chromium (`make test` installs it when missing); without it the browser tests
fail rather than skip, unless PATTERNLIB_NO_BROWSER=1 says to leave them out on purpose. Set
PATTERNLIB_SCREENSHOTS=<folder> to save full-page screenshots of what the tests see.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

from generator.site.serve import SiteHandler

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}

# `pytestmark = BROWSER_TESTS` in each browser test module.
BROWSER_TESTS = pytest.mark.skipif(
    os.environ.get("PATTERNLIB_NO_BROWSER") == "1",
    reason="PATTERNLIB_NO_BROWSER=1: browser tests left out on purpose",
)


class _Handler(SiteHandler):
    """Serve the site as GitHub Pages does: quietly, a missing file with its 404.html and
    status 404, and (for a project site) only under the sub-path `prefix`."""

    prefix = "/"

    def send_head(self) -> Any:
        if not self.path.startswith(self.prefix):
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + path[len(self.prefix) :])


@contextlib.contextmanager
def serve(folder: Path, prefix: str = "/") -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 under `prefix` ("/library/") and yield its URL (with a
    trailing slash).

    The folder may be (re)built while it is served: each request looks its file up anew.
    """
    handler_class = type("Handler", (_Handler,), {"prefix": prefix})
    handler = functools.partial(handler_class, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def new_context(browser: Browser, viewport: ViewportSize = DESKTOP) -> BrowserContext:
    """Open a browser context: a cache, cookies and storage of its own."""
    context = browser.new_context(viewport=viewport)
    # The site is local and small: anything slower than this is a hang, not a slow network.
    context.set_default_timeout(5_000)
    return context


def new_page(browser: Browser, viewport: ViewportSize = DESKTOP) -> Page:
    """Open a page in a context of its own: no shared cache, cookies or storage."""
    return new_context(browser, viewport).new_page()


def screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot to $PATTERNLIB_SCREENSHOTS, when it is set."""
    folder = os.environ.get("PATTERNLIB_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
