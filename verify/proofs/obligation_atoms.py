"""A proof obligation as atoms over exact polynomials, and its SHA-256: what a certificate refers to.

An obligation (verify.proofs.encode.Obligation) is conditions ∧ definitions ∧ hypotheses ∧
(¬claim₁ ∨ … ∨ ¬claim_r). Splitting the disjunction gives r *systems*; the obligation is
infeasible iff every system is. Each system is a list of atoms p ⋈ 0 with p a polynomial with
rational coefficients and ⋈ one of

    ge: p ≥ 0,   gt: p > 0,   eq: p = 0,   ne: p ≠ 0

(a relation a ≤ b is stored as b − a ≥ 0, a < b as b − a > 0). A polynomial is a canonical
tuple of (exponent vector over the sorted variable names, coefficient) pairs, so that the hash
below depends on the mathematics only, never on SymPy's printing order.

This module is shared by the certificate search (verify.proofs.certificate) and the independent
checker (verify.proofs.certcheck); it uses SymPy only to read the obligation's relations into
exact rational polynomials (no float anywhere).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

Monomial = tuple[int, ...]
Poly = tuple[tuple[Monomial, Fraction], ...]  # sorted, no zero coefficient


@dataclass(frozen=True)
class Atom:
    """p ⋈ 0 with ⋈ = kind ∈ {ge, gt, eq, ne}; label is the obligation's own label."""

    label: str
    kind: str
    poly: Poly


@dataclass(frozen=True)
class System:
    """One disjunct of ¬claim together with every condition, definition and hypothesis."""

    disjunct: str
    atoms: tuple[Atom, ...]


@dataclass(frozen=True)
class AtomicObligation:
    claim_id: str
    variables: tuple[str, ...]
    systems: tuple[System, ...]

    def sha256(self) -> str:
        """SHA-256 of the canonical JSON of the variables and every system's atoms."""
        doc = {"claim_id": self.claim_id, "variables": list(self.variables),
               "systems": [{"disjunct": s.disjunct,
                            "atoms": [[a.label, a.kind, poly_json(a.poly)] for a in s.atoms]}
                           for s in self.systems]}
        text = json.dumps(doc, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("ascii")).hexdigest()


def poly_json(p: Poly) -> list[list]:
    return [[list(m), str(c)] for m, c in p]


def poly_of(expr: sp.Expr, names: tuple[str, ...]) -> Poly:
    """A SymPy polynomial expression as a canonical Poly over the variables `names` (symbols are
    matched by name, whatever their assumptions)."""
    gens = [sp.Symbol(n, real=True) for n in names]
    sub = {s: g for s in expr.free_symbols for g in gens if s.name == g.name}
    pe = sp.Poly(sp.expand(expr.xreplace(sub)), *gens, domain="QQ")
    out = []
    for m, c in pe.terms():
        q = sp.Rational(c)
        out.append((tuple(int(e) for e in m), Fraction(int(q.p), int(q.q))))
    return tuple(sorted(out))


def expr_of(terms, names: tuple[str, ...]) -> sp.Expr:
    """The SymPy expression of (monomial, coefficient) terms over the variables `names`."""
    gens = [sp.Symbol(n) for n in names]
    return sp.Add(*[sp.Rational(str(c)) * sp.Mul(*[g**e for g, e in zip(gens, m)]) for m, c in terms])


_KIND = {sp.GreaterThan: "ge", sp.StrictGreaterThan: "gt", sp.LessThan: "ge",
         sp.StrictLessThan: "gt", sp.Equality: "eq", sp.Unequality: "ne"}


def _atom(label: str, rel, names: tuple[str, ...]) -> list[Atom]:
    if isinstance(rel, sp.Not) and isinstance(rel.args[0], sp.core.relational.Relational):
        rel = rel.args[0].negated  # over the reals ¬(p ≥ 0) is p < 0, and so on
    if isinstance(rel, sp.And):
        return [a for i, r in enumerate(rel.args) for a in _atom(f"{label} [{i + 1}]", r, names)]
    for cls, kind in _KIND.items():
        if isinstance(rel, cls):
            lhs, rhs = (rel.rhs, rel.lhs) if cls in (sp.LessThan, sp.StrictLessThan) else (rel.lhs, rel.rhs)
            return [Atom(label, kind, poly_of(lhs - rhs, names))]
    raise NotAtomic(f"{label}: not a conjunction of polynomial sign conditions "
                    f"({type(rel).__name__}), which this certificate form cannot express")


class NotAtomic(ValueError):
    """An assertion outside the certificate's language (a disjunction inside a hypothesis, a
    quantifier)."""


def atomize(o) -> AtomicObligation:
    """The obligation `o` (verify.proofs.encode.Obligation) as systems of polynomial atoms."""
    assertions = o.assertions()
    *common, (_neg_label, neg) = assertions
    names = tuple(sorted({s.name for _, r in assertions for s in r.free_symbols}))
    base = [a for lab, r in common for a in _atom(lab, r, names)]
    parts = o.negation
    systems = []
    for lab, r in parts:
        systems.append(System(lab, tuple(base + _atom("¬claim: " + lab, r, names))))
    del neg
    return AtomicObligation(o.claim_id, names, tuple(systems))
