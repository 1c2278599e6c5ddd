"""LaTeX at the edge: text escaping, the derivations as a LaTeX body or a standalone document, and
the audit's referee report (`report.tex`, with the paper's BibTeX entry beside it).

Every formula comes from the derivation data (verify/report/render.py `derivation_data`), which
prints each relation the derivation object states in the paper's notation
(derivations/notation.py); nothing here decides a relation or a symbol name.
"""

from __future__ import annotations

import re
from typing import Any

# Unicode in descriptions and verdict texts → LaTeX (the output is pure ASCII, so that pdflatex
# compiles it without a Unicode set-up; tests/test_latex_export.py checks it)
_UNI_MATH = {
    "²": "^{2}", "³": "^{3}", "⁴": "^{4}", "·": r"\cdot ", "½": r"\tfrac{1}{2}", "×": r"\times ",
    "Δ": r"\Delta ", "Θ": r"\Theta ", "Σ": r"\Sigma ", "α": r"\alpha ", "β": r"\beta ",
    "γ": r"\gamma ", "δ": r"\delta ", "ε": r"\varepsilon ", "ζ": r"\zeta ", "η": r"\eta ",
    "θ": r"\theta ", "κ": r"\kappa ", "λ": r"\lambda ", "μ": r"\mu ", "ν": r"\nu ", "ξ": r"\xi ",
    "ρ": r"\rho ", "σ": r"\sigma ", "τ": r"\tau ", "ψ": r"\psi ", "ϱ": r"\varrho ", "‖": r"\|",
    "→": r"\to ", "⇒": r"\Rightarrow ", "⇔": r"\Leftrightarrow ", "∀": r"\forall ",
    "∃": r"\exists ", "∈": r"\in ", "−": "-", "√": r"\surd ", "∞": r"\infty ", "≈": r"\approx ",
    "≤": r"\leq ", "≥": r"\geq ", "≪": r"\ll ", "≫": r"\gg ", "⌊": r"\lfloor ", "⌋": r"\rfloor ",
    "⟨": r"\langle ", "⟩": r"\rangle ", "≠": r"\neq ", "∑": r"\sum ", "∉": r"\notin ",
    "⁰": "^{0}", "¹": "^{1}", "⁵": "^{5}", "⁶": "^{6}", "⁷": "^{7}", "⁸": "^{8}", "⁹": "^{9}",
    "⁺": "^{+}", "⁻": "^{-}", "Ω": r"\Omega ", "∓": r"\mp ", "±": r"\pm ", "⪰": r"\succeq ",
    "≡": r"\equiv ", "∏": r"\prod ", "⊂": r"\subset ", "∩": r"\cap ", "∪": r"\cup ",
    "ω": r"\omega ", "π": r"\pi ", "φ": r"\varphi ", "χ": r"\chi ", "Λ": r"\Lambda ", "Ψ": r"\Psi ",
    "₀": "_{0}", "₁": "_{1}", "₂": "_{2}", "₃": "_{3}", "₄": "_{4}", "ᵀ": "^{T}",
}
_UNI_TEXT = {"§": r"\S{}", "—": "---", "–": "--", "…": r"\dots{}", "’": "'", "“": "``", "”": "''",
             "\u0304": ""}
_ASCII_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                  "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}",
                  "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}


# a sub- or superscripted token of the descriptions (s^D, λ_{k+1}, κ_i², E[f_t]'s f_t): printed in
# math mode
_SCRIPTED = re.compile(r"[A-Za-z\u0370-\u03ff\u03f1]+'?(?:[_^](?:\{[^{}]*\}|[A-Za-z0-9*]+|\u2032))+")


def _math_token(tok: str) -> str:
    out = []
    i = 0
    while i < len(tok):
        ch = tok[i]
        if ch in "_^":
            j = i + 1
            if tok[j] == "{":
                k = tok.index("}", j)
                inner, i = tok[j + 1:k], k + 1
            else:
                k = j
                while k < len(tok) and tok[k] not in "_^":
                    k += 1
                inner, i = tok[j:k], k
            out.append(ch + "{" + "".join(_math_char(c) for c in inner) + "}")
            continue
        out.append(_math_char(ch))
        i += 1
    return "$" + "".join(out) + "$"


def _math_char(ch: str) -> str:
    if ch in _UNI_MATH:
        return _UNI_MATH[ch].strip() + (" " if _UNI_MATH[ch].endswith(" ") else "")
    if ch == "*":
        return "*"
    if ord(ch) < 128:
        return ch
    raise ValueError(f"no LaTeX for the character {ch!r} (U+{ord(ch):04X})")


_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻"
_SUP_RUN = re.compile(f"[{_SUPERSCRIPTS}]{{2,}}")


