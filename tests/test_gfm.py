"""Pattern bodies render as GitHub renders them (cmark-gfm), sanitized, with MkDocs' heading ids."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import cmarkgfm  # type: ignore[import-untyped]
import markdown
import pytest

from generator.library import gfm
from generator.library.load import load_library
from tests.conftest import ROOT

FEATURES = """\
A paragraph with a list straight after it:
- one
  - nested by two spaces
    - and deeper
- two

1. first
2. second

| Left | Centre | Right |
|:-----|:------:|------:|
| a    | b      | c     |

- [x] done
- [ ] to do

~~struck~~ text, a footnote[^note], https://example.org/path and www.example.org.

> a quote
>
> - with a list

```python
print("code")
```

[^note]: The footnote's text.
"""


class _Structure(HTMLParser):
    """The element structure of HTML: start and end tags with the attributes that carry
    meaning, leaving out what our pages add (heading permalinks) or the sanitizer drops."""

    KEPT = frozenset({"align", "checked", "href", "type", "id"})

    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple[str, ...]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and ("class", "headerlink") in attrs:
            self._skip += 1
            return
        kept = tuple(sorted(f"{k}={v}" for k, v in attrs if k in self.KEPT and not (
            k == "id" and tag.startswith("h"))))
        self.items.append(("<", tag, *kept))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # `<input />` and `<input>` are one element

    def handle_endtag(self, tag: str) -> None:
        if self._skip and tag == "a":
            self._skip -= 1
            return
        self.items.append(("/", tag))

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.items.append(("text", " ".join(data.split())))


def structure(markup: str) -> list[tuple[str, ...]]:
    parser = _Structure()
    parser.feed(markup)
    parser.close()
    return parser.items


def github(body: str) -> str:
    """What GitHub's own engine gives, through cmarkgfm's documented GFM call."""
    options = cmarkgfm.cmark.Options.CMARK_OPT_FOOTNOTES | cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE
    html: str = cmarkgfm.cmark.markdown_to_html_with_extensions(
        body, options=options,
        extensions=["table", "autolink", "strikethrough", "tasklist"])
    return html


def test_every_gfm_feature_has_github_s_structure() -> None:
    ours = structure(gfm.render(FEATURES).html)
    theirs = structure(github(FEATURES))
    # Attributes our sanitizer drops on purpose (data-footnote-*, aria-label) are not kept.
    assert ours == theirs
    flat = [item[1] for item in ours if item[0] == "<"]
    assert flat.count("ul") == 5  # the list after the paragraph, two nested, tasks, quote's
    assert ("<", "th", "align=center") in ours
    assert ("<", "td", "align=right") in ours
    assert ("<", "input", "checked=", "type=checkbox") in ours
    assert ("<", "del") in ours
    assert ("<", "a", "href=http://www.example.org") in ours
    assert ("<", "a", "href=https://example.org/path") in ours
    assert ("<", "li", "id=fn-note") in ours or ("<", "li", "id=fn-1") in ours


def test_task_list_boxes_cannot_be_ticked() -> None:
    html = gfm.render("- [x] done\n- [ ] to do\n").html
    assert html.count('disabled=""') == 2
    # axe-core: a form control needs a name; the box says what it shows.
    assert '<input type="checkbox" checked="" disabled="" aria-label="done">' in html
    assert '<input type="checkbox" disabled="" aria-label="not done">' in html
    # Whatever the body wrote, an input is that checkbox.
    raw = gfm.render('<input type="text" value="x" onfocus="y()" checked>').html
    assert '<input type="checkbox" checked="" disabled="" aria-label="done">' in raw


@pytest.mark.parametrize("kind", sorted(gfm.ALERTS))
def test_each_github_alert_is_a_callout_naming_its_kind(kind: str) -> None:
    html = gfm.render(f"> [!{kind}]\n> Mind the **gap**.\n").html
    title, admonition = gfm.ALERTS[kind]
    assert f'<div class="admonition {admonition} pl-alert pl-alert--{kind.lower()}">' in html
    assert f'<p class="admonition-title">{title}</p>' in html
    assert "Mind the <strong>gap</strong>." in html
    assert f"[!{kind}]" not in html
    assert "<blockquote" not in html


def test_words_after_the_marker_title_the_callout() -> None:
    # GitHub would show this quote as text; its author meant a callout with that title.
    html = gfm.render("> [!NOTE] Confidence Rating: **3** (Established)\n> More.\n").html
    assert '<p class="admonition-title">Confidence Rating: <strong>3</strong> (Established)</p>' \
        in html
    assert "<p>More.</p>" in html
    assert "[!NOTE]" not in html


def test_quotes_that_are_not_alerts_stay_quotes() -> None:
    for body in ("> Just a quote.\n", "> x [!NOTE]\n", "> [!NOTES]\n> x\n"):
        html = gfm.render(body).html
        assert "<blockquote>" in html, body
        assert "admonition" not in html, body


def test_an_alert_inside_a_quote_and_a_quote_inside_an_alert() -> None:
    html = gfm.render("> [!TIP]\n> Tip text.\n>\n> > Quoted inside.\n").html
    assert html.count("<blockquote>") == 1
    assert html.count('class="admonition tip') == 1
    assert html.index("admonition tip") < html.index("<blockquote>")
    assert html.rstrip().endswith("</blockquote>\n</div>")


@pytest.mark.parametrize(("body", "shown"), [
    ("The <IR> figure.", "The &lt;IR&gt; figure."),
    ("If a < b and c > d.", "If a &lt; b and c &gt; d."),
    ("Growth of <x%> a year.", "Growth of &lt;x%&gt; a year."),
    ("Tags like <my-element> too.", "Tags like &lt;my-element&gt; too."),
])
def test_harmless_angle_brackets_are_shown_as_typed(body: str, shown: str) -> None:
    assert gfm.render(body).html.strip() == f"<p>{shown}</p>"


def test_look_alike_tags_are_warnings_and_real_markup_is_kept() -> None:
    findings = gfm.findings("The <IR> figure, <abbr title='x'>abbr</abbr>.\n")
    assert [(f.line, f.col, f.rule, f.severity) for f in findings] == [
        (1, 5, "html-text", "warning")]
    assert "<abbr title=\"x\">abbr</abbr>" in gfm.render("<abbr title='x'>abbr</abbr>").html


def test_executable_markup_is_removed_and_named() -> None:
    body = "Keep this. <script>alert(1)</script><b onclick='x()'>bold</b> [a](javascript:x)\n"
    result = gfm.render(body)
    assert "alert" not in result.html
    assert "onclick" not in result.html
    assert "javascript" not in result.html
    assert "Keep this." in result.html
    assert "<b>bold</b>" in result.html
    assert result.removed == ("<script>", "a javascript: link", "an event handler (onclick=)")


def _markdown_ids(body: str) -> list[str]:
    """The heading ids MkDocs' Markdown (its toc extension) gave the same body."""
    md = markdown.Markdown(extensions=["toc", "tables", "attr_list"])
    md.convert(body)
    ids: list[str] = []

    def walk(tokens: list[dict[str, object]]) -> None:
        for token in tokens:
            ids.append(str(token["id"]))
            walk(token["children"])  # type: ignore[arg-type]

    walk(md.toc_tokens)  # type: ignore[attr-defined]
    return ids


