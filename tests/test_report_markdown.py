"""report.md under a CommonMark renderer (markdown-it-py): every paragraph, list item, heading and
table cell shows exactly the text the document holds, so no `**`/`*` marker stays literal and no
`η* … η*` pair turns into italics."""

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from verify.report.audit import build_document
from verify.report.document import B, Document, T, V, plain_text, to_markdown

markdown_it = pytest.importorskip("markdown_it")

SNAPSHOT = Path(__file__).resolve().parents[1] / "notes" / "audit" / "report.json"


class _Blocks(HTMLParser):
    """The text of every p, li, td, th and heading, in document order."""

    TAGS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[list[str]] = []
        self.out: list[str] = []
        self.emphasis = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS:
            self.stack.append([])
        if tag == "em":
            self.emphasis += 1

    def handle_endtag(self, tag):
        if tag in self.TAGS and self.stack:
            self.out.append("".join(self.stack.pop()).strip())

    def handle_data(self, data):
        if self.stack:
            self.stack[-1].append(data)


def _render(md: str) -> _Blocks:
    parser = _Blocks()
    parser.feed(markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(md))
    return parser


def _expected(block) -> list[str]:
    if block.kind in ("para", "heading"):
        return [plain_text(block.inline)]
    if block.kind == "list":
        return [plain_text(i) for i in block.items]
    if block.kind == "table":
        return [plain_text(c) for c in block.header] + [plain_text(c) for r in block.rows for c in r]
    return []


def test_report_markdown_renders_its_text_under_commonmark():
    """Each block of the audit's report (built from the snapshot's report.json), rendered alone by
    markdown-it-py, shows its own text: no literal emphasis markers, no text lost to emphasis."""
    data = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    doc = build_document(data, [])
    wrong = []
    for block in doc.blocks:
        expected = [e.replace("\n", " ").strip() for e in _expected(block)]
        if not expected:
            continue
        one = Document("t")
        one.blocks.append(block)
        got = _render(to_markdown(one))
        assert got.emphasis == 0, to_markdown(one)
        if got.out[1:] != expected:
            wrong.append(next((g, e) for g, e in zip(got.out[1:], expected) if g != e))
    assert not wrong, wrong[:3]
    whole = to_markdown(doc)
    rendered = " ".join(_render(whole).out)
    assert "**" not in rendered
    # every star a reader sees is one the text holds (η*, θ*, …, and the LaTeX of a formula,
    # \eta^{*}), none is a marker
    shown = sum(plain_text(i).count("*") for b in doc.blocks for i in
                ([b.inline] if b.kind in ("para", "heading", "formula") else b.items if b.kind == "list"
                 else b.header + [c for r in b.rows for c in r] if b.kind == "table" else []))
    shown += sum(b.latex.count("*") for b in doc.blocks if b.kind == "formula")
    assert rendered.count("*") == shown


def test_bold_with_edge_spaces_and_starred_text():
    """The two faults themselves: `**Severity: **` (a closing ** after a space does not close) and
    two η* in one paragraph (which CommonMark reads as italics)."""
    doc = Document("t")
    doc.p(B("Severity: "), T("η* = 0.02 against η* = 0.01; s_min and _x_ and [x] <b>"))
    doc.p(V("refuted"), T(" at `t` = 0"))
    got = _render(to_markdown(doc))
    assert got.out[1:] == ["Severity: η* = 0.02 against η* = 0.01; s_min and _x_ and [x] <b>",
                           "✘ refuted at `t` = 0"]
    assert got.emphasis == 0
    assert "**Severity:** η\\*" in to_markdown(doc)
