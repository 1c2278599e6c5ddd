"""A tiny document model and its two renderers (Markdown and self-contained HTML).

The audit builds one `Document` from its report data; `to_markdown` and `to_html` render the same
blocks, so the two formats cannot drift (nothing parses Markdown back). Inline text is a sequence
of spans; blocks are headings, paragraphs, tables, code, lists, figures and formulas.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field

# inline spans: plain text, `code`, **bold**, a link, or a verdict word (coloured in HTML)
Span = tuple[str, str] | tuple[str, str, str]


def T(text: str) -> Span:
    return ("text", text)


def C(text: str) -> Span:
    return ("code", text)


def B(text: str) -> Span:
    return ("bold", text)


def L(text: str, href: str) -> Span:
    return ("link", text, href)


def V(status: str) -> Span:
    return ("verdict", status)


Inline = list[Span]

VERDICT_STYLE = {
    "proved (certificate)": ("#0b6623", "✔✔✔"),
    "proved (two solvers)": ("#0b6623", "✔✔"),
    "verified symbolically": ("#1a7f37", "✔✔"),
    "checked numerically": ("#2f6f9f", "✔"),
    "refuted": ("#b00020", "✘"),
    "inconclusive": ("#b26a00", "?"),
    "outside hypotheses": ("#666666", "–"),
    "undecided by solvers": ("#b26a00", "?"),
    "solver disagreement": ("#b00020", "‼"),
    "solver error": ("#b00020", "‼"),
}


@dataclass
class Block:
    kind: str  # heading | para | table | code | list | figure | formula
    level: int = 0
    inline: Inline = field(default_factory=list)
    header: list[Inline] = field(default_factory=list)
    rows: list[list[Inline]] = field(default_factory=list)
    items: list[Inline] = field(default_factory=list)
    text: str = ""
    anchor: str = ""
    name: str = ""
    latex: str = ""
    mathml: str = ""


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def h(self, level: int, *spans: Span, anchor: str = "") -> None:
        self.blocks.append(Block("heading", level=level, inline=list(spans), anchor=anchor))

    def p(self, *spans: Span) -> None:
        self.blocks.append(Block("para", inline=list(spans)))

    def table(self, header: list[Inline], rows: list[list[Inline]]) -> None:
        self.blocks.append(Block("table", header=header, rows=rows))

    def code(self, text: str) -> None:
        self.blocks.append(Block("code", text=text))

    def ul(self, items: list[Inline]) -> None:
        self.blocks.append(Block("list", items=items))

    def figure(self, name: str, caption: str = "") -> None:
        self.blocks.append(Block("figure", name=name, text=caption))

    def formula(self, label: Inline, latex: str, mathml: str) -> None:
        self.blocks.append(Block("formula", inline=label, latex=latex, mathml=mathml))


# ----------------------------------------------------------------------------- Markdown
# CommonMark: a `*` anywhere, or a `_` not inside a word, can open or close emphasis (so `η* … η*`
# became italics and lost both stars); a backslash, a backtick or brackets start escapes, code or
# links; `<` before a letter, `/`, `!` or `?` starts raw HTML, `&name;` an entity. Text spans escape
# exactly these.
_MD_SPECIAL = re.compile(r"[\\`*\[\]]|(?<!\w)_|_(?!\w)|<(?=[A-Za-z/!?])|&(?=#?\w+;)")


def _md_text(text: str) -> str:
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def _md_code(text: str) -> str:
    """A code span that holds any text: a fence longer than its longest run of backticks, padded
    when the text starts or ends with one."""
    runs = [len(r) for r in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_strong(text: str) -> str:
    """Bold with no space inside its markers: CommonMark does not close `**Severity: **` (a closing
    `**` after a space is not right-flanking), so edge spaces go outside the markers."""
    core = text.strip()
    if not core:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    return f"{lead}**{_md_text(core)}**{trail}"


def _md_inline(spans: Inline) -> str:
    out = []
    for s in spans:
        kind = s[0]
        if kind == "text":
            out.append(_md_text(s[1]))
        elif kind == "code":
            out.append(_md_code(s[1]))
        elif kind == "bold":
            out.append(_md_strong(s[1]))
        elif kind == "link":
            out.append(f"[{_md_text(s[1])}]({s[2]})")
        elif kind == "verdict":
            mark = VERDICT_STYLE.get(s[1], ("", ""))[1]
            out.append(f"{mark} {_md_strong(s[1])}" if s[1] == "refuted" else f"{mark} {_md_text(s[1])}")
    return "".join(out)


def plain_text(spans: Inline) -> str:
    """What a reader sees of the spans (no markup): the text every renderer must show."""
    out = []
    for s in spans:
        if s[0] == "verdict":
            out.append(f"{VERDICT_STYLE.get(s[1], ('', ''))[1]} {s[1]}")
        else:
            out.append(s[1])
    return "".join(out)


def _md_cell(spans: Inline) -> str:
    return _md_inline(spans).replace("|", "\\|").replace("\n", " ")


def to_markdown(doc: Document) -> str:
    lines = [f"# {doc.title}", ""]
    for b in doc.blocks:
        if b.kind == "heading":
            anchor = f'<a id="{b.anchor}"></a>' if b.anchor else ""
            lines += [f"{'#' * b.level} {anchor}{_md_inline(b.inline)}", ""]
        elif b.kind == "para":
            lines += [_md_inline(b.inline), ""]
        elif b.kind == "table":
            lines.append("| " + " | ".join(_md_cell(c) for c in b.header) + " |")
            lines.append("|" + "---|" * len(b.header))
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            lines.append("")
        elif b.kind == "code":
            lines += ["```json", b.text, "```", ""]
        elif b.kind == "list":
            lines += [f"- {_md_inline(i)}" for i in b.items] + [""]
        elif b.kind == "figure":
            lines += [f"![{_md_text(b.name)}]({b.name})", ""]
            if b.text:  # the caption, a paragraph under the image
                lines += [f"{_md_strong('Figure ' + b.name + '.')} {_md_text(b.text)}", ""]
        elif b.kind == "formula":
            lines.append(f"- {_md_inline(b.inline)}: $${b.latex}$$")
    return "\n".join(lines).rstrip("\n") + "\n"


# ----------------------------------------------------------------------------- HTML
def _html_inline(spans: Inline) -> str:
    out = []
    for s in spans:
        kind, text = s[0], html.escape(s[1])
        if kind == "text":
            out.append(text)
        elif kind == "code":
            out.append(f"<code>{text}</code>")
        elif kind == "bold":
            out.append(f"<b>{text}</b>")
        elif kind == "link":
            out.append(f"<a href='{html.escape(s[2])}'>{text}</a>")
        elif kind == "verdict":
            color, mark = VERDICT_STYLE.get(s[1], ("#000", ""))
            cls = "verdict-" + s[1].split()[0].replace("(", "")
            out.append(f"<span class='verdict {cls}' style='color:{color};font-weight:bold'>"
                       f"{mark} {text}</span>")
    return "".join(out)


def to_html(doc: Document, figs: dict[str, bytes]) -> str:
    """Self-contained HTML: figures inlined as data URIs, closed forms as presentation MathML
    (rendered natively by browsers, no network)."""
    out = ["<!doctype html><html><head><meta charset='utf-8'>",
           f"<title>{html.escape(doc.title)}</title>",
           "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
           "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #999;"
           "padding:2px 6px;vertical-align:top}th{background:#eee}"
           "pre{background:#f4f4f4;white-space:pre-wrap}</style></head><body>",
           f"<h1>{html.escape(doc.title)}</h1>"]
    in_formulas = False
    for b in doc.blocks:
        if b.kind != "formula" and in_formulas:
            out.append("</ul>")
            in_formulas = False
        if b.kind == "heading":
            anchor = f" id='{html.escape(b.anchor)}'" if b.anchor else ""
            out.append(f"<h{b.level}{anchor}>{_html_inline(b.inline)}</h{b.level}>")
        elif b.kind == "para":
            out.append(f"<p>{_html_inline(b.inline)}</p>")
        elif b.kind == "table":
            out.append("<table><tr>" + "".join(f"<th>{_html_inline(c)}</th>" for c in b.header)
                       + "</tr>")
            out += ["<tr>" + "".join(f"<td>{_html_inline(c)}</td>" for c in row) + "</tr>"
                    for row in b.rows]
            out.append("</table>")
        elif b.kind == "code":
            out.append(f"<pre>{html.escape(b.text)}</pre>")
        elif b.kind == "list":
            out.append("<ul>" + "".join(f"<li>{_html_inline(i)}</li>" for i in b.items) + "</ul>")
        elif b.kind == "figure":
            b64 = base64.b64encode(figs[b.name]).decode()
            cap = (f"<figcaption><b>Figure {html.escape(b.name)}.</b> {html.escape(b.text)}</figcaption>"
                   if b.text else "")
            out.append(f"<figure><img alt='{html.escape(b.name)}' src='data:image/png;base64,{b64}'>"
                       f"{cap}</figure>")
        elif b.kind == "formula":
            if not in_formulas:
                out.append("<ul>")
                in_formulas = True
            out.append(f"<li>{_html_inline(b.inline)}: <math display='inline'>{b.mathml}</math></li>")
    if in_formulas:
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
