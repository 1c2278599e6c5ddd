"""Derivation objects and their SymPy checks."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp


@dataclass(frozen=True)
class Step:
    """One step of a derivation.

    kind = "identity": lhs − rhs simplifies to 0.
    kind = "substitution": lhs (a defining equation with the closed form substituted) is 0.
    kind = "nonneg": lhs, written in the non-negative symbols `nonneg`, expands to a
        polynomial (after clearing the positive denominator `rhs`) with non-negative
        coefficients, which proves lhs ≥ 0 under the hypotheses.
    kind = "differs": lhs − rhs does NOT simplify to 0 (a recorded disagreement with the paper).
    """

    description: str
    lhs: sp.Expr
    rhs: sp.Expr = sp.Integer(0)
    kind: str = "identity"
    nonneg: tuple[sp.Symbol, ...] = ()


@dataclass(frozen=True)
class Derivation:
    id: str
    title: str
    reference: str
    hypotheses: tuple[str, ...]
    closed_forms: dict[str, sp.Expr]
    steps: tuple[Step, ...]
    disagreements: tuple[str, ...] = field(default_factory=tuple)


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