def _plain(s: str) -> str:
    out = []
    # a run of superscript characters is one exponent (10⁻³ → 10^{-3}, not a double superscript)
    for mt in reversed(list(_SUP_RUN.finditer(s))):
        exp = "".join(_UNI_MATH[c][2:-1] for c in mt.group(0))
        s = s[:mt.start()] + "\x00" + exp + "\x01" + s[mt.end():]
    for ch in s:
        if ch == "\x00":
            out.append("$^{")
        elif ch == "\x01":
            out.append("}$")
        elif ch in _ASCII_SPECIAL:
            out.append(_ASCII_SPECIAL[ch])
        elif ord(ch) < 128:
            out.append(ch)
        elif ch in _UNI_MATH:
            out.append(f"${_UNI_MATH[ch].strip()}$")
        elif ch in _UNI_TEXT:
            out.append(_UNI_TEXT[ch])
        else:
            raise ValueError(f"no LaTeX for the character {ch!r} (U+{ord(ch):04X}) in {s!r}")
    return "".join(out)


def tex_text(s: str) -> str:
    """Plain text (with the project's Unicode mathematics) as LaTeX text-mode source, ASCII only:
    scripted tokens (s^D, λ_{k+1}) in math mode, other characters escaped or mapped. Unknown
    non-ASCII characters raise ValueError (never silently dropped)."""
    out, pos = [], 0
    for mt in _SCRIPTED.finditer(s):
        out.append(_plain(s[pos:mt.start()]))
        out.append(_math_token(mt.group(0)))
        pos = mt.end()
    out.append(_plain(s[pos:]))
    # adjacent math segments merge ($\theta$$\geq$ → $\theta \geq$; '$$' would read as display math)
    return re.sub(r"(?<!\\)\$\$", " ", "".join(out))


BIBTEX = """@inproceedings{deng2026suspicious,
  title     = {Suspicious Alignment of {SGD}: A Fine-Grained Step Size Condition Analysis},
  author    = {Deng and Liao and Ouyang and Pang and Song and Yang},
  booktitle = {Proceedings of the 37th International Conference on Algorithmic Learning Theory (ALT 2026)},
  series    = {Proceedings of Machine Learning Research},
  volume    = {313},
  year      = {2026},
  eprint    = {2601.11789},
  archivePrefix = {arXiv}
}
"""

_PREAMBLE = r"""\documentclass[10pt]{article}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{longtable}
\usepackage{graphicx}
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
"""

_THEBIB = r"""\begin{thebibliography}{1}
\bibitem{deng2026suspicious}
Deng, Liao, Ouyang, Pang, Song, Yang.
\newblock Suspicious Alignment of {SGD}: A Fine-Grained Step Size Condition Analysis.
\newblock In \emph{Proceedings of ALT 2026}, PMLR 313, 2026. arXiv:2601.11789.
\end{thebibliography}
"""


