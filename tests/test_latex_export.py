"""The LaTeX export states exactly what the derivations state: every exported relation, parsed back
into SymPy with SymPy's Lark LaTeX parser, has the derivation's relation symbol and the same two
sides (their difference simplifies to the derivation's own difference); every symbol is in the
paper's notation table or defined in the output before it is used; a planted printer bug fails;
the standalone document and the audit's report.tex compile where TeX is installed."""

from __future__ import annotations

import functools
import re
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from texcompile import compile_tex

from derivations import notation
from derivations.core import Relation
from derivations.registry import get_derivations
from verify.report.latex import derivations_body, derivations_document, tex_text
from verify.report.render import derivations_data

lark = pytest.importorskip("lark")
from sympy.parsing.latex import parse_latex_lark  # noqa: E402


def _lexicon() -> tuple[re.Pattern, dict[str, sp.Symbol]]:
    """A regex matching every table name as a whole token (longest first, never inside a LaTeX
    command word), and name → symbol."""
    inverse: dict[str, sp.Symbol] = {}
    for sym, name in notation.TABLE.items():
        inverse[name.latex] = sym
    alts = sorted(inverse, key=len, reverse=True)
    pat = re.compile(r"(?<![\\A-Za-z])(?:" + "|".join(re.escape(a) for a in alts) + r")(?![A-Za-z])")
    return pat, inverse


# single-letter placeholders (Lark reads x_{10} badly); e, i, E, I are constants to the parser
_PLACEHOLDERS = [c for c in "abcdfghjklmnopqrstuvwxyzABCDFGHJKLMNOPQRSTUVWXYZ"]


def parse_relation(tex: str) -> tuple[sp.Expr, str, sp.Expr]:
    """Parse one exported relation back into SymPy: the paper's names are replaced by placeholder
    letters (so that s^{D}_{t} is not read as a power), Lark parses the rest, and the
    placeholders are mapped back to the table's symbols. A name the table does not know survives
    as a foreign symbol (and fails the comparison)."""
    pat, inverse = _lexicon()
    back: dict[sp.Symbol, sp.Symbol] = {}

    given: dict[sp.Symbol, str] = {}

    def sub(mt: re.Match) -> str:
        sym = inverse[mt.group(0)]
        if sym not in given:
            given[sym] = _PLACEHOLDERS[len(given)]
            back[sp.Symbol(given[sym])] = sym
        return " " + given[sym] + " "

    # sizing commands carry no meaning; Lark's grammar reads '\left' as '\le' + 'ft'
    plain = pat.sub(sub, tex)
    for a, b in ((r"\left(", "("), (r"\right)", ")"), (r"\left|", "|"), (r"\right|", "|")):
        plain = plain.replace(a, b)
    # the relation symbol is read from the text (exactly one at brace depth 0) and each side is
    # parsed on its own: Lark builds Eq(a, b) eagerly, which would collapse η = η to True
    ops = _top_level_relations(plain)
    if len(ops) != 1:
        raise AssertionError(f"expected one relation symbol at the top level of {tex!r}, found {ops}")
    (pos, op), = ops
    lhs = _parse_side(plain[:pos].strip()).xreplace(back)
    rhs = _parse_side(plain[pos + len(op):].strip()).xreplace(back)
    return lhs, _TEX_REL[op.strip()], rhs


@functools.cache
def _parse_side(plain: str) -> sp.Expr:
    """Lark's parse of one side written in placeholder letters (cached: Lark's Earley parser takes
    ~0.4 s a side, and the planted-bug tests re-read mostly unchanged sides)."""
    return parse_latex_lark(plain)


_TEX_REL = {"=": "=", r"\neq": "≠", r"\geq": "≥", ">": ">", r"\leq": "≤", "<": "<"}
_REL_TOKEN = re.compile(r" (=|\\neq|\\geq|\\leq|>|<) ")


def _top_level_relations(tex: str) -> list[tuple[int, str]]:
    out = []
    for mt in _REL_TOKEN.finditer(tex):
        depth = tex[:mt.start()].count("{") - tex[:mt.start()].count("}")
        if depth == 0:
            out.append((mt.start(), mt.group(0)))
    return out


def parse_expr(tex: str) -> sp.Expr:
    lhs, rel, rhs = parse_relation(f"0 = {tex}")
    return rhs


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    d = sp.sympify(a) - sp.sympify(b)
    return d == 0 or sp.simplify(sp.expand(d)) == 0


