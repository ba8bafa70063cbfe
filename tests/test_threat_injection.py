"""Script injection in a pattern's body is refused, located at the line and column it starts.

Each hostile body puts its threat at line 43 of alpha.md (tests/threats.py) and is checked
twice: the validator reports exactly the expected PATH:LINE:COL: error[RULE], and the same body
rendered with the build's Markdown extensions really would run something in a browser (so the
case is a real injection, not a typo the scan happens to catch). Allow-listed HTML, links to
http(s), mailto and relative URLs, and markup inside fenced code blocks are not reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.library import sanitize
from tests.threats import (
    assert_build_refused,
    assert_reported,
    check,
    library_root,
    live_markup,
    pattern,
    write,
)

P = "patterns/alpha.md"


class Case:
    """A hostile body line, the report lines it must give, and whether it would run."""

    def __init__(self, threat: str, *expected: str, live: bool = True) -> None:
        self.threat = threat
        self.expected = expected
        self.live = live


TAG = "error[html-tag] body: "
ATTRIBUTE = "error[html-attribute] body: "
URL = "error[unsafe-url] body: "

CASES = {
    # --- elements -----------------------------------------------------------------------------
    "script": Case("<script>alert(1)</script>", f"{P}:43:1: {TAG}<script> is not allowed"),
    "script-uppercase": Case("<SCRIPT>alert(1)</SCRIPT>", f"{P}:43:1: {TAG}<script>"),
    "script-self-closing": Case("<script src=https://evil.example/x.js />",
                                f"{P}:43:1: {TAG}<script>"),
    "script-mid-line": Case("Text <script>alert(1)</script>", f"{P}:43:6: {TAG}<script>"),
    "iframe": Case('<iframe src="https://evil.example/"></iframe>', f"{P}:43:1: {TAG}<iframe>"),
    "object": Case('<object data="https://evil.example/x.swf"></object>',
                   f"{P}:43:1: {TAG}<object>"),
    "embed": Case('<embed src="https://evil.example/x.swf">', f"{P}:43:1: {TAG}<embed>"),
    "style": Case("<style>body { display: none }</style>", f"{P}:43:1: {TAG}<style>"),
    "form": Case('<form action="javascript:alert(1)"><button>Go</button></form>',
                 f"{P}:43:1: {TAG}<form>", f"{P}:43:36: {TAG}<button>", live=True),
    "style-attribute": Case('<span style="background:url(x)">x</span>',
                            f"{P}:43:1: warning[html-attribute-dropped] body: attribute style= "
                            "on <span> is not shown on the site", live=False),
    # --- event handlers -----------------------------------------------------------------------
    "onerror": Case('<img src="x.png" alt="x" onerror="alert(1)">',
                    f"{P}:43:1: {ATTRIBUTE}event handler onerror= is not allowed"),
    "onclick": Case('Text <b onclick="alert(1)">bold</b>',
                    f"{P}:43:6: {ATTRIBUTE}event handler onclick="),
    "onmouseover-unquoted": Case("<a href=#x onmouseover=alert(1)>x</a>",
                                 f"{P}:43:1: {ATTRIBUTE}event handler onmouseover="),
    "ontoggle": Case("<details open ontoggle=alert(1)><summary>x</summary></details>",
                     f"{P}:43:1: {ATTRIBUTE}event handler ontoggle="),
    "handler-uppercase": Case("<IMG SRC=x.png ONERROR=alert(1)>",
                              f"{P}:43:1: {ATTRIBUTE}event handler onerror="),
    "handler-no-space": Case('<div><img src="x.png"onerror="alert(1)"></div>',
                             f"{P}:43:6: {ATTRIBUTE}event handler onerror="),
    # --- javascript:, vbscript:, data:text/html in Markdown links, images, references ----------
    "md-link": Case("[click](javascript:alert(1))",
                    f"{P}:43:9: {URL}link to a 'javascript:' URL"),
    "md-image": Case("![x](javascript:alert(1))", f"{P}:43:6: {URL}link to a 'javascript:' URL"),
    "md-reference": Case("[click][r]\n\n[r]: javascript:alert(1)",
                         f"{P}:45:6: {URL}link to a 'javascript:' URL"),
    "md-link-vbscript": Case("[click](vbscript:msgbox(1))",
                             f"{P}:43:9: {URL}link to a 'vbscript:' URL"),
    "md-image-vbscript": Case("![x](vbscript:msgbox(1))",
                              f"{P}:43:6: {URL}link to a 'vbscript:' URL"),
    "md-reference-vbscript": Case("[click][r]\n\n[r]: vbscript:msgbox(1)",
                                  f"{P}:45:6: {URL}link to a 'vbscript:' URL"),
    "md-link-data": Case("[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
                         f"{P}:43:9: {URL}link to a 'data:' URL"),
    "md-image-data": Case("![x](data:text/html,hi)", f"{P}:43:6: {URL}link to a 'data:' URL"),
    "md-reference-data": Case("[click][r]\n\n[r]: data:text/html,hi",
                              f"{P}:45:6: {URL}link to a 'data:' URL"),
    "md-link-angle-brackets": Case("[click](< javascript:alert(1) >)",
                                   f"{P}:43:11: {URL}link to a 'javascript:' URL"),
    "md-link-nested-brackets": Case("[a [b] c](javascript:alert(1))",
                                    f"{P}:43:11: {URL}link to a 'javascript:' URL"),
    "md-link-two-lines": Case("[click\nhere](javascript:alert(1))",
                              f"{P}:44:7: {URL}link to a 'javascript:' URL"),
    "md-link-in-url": Case("![i](:![i](javascript:alert(1))",
                           f"{P}:43:12: {URL}link to a 'javascript:' URL"),
    "md-reference-next-line": Case("[click][r]\n\n[r]:\n    javascript:alert(1)",
                                   f"{P}:46:5: {URL}link to a 'javascript:' URL"),
    "md-reference-in-quote": Case("> [r]: javascript:alert(1)\n\n[click][r]",
                                  f"{P}:43:8: {URL}link to a 'javascript:' URL"),
    "md-reference-in-list": Case("- [r]: javascript:alert(1)\n\n[click][r]",
                                 f"{P}:43:8: {URL}link to a 'javascript:' URL"),
    # --- the same schemes in raw HTML href and src ---------------------------------------------
    "html-href": Case('<a href="javascript:alert(1)">x</a>',
                      f"{P}:43:1: {URL}<a href=...> uses a 'javascript:' URL"),
    "html-src": Case('<img src="javascript:alert(1)">',
                     f"{P}:43:1: {URL}<img src=...> uses a 'javascript:' URL"),
    "html-href-vbscript": Case('<a href="vbscript:msgbox(1)">x</a>',
                               f"{P}:43:1: {URL}<a href=...> uses a 'vbscript:' URL"),
    "html-src-vbscript": Case('<img src="vbscript:msgbox(1)">',
                              f"{P}:43:1: {URL}<img src=...> uses a 'vbscript:' URL"),
    "html-href-data": Case('<a href="data:text/html,<script>alert(1)</script>">x</a>',
                           f"{P}:43:1: {URL}<a href=...> uses a 'data:' URL"),
    "html-src-data": Case('<img src="data:text/html,hi">',
                          f"{P}:43:1: {URL}<img src=...> uses a 'data:' URL"),
    "autolink": Case("<javascript:alert(1)>", f"{P}:43:2: {URL}link to a 'javascript:' URL"),
    # --- case and entity tricks ---------------------------------------------------------------
    "case-md": Case("[x](JaVaScRiPt:alert(1))", f"{P}:43:5: {URL}link to a 'javascript:' URL"),
    "case-html": Case('<a href="JaVaScRiPt:alert(1)">x</a>',
                      f"{P}:43:1: {URL}<a href=...> uses a 'javascript:' URL"),
    "decimal-entity-md": Case("[x](&#106;avascript:alert(1))",
                              f"{P}:43:5: {URL}link to a 'javascript:' URL"),
    "decimal-entity-html": Case('<a href="&#106;avascript:alert(1)">x</a>',
                                f"{P}:43:1: {URL}<a href=...> uses a 'javascript:' URL"),
    "decimal-entity-padded": Case('<a href="&#0000106;avascript:alert(1)">x</a>',
                                  f"{P}:43:1: {URL}<a href=...> uses a 'javascript:' URL"),
    "hex-entity-md": Case("[x](&#x6A;avascript:alert(1))",
                          f"{P}:43:5: {URL}link to a 'javascript:' URL"),
    "hex-entity-html": Case('<a href="&#x6A;&#x61;vascript:alert(1)">x</a>',
                            f"{P}:43:1: {URL}<a href=...> uses a 'javascript:' URL"),
    "entity-no-semicolon": Case('<a href="&#106avascript:alert(1)">x</a>',
                                f"{P}:43:1: {URL}<a href=...> uses a 'javascript:' URL"),
    "named-entity-colon": Case('<a href="javascript&colon;alert(1)">x</a>',
                               f"{P}:43:1: {URL}<a href=...> uses a 'javascript:' URL"),
    # --- whitespace and control characters inside the scheme ----------------------------------
    "tab-entity": Case('<a href="java&#9;script:alert(1)">x</a>',
                       f"{P}:43:1: {URL}<a href=...> uses a 'javascript:' URL"),
    # Markdown turns this tab into spaces, which end a scheme: refused all the same.
    "tab-raw": Case('<a href="java\tscript:alert(1)">x</a>',
                    f"{P}:43:1: {URL}<a href=...> uses a 'javascript:' URL", live=False),
    "newline-raw": Case('<a href="java\nscript:alert(1)">x</a>',
                        f"{P}:43:1: {URL}<a href=...> uses a 'javascript:' URL"),
    # cmark-gfm writes the line break as %0A, which ends the scheme: refused all the same.
    "newline-entity-md": Case("[x](java&#10;script:alert(1))",
                              f"{P}:43:5: {URL}link to a 'javascript:' URL", live=False),
    "leading-space-entity": Case('<a href="&#32;&NewLine;javascript:alert(1)">x</a>',
                                 f"{P}:43:1: {URL}<a href=...> uses a 'javascript:' URL"),
    "control-character": Case('<a href="java\x01script:alert(1)">x</a>',
                              f"{P}:43:14: error[control-character] body: control character "
                              "U+0001 is not text",
                              f"{P}:43:1: {URL}<a href=...> uses a 'javascript:' URL",
                              live=False),
    # --- markup read as something else around it, passed on all the same -----------------------
    # A browser reads a comment never closed to the end, but parsers disagree: refused.
    "unclosed-comment": Case("<!--\n\n<script>alert(1)</script>", f"{P}:45:1: {TAG}<script>",
                             live=False),
    "bogus-comment": Case("<!x <script>alert(1)</script>", f"{P}:43:5: {TAG}<script>"),
    "bogus-end-tag": Case("</ <script>alert(1)</script>", f"{P}:43:4: {TAG}<script>"),
    "tag-in-tag": Case("x <a title=<script >alert(1)</script>", f"{P}:43:12: {TAG}<script>"),
    "unclosed-quote": Case("x<a title='x\n<a href=\"javascript:alert(1)\">y</a>",
                           f"{P}:44:1: {URL}<a href=...> uses a 'javascript:' URL"),
    "malformed-declaration": Case("<![x <script>alert(1)</script>", f"{P}:43:6: {TAG}<script>"),
    # A control character is refused wherever it stands, in code too.
    "fence-not-closed-by-stx": Case("~~~\nA\n~\x02~~\n<script>alert(1)</script>\n~~~",
                                    f"{P}:45:2: error[control-character] body: control "
                                    "character U+0002", live=False),
    "fence-closed-by-tab": Case("~~~\nA\n~~~\t\n<script>alert(1)</script>\n~~~",
                                f"{P}:46:1: {TAG}<script>"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_injection_is_refused_at_its_line(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    lines = check(tmp_path, pattern(case.threat))
    assert_reported(lines, *case.expected)
    assert all(": error[" not in line or "body: " in line for line in lines), lines


@pytest.mark.parametrize("name", [name for name, case in CASES.items() if case.live])
def test_each_case_would_run_if_published(name: str) -> None:
    # The case is a real injection: cmark-gfm, as the build runs it, passes it on (before the
    # sanitizer takes it out).
    assert live_markup(pattern(CASES[name].threat).split("\n---\n", 1)[1])


ALLOWED = [
    "Line one<br>line two<br/>",
    "E = mc<sup>2</sup>, H<sub>2</sub>O, <kbd>Ctrl</kbd>+<kbd>C</kbd>, <mark>marked</mark>",
    "<details open><summary>More</summary>Hidden text.</details>",
    '<abbr title="HyperText Markup Language">HTML</abbr> and <q cite="https://example.org/">q</q>',
    '<a href="https://example.org/" title="Example" rel="nofollow">a link</a>',
    '<img src="diagram.png" alt="A diagram" width="200" height="100">',
    '<table class="x"><tr><th scope="col">A</th></tr><tr><td colspan="2">1</td></tr></table>',
    '<ol start="3"><li>three</li></ol><time datetime="2026-01-05">today</time>',
    "[a link](https://example.org/path?q=1#x), [mail](mailto:someone@example.org)",
    "[relative](../gamma/), [fragment](#overview), ![image](images/x.png)",
    "[ref][r]\n\n[r]: https://example.org/",
    "Plain words about javascript: and data: URLs are text, not links.",
    "Escaped markup is text: &lt;script&gt;alert(1)&lt;/script&gt;",
    "<!-- a comment for editors -->",
    "Heading attributes {: .note #id } are fine",
    "```html\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n```",
    "~~~\n[x](javascript:alert(1))\n~~~",
    "````markdown\n```\n<iframe></iframe>\n```\n````",
    "~~~ not a fence, GitHub says: an info string\n<script>alert(1)</script>\n~~~",
]

# Markup for other Markdown engines, or not markup at all on GitHub: shown as text, and so
# neither reported nor live.
AS_TEXT = [
    'Text\n{: onclick="alert(1)" }',  # attr_list (Python-Markdown) is text on GitHub
    "## Heading {: onmouseover=alert(1) }",
    '[x](https://example.org/){: href="javascript:alert(1)"}',
    "~~~ {.x onclick=alert(1)}\ncode\n~~~",  # a fence's info string
    "<svg/onload=alert(1)>",  # not a tag for CommonMark: no space before the attribute
    "<https: onclick=x>",
    "An abbreviation <IR> and a comparison a < b, x<y>z",
]


@pytest.mark.parametrize("body", AS_TEXT)
def test_what_is_not_markup_on_github_is_shown_as_text(body: str, tmp_path: Path) -> None:
    assert [line for line in check(tmp_path, pattern(body)) if ": error[" in line] == []
    assert live_markup(pattern(body).split("\n---\n", 1)[1]) == []


@pytest.mark.parametrize("body", ALLOWED)
def test_allowed_html_and_code_blocks_are_not_reported(body: str, tmp_path: Path) -> None:
    assert check(tmp_path, pattern(body)) == []


def test_every_allow_listed_tag_is_accepted(tmp_path: Path) -> None:
    body = " ".join(f"<{tag} title=x>t</{tag}>" for tag in sorted(sanitize.ALLOWED_TAGS))
    assert check(tmp_path, pattern(body)) == []


def test_unsafe_body_stops_the_build_and_writes_nothing(tmp_path: Path) -> None:
    root = library_root(tmp_path)
    write(root, "alpha.md", pattern("<script>alert(1)</script>"))
    assert_build_refused(root, f"{P}:43:1: {TAG}<script> is not allowed")


def test_markdown_autolinks_to_http_and_mailto_are_not_tags() -> None:
    from generator.library.sanitize import scan

    assert scan("See <https://example.org/a> and <mailto:a@b.org>.\n") == []