# in a complete document a display wider than the line is scaled down to the line width
_FIT_OPEN = r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{$\displaystyle "


def _display(formula: str, fit: bool = False) -> str:
    if fit:
        return "\\[\n" + _FIT_OPEN + formula + "$}\n\\]"
    return "\\[\n" + formula + "\n\\]"


def _where_clause(where: list[dict[str, str]]) -> str:
    return "where " + ", ".join(f"${w['latex']} = {w['definition_latex']}$" for w in where) + "."


def _notation_clause(entries: list[dict[str, str]]) -> str:
    return "Notation not named in the paper: " + "; ".join(
        f"${e['latex']}$: {tex_text(e['meaning'])}" for e in entries) + "."


def derivations_body(data: list[dict[str, Any]], fit: bool = False) -> str:
    """The derivations as LaTeX body text: per derivation its reference, hypotheses, the
    definitions of quantities the paper does not name (the first time they appear), the closed
    forms as definitions and each step's relation with its `where` clause. `fit`: scale displays
    wider than the line (complete documents, which load graphicx)."""
    out: list[str] = []
    for d in data:
        out.append(f"% {d['id']}")
        out.append(f"\\subsection*{{\\texttt{{{tex_text(d['id'])}}}: {tex_text(d['title'])}}}")
        out.append(f"Reference: {tex_text(d['reference'])}.")
        if d["hypotheses"]:
            out.append("Hypotheses: " + "; ".join(tex_text(h) for h in d["hypotheses"]) + ".")
        if d["notation"]:
            out.append(_notation_clause(d["notation"]))
        if d["where"]:
            out.append(_where_clause(d["where"]).capitalize())
        for f in d["closed_forms"].values():
            out.append(_display(f"{f['label_latex']} = {f['latex']}", fit))
        for i, s in enumerate(d["steps"], 1):
            mark = "checked by SymPy" if s["checked"] else "NOT confirmed by SymPy"
            out.append(f"Step {i} ({tex_text(s['kind'])}, {mark}): {tex_text(s['description'])}")
            out.append(_display(s["latex"], fit))
            if s.get("certificate"):
                out.append("The numerator and denominator expand to polynomials with non-negative "
                           "coefficients in the non-negative variables:")
                out.append(_display(s["certificate"]["latex"], fit))
            if s["where"]:
                out.append(_where_clause(s["where"]))
        for dis in d["disagreements_with_paper"]:
            out.append(f"\\textbf{{Disagreement with the paper.}} {tex_text(dis)}")
        out.append("")
    return "\n\n".join(out).rstrip() + "\n"


_DERIVATIONS_INTRO = ("Closed forms and derivation steps for \\cite{deng2026suspicious}, in the "
                      "paper's notation. Every relation below is the one the derivation states and "
                      "SymPy checks.")
_REPORT_INTRO = ("A verification of the numbered results of \\cite{deng2026suspicious} by the "
                 "suspicious-alignment toolkit: verdicts, witnesses (exact states) and the SymPy "
                 "derivations, in the paper's notation.")


def standalone(title: str, body: str, intro: str = _DERIVATIONS_INTRO) -> str:
    """A complete LaTeX document around a body (preamble, title, the paper's reference)."""
    return (_PREAMBLE + f"\\title{{{title}}}\n\\date{{}}\n\\begin{{document}}\n\\maketitle\n"
            "\\noindent " + intro + "\n\n" + body + "\n" + _THEBIB + "\\end{document}\n")


def derivations_document(data: list[dict[str, Any]]) -> str:
    return standalone("Suspicious Alignment of SGD: the derivations (suspicious-alignment)",
                      "\\section*{Derivations}\n\n" + derivations_body(data, fit=True))


def _tabular(head: list[str], rows: list[list[str]], spec: str) -> str:
    lines = [f"\\begin{{longtable}}{{{spec}}}", " & ".join(f"\\textbf{{{h}}}" for h in head)
             + r" \\ \hline", r"\endhead"]
    lines += [" & ".join(r) + r" \\" for r in rows]
    lines.append(r"\end{longtable}")
    return "\n".join(lines)


def _mono(s: str) -> str:
    return f"\\texttt{{{tex_text(s)}}}"


def report_document(data: dict[str, Any], derivations: list[dict[str, Any]]) -> str:
    """The audit as a referee report in LaTeX: the findings, the verdict table, each witness (its
    exact state) and each derivation (`derivations`: verify/report/render.py derivations_data) in
    mathematical notation, and the paper's reference."""
    claims = data["claims"]
    parts: list[str] = ["\\section*{Summary}"]
    refuted = [c for c in claims if c["status"] == "refuted"]
    parts.append(tex_text(f"{len(claims)} claims checked; {len(refuted)} refuted "
                          "(a witness that violates the statement strictly and satisfies its "
                          "hypotheses, decided exactly or by a certified sign)."))
    parts.append("\\section*{Findings}")
    if refuted:
        items = []
        for c in refuted:
            sev = c.get("severity") or {}
            cls = sev.get("label") or sev.get("class") or ""
            line = f"\\item {_mono(c['claim_id'])} ({tex_text(c['reference'])})"
            if cls:
                line += f", {tex_text(str(cls))}"
            line += f": {tex_text(c['evidence'])}"
            if c.get("corrected_by"):
                line += f" Corrected statement: {_mono(c['corrected_by'])}."
            items.append(line)
        parts.append("\\begin{itemize}\n" + "\n".join(items) + "\n\\end{itemize}")
    parts.append("\\section*{Verdicts}")
    rows = [[_mono(c["claim_id"]), tex_text(c["status"]), tex_text(c["reference"])] for c in claims]
    parts.append(_tabular(["claim", "verdict", "where in the paper"], rows,
                          "p{0.22\\textwidth}p{0.2\\textwidth}p{0.5\\textwidth}"))
    witnesses = [c for c in claims if c.get("counterexample")]
    if witnesses:
        parts.append("\\section*{Witnesses}")
        for c in witnesses:
            parts.append(f"\\subsection*{{{_mono(c['claim_id'])}}}")
            parts.append(tex_text(c["evidence"]))
            parts.append(_witness_latex(c["counterexample"]))
    parts.append("\\section*{Derivations}")
    parts.append(derivations_body(derivations, fit=True))
    return standalone("Referee report: Suspicious Alignment of SGD (ALT 2026)", "\n\n".join(parts),
                      _REPORT_INTRO)


_NUM = re.compile(r"^-?\d+(\.\d+)?(/\d+)?$")


def _witness_value(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return r"\left(" + ", ".join(_witness_value(x) for x in v) + r"\right)"
    if isinstance(v, dict):
        return r"\{" + ", ".join(f"\\mathrm{{{tex_text(str(k))}}}: {_witness_value(x)}"
                                 for k, x in sorted(v.items())) + r"\}"
    s = str(v)
    if _NUM.match(s):
        if "/" in s:
            n, d = s.split("/")
            return f"\\tfrac{{{n}}}{{{d}}}"
        return s
    return f"\\text{{{tex_text(s)}}}"


def _witness_latex(cex: dict[str, Any]) -> str:
    rows = [f"\\text{{{tex_text(str(k))}}} &= {_witness_value(v)}" for k, v in sorted(cex.items())]
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"