def _exported() -> list[tuple[str, str, Relation]]:
    """(where, exported LaTeX, the derivation's own relation) for every exported relation and
    closed form (a closed form as 'name = expression')."""
    out = []
    ders = get_derivations()
    data = derivations_data(ders)
    for der, d in zip(ders, data):
        for (key, expr), f in zip(der.closed_forms.items(), d["closed_forms"].values()):
            out.append((f"{der.id}:{key}", "0 = " + f["latex"], Relation(sp.Integer(0), "=", expr)))
        for i, (step, row) in enumerate(zip(der.steps, d["steps"]), 1):
            rels = step.relations()
            out.append((f"{der.id} step {i}", row["latex"], rels[0]))
            if len(rels) > 1:
                out.append((f"{der.id} step {i} certificate", row["certificate"]["latex"], rels[1]))
            for w in row["where"]:
                sym = next(s for s, _ in step.where if str(s) == w["symbol"])
                defn = dict(step.where)[sym]
                out.append((f"{der.id} step {i} where {w['symbol']}",
                            f"{w['latex']} = {w['definition_latex']}", Relation(sym, "=", defn)))
    return out


def roundtrip_failures() -> list[str]:
    bad = []
    for where, tex, rel in _exported():
        try:
            lhs, r, rhs = parse_relation(tex)
        except Exception as exc:  # a parse failure is a failure of the export
            bad.append(f"{where}: does not parse ({type(exc).__name__}: {exc})")
            continue
        if r != rel.rel:
            bad.append(f"{where}: printed '{r}', the derivation states '{rel.rel}'")
        elif not _same(lhs - rhs, rel.lhs - rel.rhs):
            bad.append(f"{where}: the printed sides differ from the derivation's")
    return bad


def test_every_exported_relation_round_trips():
    exported = _exported()
    assert len(exported) >= 60
    assert roundtrip_failures() == []


def test_every_step_carries_its_relation_in_every_format():
    """JSON, text, LaTeX and MathML of a step all carry the Step's own relation."""
    for der, d in zip(get_derivations(), derivations_data(get_derivations())):
        for step, row in zip(der.steps, d["steps"]):
            rel = step.relation
            tex_rel, text_rel, ml_rel = notation.RELATIONS[rel]
            assert row["relation"] == rel
            assert f" {tex_rel} " in row["latex"]
            assert f" {text_rel} " in row["text"]
            assert f"<mo>{ml_rel}</mo>" in row["mathml"]
    # a non-negativity certificate is printed as ≥, never as '= 0'
    kinds = {row["kind"]: row["relation"] for d in derivations_data(get_derivations())
             for row in d["steps"]}
    assert kinds["nonneg"] == "≥" and kinds["differs"] == "≠"


def test_planted_printer_bugs_fail_the_round_trip(monkeypatch):
    # 1. a relation printed as '='
    rel = dict(notation.RELATIONS)
    rel["≥"] = ("=", "=", "=")
    monkeypatch.setattr(notation, "RELATIONS", rel)
    assert any("printed '='" in b for b in roundtrip_failures())
    monkeypatch.undo()
    # 2. a subscript dropped: the printer writes λ_{k+1} as λ_{k}
    _plant_symbol_printer(monkeypatch, "lambda_k1", r"\lambda_{k}")
    assert any("sides differ" in b for b in roundtrip_failures())
    monkeypatch.undo()
    # 3. the printer ignores the table for one symbol (κ² printed as SymPy's \kappa_{2})
    _plant_symbol_printer(monkeypatch, "kappa2", r"\kappa_{2}")
    assert roundtrip_failures()
    monkeypatch.undo()
    assert roundtrip_failures() == []  # and the real printer passes again


def _plant_symbol_printer(monkeypatch, name: str, wrong: str) -> None:
    real = notation._Latex._print_Symbol

    def planted(self, expr, style="plain"):
        return wrong if expr.name == name else real(self, expr, style)

    monkeypatch.setattr(notation._Latex, "_print_Symbol", planted)


def test_symbol_table_names_are_distinct():
    names = [n.latex for n in notation.TABLE.values()]
    assert len(names) == len(set(names))
    texts = [n.text for n in notation.TABLE.values()]
    assert len(texts) == len(set(texts))


