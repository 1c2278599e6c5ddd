"""Derivation objects and their SymPy checks."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

# the relation a step of each kind states (lhs REL rhs); printers read it, never decide it
KIND_RELATION = {"identity": "=", "substitution": "=", "nonneg": "≥", "differs": "≠"}


@dataclass(frozen=True)
class Relation:
    """One exported mathematical statement `lhs rel rhs`, rel ∈ {=, ≠, ≥, >, ≤, <, ⇔}."""

    lhs: sp.Expr
    rel: str
    rhs: sp.Expr


@dataclass(frozen=True)
class Step:
    """One step of a derivation.

    kind = "identity": lhs − rhs simplifies to 0 (states lhs = rhs).
    kind = "substitution": lhs (a defining equation with the closed form substituted) is 0
        (states lhs = 0).
    kind = "nonneg": lhs, written in the non-negative symbols `nonneg`, expands to a
        polynomial (after clearing the positive denominator) with non-negative
        coefficients, which proves lhs ≥ 0 under the hypotheses (states lhs ≥ 0; rhs is 0).
    kind = "differs": lhs − rhs does NOT simplify to 0 (a recorded disagreement with the paper;
        states lhs ≠ rhs).
    `where`: the auxiliary variables the step introduces, each (symbol, its definition in the
    paper's quantities), printed as "where a = …" beside the step.
    `relation`: the relation the step states; it must be the one its kind proves.
    """

    description: str
    lhs: sp.Expr
    rhs: sp.Expr = sp.Integer(0)
    kind: str = "identity"
    nonneg: tuple[sp.Symbol, ...] = ()
    where: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()
    relation: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KIND_RELATION:
            raise ValueError(f"unknown step kind {self.kind}")
        rel = self.relation or KIND_RELATION[self.kind]
        if rel != KIND_RELATION[self.kind]:
            raise ValueError(f"a {self.kind} step states '{KIND_RELATION[self.kind]}', not '{rel}'")
        object.__setattr__(self, "relation", rel)
        if self.kind in ("substitution", "nonneg") and sp.sympify(self.rhs) != 0:
            raise ValueError(f"a {self.kind} step compares its lhs with 0")

    def relations(self) -> tuple[Relation, ...]:
        """What the step states, as exported: its relation; a non-negativity certificate also
        states the identity lhs = N/D, with N and D the expanded numerator and denominator whose
        coefficients are non-negative (what `check_step` verifies)."""
        main = Relation(self.lhs, self.relation, self.rhs)
        if self.kind != "nonneg":
            return (main,)
        num, den = sp.fraction(sp.together(self.lhs))
        return (main, Relation(self.lhs, "=", sp.expand(num) / sp.expand(den)))


@dataclass(frozen=True)
class Derivation:
    """A derivation: closed forms (name → expression, printed as definitions), steps, and
    `where`: definitions of auxiliary symbols its closed forms use."""

    id: str
    title: str
    reference: str
    hypotheses: tuple[str, ...]
    closed_forms: dict[str, sp.Expr]
    steps: tuple[Step, ...]
    disagreements: tuple[str, ...] = field(default_factory=tuple)
    where: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()


def held(build):
    """The expression `build()` builds, kept as built: SymPy evaluates nothing while it is built, so
    a step's side states its computation (h(0) as α·0² + (−α + n_B + n_D)·0 − n_D, −q/p with p and
    q written out) and `check_step` decides the step (expand/simplify evaluate it). A side built
    the ordinary way is often evaluated to the other side already, and the step then prints, and
    'checks', x = x."""
    with sp.evaluate(False):
        return build()


def _zero(expr: sp.Expr) -> bool:
    e = sp.together(sp.expand(expr))
    if e == 0:
        return True
    return sp.simplify(e) == 0


def check_step(step: Step) -> bool:
    """True when SymPy confirms the step (for kind 'differs': confirms the difference ≠ 0)."""
    if step.kind in ("identity", "substitution"):
        return _zero(step.lhs - step.rhs)
    if step.kind == "differs":
        return not _zero(step.lhs - step.rhs)
    if step.kind == "nonneg":
        num, den = sp.fraction(sp.together(step.lhs))
        den_poly = sp.Poly(sp.expand(den), *step.nonneg)
        num_poly = sp.Poly(sp.expand(num), *step.nonneg)
        # denominator must be a positive constant or have positive coefficients only
        ok_den = all(_positive_coeff(c) for c in den_poly.coeffs())
        ok_num = all(_nonneg_coeff(c) for c in num_poly.coeffs())
        return ok_den and ok_num
    raise ValueError(f"unknown step kind {step.kind}")


def _nonneg_coeff(c: sp.Expr) -> bool:
    c = sp.expand(c)
    if c.is_number:
        return bool(c >= 0)
    # a coefficient in other (positive) symbols: all its own terms must be non-negative
    return all(t.is_nonnegative or (t.as_coeff_Mul()[0] >= 0 and t.free_symbols and all(
        s.is_positive for s in t.free_symbols)) for t in sp.Add.make_args(c))


def _positive_coeff(c: sp.Expr) -> bool:
    c = sp.expand(c)
    if c.is_number:
        return bool(c > 0)
    return all(t.as_coeff_Mul()[0] > 0 and all(s.is_positive for s in t.free_symbols)
               for t in sp.Add.make_args(c))


def check_derivation(der: Derivation) -> list[tuple[Step, bool]]:
    return [(s, check_step(s)) for s in der.steps]


def gaussian_expectation(expr: sp.Expr, zeta: sp.Symbol, var: sp.Expr) -> sp.Expr:
    """E over ζ ~ N(0, var) of a polynomial in ζ, using E ζ^{2n} = var^n (2n−1)!!, odd → 0."""
    poly = sp.Poly(sp.expand(expr), zeta)
    out = sp.Integer(0)
    for (power,), coeff in poly.terms():
        if power % 2 == 0:
            out += coeff * var ** (power // 2) * sp.factorial2(power - 1 if power else 0)
    return sp.expand(out)