def test_heading_ids_of_the_starter_library_are_unchanged() -> None:
    library = load_library([ROOT / "patterns"])
    assert len(library.patterns) == 8
    for pattern in library.patterns:
        ids = [h.id for h in gfm.render(pattern.body).headings]
        assert ids == _markdown_ids(pattern.body), pattern.key
        assert "5-7-pillars-assessment" in ids or "7-pillars-assessment" in ids


def test_repeated_and_reserved_headings_get_numbered_ids() -> None:
    body = "## Notes\n\n## Notes\n\n## Relationships\n"
    ids = [h.id for h in gfm.render(body, reserved_ids=frozenset({"relationships"})).headings]
    assert ids == ["notes", "notes_1", "relationships_1"]


def test_an_inline_picture_is_a_warning_a_data_document_an_error() -> None:
    picture = gfm.findings("![chart](data:image/png;base64,iVBORw0KGgo=)\n")
    assert [(f.rule, f.severity) for f in picture] == [("url-dropped", "warning")]
    for body in ("[x](data:image/png;base64,AAA)\n", "![x](data:text/html,hi)\n",
                 '<img src="data:image/svg+xml;base64,PHN2Zz4=">\n'):
        assert [(f.rule, f.severity) for f in gfm.findings(body)] == [("unsafe-url", "error")]


# Bodies whose links all plainly use http(s), and look-alikes that hide another URL.
LINKS = [
    "[a](https://example.org) and ![b](http://example.org/b.png)\n",
    "[a][r]\n\n[r]: https://example.org\n",
    "[a](https://x.org) [b](javascript:alert(1))\n",
    "[a][r]\n\n[r]:   javascript:alert(1)\n",
    "[a][r]\n\n[r]:\njavascript:alert(1)\n",
    "[a]( javascript:alert(1))\n",
    "[a](&#106;avascript:alert(1))\n",
    "[a](HTTP://example.org) [b](data:text/html,x)\n",
    "[a][r]\n\n[r]: https://x.org\n[s]: vbscript:x\n\n[b][s]\n",
    "A footnote[^1].\n\n[^1]: Said [here](https://x.org).\n",
    "[a](https://x.org](javascript:y)\n",
]


@pytest.mark.parametrize("body", LINKS)
def test_bodies_left_unwalked_have_nothing_to_find(body: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # A body whose every `](` and `]:` is followed by http(s):// is not walked: the findings
    # are those of a walk all the same.
    found = [(f.line, f.col, f.rule, f.message) for f in gfm.findings(body)]
    monkeypatch.setattr(gfm, "_OTHER_URL", re.compile(rb"\]"))  # walk them all
    assert found == [(f.line, f.col, f.rule, f.message) for f in gfm.findings(body)]


def test_only_bodies_with_other_urls_are_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    walked: list[object] = []
    monkeypatch.setattr(gfm, "_visit", lambda *args: walked.append(args))
    for body in LINKS[:2]:
        gfm.findings(body)
    assert walked == []
    for body in LINKS[2:]:
        gfm.findings(body)
    assert len(walked) == len(LINKS) - 2