def _display_blocks(body: str) -> list[str]:
    return re.findall(r"\\\[\n(.*?)\n\\\]", body, flags=re.S)


def test_no_undefined_symbol_in_the_latex_output():
    """Every symbol printed is the paper's own (table entry with paper=True) or is defined in the
    output: a 'Notation not named in the paper' clause before its first use, or the `where` clause
    of the step that introduces it (right after the step's displays)."""
    body = derivations_body(derivations_data(get_derivations()))
    pat, inverse = _lexicon()
    defined: set[sp.Symbol] = set()
    chunks = body.split("\n\n")
    for i, chunk in enumerate(chunks):
        if chunk.startswith("Notation not named in the paper:") or chunk.lower().startswith("where "):
            for mt in re.finditer(r"\$(.*?)(?: = |\$)", chunk):
                head = mt.group(1).split(" = ")[0]
                if head in inverse:
                    defined.add(inverse[head])
        if chunk.startswith("\\["):
            formula = chunk[3:-3]
            labels = {lab for lab, _ in notation.LABELS.values()}
            head, sep, rest = formula.partition(" = ")
            if sep and head in labels:  # a closed form: its name, then its expression
                formula = "0 = " + rest
            syms = {inverse[m.group(0)] for m in pat.finditer(formula)}
            # the where clause of this step follows its displays
            later = set()
            for nxt in chunks[i + 1:]:
                if nxt.startswith("Step ") or nxt.startswith("% "):
                    break
                if nxt.startswith("where "):
                    later |= {inverse[h] for h in re.findall(r"\$([^$]*?) = ", nxt) if h in inverse}
            missing = [str(s) for s in syms if not notation.TABLE[s].paper
                       and s not in defined and s not in later]
            assert not missing, (formula[:80], missing)
            # nothing outside the table: the formula parses with no foreign symbol
            lhs, _, rhs = parse_relation(formula)
            foreign = sp.sympify(lhs - rhs).free_symbols - set(notation.TABLE)
            assert not foreign, (formula[:80], foreign)


def test_latex_output_is_ascii_and_uses_display_math():
    body = derivations_body(derivations_data(get_derivations()))
    assert body.isascii()
    assert "$$" not in body
    assert body.endswith("\n")
    doc = derivations_document(derivations_data(get_derivations()))
    assert doc.startswith("\\documentclass") and doc.rstrip().endswith("\\end{document}")
    assert doc.endswith("\n")


def test_tex_text_refuses_unknown_characters():
    assert tex_text("θ ≥ g_gap") == r"$\theta$ $\geq$ $g_{gap}$"
    with pytest.raises(ValueError):
        tex_text("unknown ☃")


_POINT = st.fractions(min_value=Fraction(1, 7), max_value=Fraction(9, 2), max_denominator=50)


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_printed_relations_agree_at_random_rational_points(data):
    """Both the printed relation (parsed back) and the derivation's relation, evaluated at random
    positive rational points: the differences of the two sides agree exactly."""
    exported = _exported()
    where, tex, rel = exported[data.draw(st.integers(0, len(exported) - 1), label="relation")]
    lhs, r, rhs = parse_relation(tex)
    syms = sorted((sp.sympify(lhs - rhs).free_symbols | sp.sympify(rel.lhs - rel.rhs).free_symbols),
                  key=str)
    vals = {}
    for s in syms:
        f = data.draw(_POINT, label=str(s))
        vals[s] = sp.Rational(f.numerator, f.denominator)
    a = sp.sympify(lhs - rhs).xreplace(vals)
    b = sp.sympify(rel.lhs - rel.rhs).xreplace(vals)
    if a.has(sp.zoo, sp.nan) or b.has(sp.zoo, sp.nan):
        return  # a pole of both sides at this point (a denominator vanishes)
    assert r == rel.rel
    assert sp.nsimplify(sp.simplify(a - b)) == 0, where


def test_standalone_derivations_compile(tmp_path):
    import contextlib
    import io

    from verify.cli import main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["derive", "--format", "latex", "--standalone"]) == 0
    compile_tex(buf.getvalue(), tmp_path, "derivations")


def test_readme_bibtex_is_the_one_the_audit_writes():
    from pathlib import Path

    from verify.report.latex import BIBTEX

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bibtex\n(.*?)```", readme, flags=re.S)
    assert block and block.group(1) == BIBTEX
    assert (Path(__file__).resolve().parent.parent / "CITATION.cff").exists()
