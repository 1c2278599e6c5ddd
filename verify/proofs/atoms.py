"""Witness search on explicit small states: the obligation with every aggregate replaced by its
value at a state of dimension d ≤ 6 whose eigenvalues, coordinates and noise are unknowns.

Why: the moment obligation (verify.proofs.encode) quantifies over every aggregate vector any state
of any dimension reaches. That is what a proof needs, but it is a large search space, and when it
is satisfiable a solver may time out on it or return a model on the boundary of the moment cone
that verify.proofs.realise cannot turn into a case. Here the search is restricted to one explicit
family of states, so that

* every model IS a state (no realisation step, nothing to round except irrational values), and
* the polynomial system has few unknowns.

The family (a template): D = {1..k_D} with eigenvalues λ_1 ≥ … ≥ λ_k, B = {k+1..d} with
λ_{k+1} ≥ … ≥ λ_d > 0, λ_k > λ_{k+1}; coordinates c_i (any sign) and diagonal noise κ_i² ≥ 0;
s_min = min κ², s_max = max κ² (stated as ≤ all and = one of them). Every aggregate of
verify.proofs.model is the polynomial it is by definition (s^D = Σ_D λ²c², ψ_D = Σ_D λ², …).

Only for witnesses: an unsat answer here says nothing about other states and is never reported.
A sat model becomes a case (`verify.core.cases.make_case`) and is re-checked by the claim's exact
evaluator like every other witness; if a model value is an irrational algebraic number it is
replaced by a nearby rational first, and the re-check decides on the rounded case alone.
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from verify.core.cases import Case, make_case
from verify.proofs.encode import Obligation
from verify.proofs.model import S

F = Fraction
# (|D|, |B|, fixed eigenvalues or None = unknowns): the templates tried, in order. Fixing the
# spectrum leaves a system in c, κ², η only, which z3 decides in well under a second where the
# free-spectrum system times out (thm7: 0.07 s against > 20 s); the spectra are a mild one, an
# ill-conditioned one (λ_1/λ_d = 100) and one with a single dominant direction (k = 1).
TEMPLATES: tuple[tuple[int, int, tuple[Fraction, ...] | None], ...] = (
    (2, 2, (F(4), F(3), F(2), F(1))),
    (2, 2, (F(10), F(5), F(1), F(1, 10))),
    (1, 3, (F(10), F(1), F(1, 2), F(1, 10))),
    (2, 2, None),
)


def _state_symbols(kD: int, kB: int) -> tuple[list[sp.Symbol], list[sp.Symbol], list[sp.Symbol]]:
    d = kD + kB
    lam = [sp.Symbol(f"w_lam{i + 1}", real=True) for i in range(d)]
    c = [sp.Symbol(f"w_c{i + 1}", real=True) for i in range(d)]
    kap = [sp.Symbol(f"w_kap{i + 1}", real=True) for i in range(d)]
    return lam, c, kap


def substitution(kD: int, kB: int, eigs: tuple[Fraction, ...] | None = None
                 ) -> tuple[dict[sp.Symbol, sp.Expr], list[sp.Basic]]:
    """(aggregate symbol → polynomial in the state unknowns, constraints on the unknowns);
    `eigs` fixes the spectrum (rationals, non-increasing, λ_k > λ_{k+1})."""
    lam, c, kap = _state_symbols(kD, kB)
    if eigs is not None:
        lam = [sp.Rational(x.numerator, x.denominator) for x in eigs]
    D, B = range(kD), range(kD, kD + kB)
    smin, smax = sp.Symbol("w_smin", real=True), sp.Symbol("w_smax", real=True)

    def tot(idx: range, f) -> sp.Expr:
        return sp.Add(*[f(i) for i in idx])

    sub: dict[sp.Symbol, sp.Expr] = {
        S["lam1"]: lam[0], S["lamk"]: lam[kD - 1], S["lamk1"]: lam[kD], S["lamd"]: lam[-1],
        S["smin"]: smin, S["smax"]: smax,
    }
    for X, idx in (("D", D), ("B", B)):
        sub[S["s" + X]] = tot(idx, lambda i: lam[i] ** 2 * c[i] ** 2)
        sub[S["t" + X]] = tot(idx, lambda i: lam[i] ** 3 * c[i] ** 2)
        sub[S["u" + X]] = tot(idx, lambda i: lam[i] ** 4 * c[i] ** 2)
        sub[S["e" + X]] = tot(idx, lambda i: lam[i] ** 2 * kap[i])
        sub[S["n" + X]] = tot(idx, lambda i: lam[i] * kap[i])
        sub[S["mu0" + X]] = tot(idx, lambda i: kap[i])
        sub[S["K" + X]] = sp.Integer(len(idx))
        sub[S["Lam" + X]] = tot(idx, lambda i: lam[i])
        sub[S["psi" + X]] = tot(idx, lambda i: lam[i] ** 2)
        sub[S["r0" + X]] = tot(idx, lambda i: c[i] ** 2)
        sub[S["r1" + X]] = tot(idx, lambda i: lam[i] * c[i] ** 2)
    cons: list[sp.Basic] = []
    if eigs is None:
        cons += [sp.Gt(lam[-1], 0), sp.Gt(lam[kD - 1], lam[kD])]
        cons += [sp.Ge(lam[i], lam[i + 1]) for i in range(kD + kB - 1) if i != kD - 1]
    cons += [sp.Ge(k, 0) for k in kap]
    cons += [sp.Le(smin, k) for k in kap] + [sp.Ge(smax, k) for k in kap]
    cons += [sp.Or(*[sp.Eq(smin, k) for k in kap]), sp.Or(*[sp.Eq(smax, k) for k in kap])]
    return sub, cons


def atomic_assertions(o: Obligation, kD: int, kB: int, eigs: tuple[Fraction, ...] | None = None
                      ) -> list[tuple[str, sp.Basic]]:
    """The obligation's definitions, hypotheses and negation at the explicit state (the moment
    conditions are dropped: a state satisfies them by construction)."""
    sub, cons = substitution(kD, kB, eigs)
    out = [(f"state: {sp.sstr(r)}", r) for r in cons]
    for label, rel in o.assertions()[len(o.conditions()):]:
        out.append((label, _subst(rel, sub)))
    return out


def _subst(rel, sub):
    if hasattr(rel, "parts"):  # smt.Disj
        return type(rel)([_subst(p, sub) for p in rel.parts])
    return rel.xreplace(sub)


def case_from_model(values: dict[str, Fraction], kD: int, kB: int, eta: Fraction | None,
                    eigs: tuple[Fraction, ...] | None = None) -> Case:
    """The state of a model (missing unknowns: 0)."""
    d = kD + kB
    lam = list(eigs) if eigs is not None else [values.get(f"w_lam{i + 1}", Fraction(0))
                                                for i in range(d)]
    c = [values.get(f"w_c{i + 1}", Fraction(0)) for i in range(d)]
    kap = [values.get(f"w_kap{i + 1}", Fraction(0)) for i in range(d)]
    return make_case(lam, kD, c, kappa2=kap, eta=eta)
