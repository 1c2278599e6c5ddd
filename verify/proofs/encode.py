"""One proof obligation per encodable claim: conditions ∧ hypotheses ∧ definitions ∧ ¬claim.

Each encoding transcribes the claim's margin function in verify.claims (the margin functions
ARE the statements checked): the margin's guards (where it returns None) become hypotheses,
each quotient x = num/den becomes an auxiliary variable with den ≠ 0 and x·den = num, each square
root z = √D a variable with z ≥ 0 and z² = D, and ¬claim is "margin ≤ 0" for a strict claim,
"margin < 0" for a non-strict one (a min(·,·) margin fails when one of its parts fails).
Formulas are taken from verify.core.theory (Lemma 22's p, q and Lemma 21's expected block
sums, evaluated on a Blocks of symbols) and derivations.projected (η^loss_S), so that the
encoded statement and the exact evaluator share one definition. tests/proofs checks that every
encoding agrees with its margin function's sign on random states.

UNSAT of the obligation proves the claim for every d and every state, because the conditions
are necessary (verify.proofs.model); SAT gives a model that verify.proofs.realise turns into a
case, which is re-checked by the margin function before anything is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

import derivations.projected as dproj
import derivations.symbols as dsym
from verify.core import thresholds as T
from verify.core.theory import Blocks, expected_next_blocks, lemma22_pq
from verify.proofs.model import BASE, COUNTS, ETA, NORMS, S, condition_exprs
from verify.proofs.smt import Disj

Rel = Any  # a SymPy relation / Boolean, or ForAll


@dataclass
class Obligation:
    claim_id: str
    groups: tuple[str, ...]
    strict: bool
    statement: str
    hypotheses: list[tuple[str, Rel]] = field(default_factory=list)
    definitions: list[tuple[str, Rel]] = field(default_factory=list)
    negation: list[tuple[str, Rel]] = field(default_factory=list)  # disjuncts of ¬claim
    aux: list[sp.Symbol] = field(default_factory=list)
    logic: str = "QF_NRA"
    lemmas: dict[str, str] = field(default_factory=dict)  # name → SMT-LIB2 text (unsat = lemma holds)
    polynomial: bool = False
    display: dict[str, Any] = field(default_factory=dict)  # label → relation as written

    def hyp(self, label: str, rel: Rel) -> None:
        self.display[label] = rel
        self.hypotheses.append((label, sign_form(rel)))

    def var(self, name: str) -> sp.Symbol:
        v = sp.Symbol(name, real=True)
        self.aux.append(v)
        return v

    def quot(self, name: str, num: Any, den: Any) -> sp.Expr:
        """x = num/den, recording den ≠ 0 (the margin is undefined at den = 0). Default: a new
        variable x with x·den = num; with `polynomial=True` the quotient itself, and every relation
        is then put in sign form (`sign_form`) — fewer variables, higher degrees (z3 prefers the
        variables: e.g. thm8-main is found sat in 0.02 s with them and times out without)."""
        self.definitions.append((f"{name} defined: denominator ≠ 0", sign_form(sp.Ne(den, 0))))
        if self.polynomial:
            return num / den
        x = self.var(name)
        self.definitions.append((f"{name} = ({num})/({den})", sign_form(sp.Eq(x * den, num))))
        return x

    def root(self, name: str, radicand: Any) -> sp.Symbol:
        """z = √radicand as z ≥ 0, z² = radicand."""
        z = self.var(name)
        self.definitions.append((f"{name} ≥ 0", sp.Ge(z, 0)))
        self.definitions.append((f"{name}² = {radicand}", sign_form(sp.Eq(z**2, radicand))))
        return z

    def fails(self, *parts: tuple) -> None:
        """¬claim for a margin min(parts): some part ≤ 0 (strict) / < 0 (non-strict). A part may be
        (label, m, strict) to fix its own strictness (a statement "0 < x ≤ b" has a strict and a
        non-strict part)."""
        for part in parts:
            label, m = part[0], part[1]
            strict = part[2] if len(part) > 2 else self.strict
            rel = sp.Le(m, 0) if strict else sp.Lt(m, 0)
            self.display[label] = rel
            self.negation.append((label, sign_form(rel)))

    def used(self) -> set[sp.Symbol]:
        out: set[sp.Symbol] = set()
        for _, r in self.definitions + self.hypotheses + self.negation:
            out |= r.free_symbols
        return out

    def conditions(self, interior: bool | str = False) -> list[tuple[str, Rel]]:
        """The conditions; `interior` True makes all strict, a string only those whose label
        starts with it (e.g. "N_": counting measures strictly inside, endpoints get mass)."""
        out = condition_exprs(self.groups, self.used())
        if interior:
            out = [(lab, _strict(r) if interior is True or lab.startswith(interior) else r)
                   for lab, r in out]
        return out

    def symbols(self) -> list[sp.Symbol]:
        names = list(BASE)
        if "count" in self.groups:
            names += COUNTS
        if "norms" in self.groups:
            names += NORMS
        if "eta" in self.groups:
            names += ETA
        return [S[n] for n in names] + self.aux

    def assertions(self, interior: bool | str = False) -> list[tuple[str, Rel]]:
        neg = Disj([r for _, r in self.negation]) if len(self.negation) > 1 else self.negation[0][1]
        if interior is True:
            neg = _strict(neg)
        label = "¬claim: " + " ∨ ".join(lab for lab, _ in self.negation)
        return self.conditions(interior) + self.definitions + self.hypotheses + [(label, neg)]


def sign_form(r: Rel) -> Rel:
    """A relation between rational functions as a polynomial relation with the same truth value
    wherever every recorded denominator is non-zero: for f = n/d (sympy.together, d a product of
    recorded denominators, d ≠ 0), sign(f) = sign(n·d); f = 0 ⇔ n = 0."""
    if isinstance(r, (sp.And, sp.Or)):
        return r.func(*[sign_form(a) for a in r.args])
    if not isinstance(r, sp.core.relational.Relational):
        return r
    n, d = sp.fraction(sp.together(r.lhs - r.rhs))
    if isinstance(r, (sp.Equality, sp.Unequality)):
        return r.func(sp.expand(n), 0)
    return r.func(sp.expand(n * d), 0)


def _strict(r: Rel) -> Rel:
    """Ge → Gt, Le → Lt inside a relation/Boolean (the 'interior' variant used only to find
    witnesses that survive rounding; never used for a proof)."""
    if isinstance(r, sp.GreaterThan):
        return sp.Gt(r.lhs, r.rhs)
    if isinstance(r, sp.LessThan):
        return sp.Lt(r.lhs, r.rhs)
    if isinstance(r, (sp.And, sp.Or)):
        return r.func(*[_strict(a) for a in r.args])
    if isinstance(r, Disj):
        return Disj([_strict(a) for a in r.parts])
    return r


# ------------------------------------------------------------------ shared quantities
_DSYM = {getattr(dsym, n): S[n] for n in ("sD", "sB", "tD", "tB", "uD", "uB", "eD", "eB", "nD",
                                          "nB", "psiD", "psiB", "smin", "smax", "eta")}


def from_derivations(expr: sp.Expr) -> sp.Expr:
    """A derivations/ expression over this module's sign-free real symbols."""
    return expr.xreplace(_DSYM)


def sym_blocks() -> Blocks:
    """verify.core.theory.Blocks with symbols in place of the exact sums."""
    return Blocks(sD=S["sD"], sB=S["sB"], tauD=S["tD"], tauB=S["tB"], uD=S["uD"], uB=S["uB"],
                  psiD=S["psiD"], psiB=S["psiB"], eD=S["eD"], eB=S["eB"], nD=S["nD"], nB=S["nB"],
                  norm2=S["r0D"] + S["r0B"], normD2=S["r0D"])


B_ = sym_blocks()
P, Q = (sp.expand(x) for x in lemma22_pq(B_))
s_tot = S["sD"] + S["sB"]
lam1, lamk, lamk1, lamd, eta = S["lam1"], S["lamk"], S["lamk1"], S["lamd"], S["eta"]


def _open_unit(o: Obligation) -> None:
    o.hyp("s^D > 0 (θ ∈ (0,1))", sp.Gt(S["sD"], 0))
    o.hyp("s^B > 0 (θ ∈ (0,1))", sp.Gt(S["sB"], 0))


def _theta(o: Obligation) -> sp.Symbol:
    return o.quot("theta", S["sD"], s_tot)


def _Theta(o: Obligation) -> sp.Symbol:
    ED, EB = expected_next_blocks(None, B_, eta)  # type: ignore[arg-type]
    return o.quot("Theta", sp.expand(ED), sp.expand(ED + EB))


def _theta_minus_Theta(o: Obligation) -> sp.Expr:
    """A polynomial with the sign of θ − Θ(η): θ − Θ = (s^D·E s'^B − s^B·E s'^D)/(s·E s') with
    E s'^S = s^S − 2ητ^S + η²(u^S + e_S) (Lemma 21), and both denominators are positive — s > 0
    under `_open_unit` (call it first), E s' ≥ 0 for every state (a necessary condition,
    model._chain_cuts) and ≠ 0 where Θ is defined (recorded here). Cross-multiplying by the
    positive denominators keeps the degree low; `sign_form` would multiply by them instead."""
    ED, EB = (sp.expand(x) for x in expected_next_blocks(None, B_, eta))  # type: ignore[arg-type]
    o.definitions.append(("Θ defined: E s' ≠ 0", sign_form(sp.Ne(ED + EB, 0))))
    return sp.expand(S["sD"] * EB - S["sB"] * ED)


def theta_star_coefficients() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Theorem 4's (a, h, m^aux) = (s_min ψ_B, s_max ψ_D, s(λ_1² − λ_d²)) over the aggregate
    symbols, from the one definition (verify.core.thresholds.theta_star_aux)."""
    return T.theta_star_aux(S["smin"], S["smax"], S["psiD"], S["psiB"], s_tot, lam1, lamd)


def _theta_star_defined(o: Obligation) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(a, h, m^aux), with θ*'s guard a ≠ 0, h ≠ 0 recorded as hypotheses."""
    a, h, m = theta_star_coefficients()
    o.hyp("a = s_min ψ_B ≠ 0", sp.Ne(a, 0))
    o.hyp("h = s_max ψ_D ≠ 0", sp.Ne(h, 0))
    return a, h, m


def _theta_at_least_theta_star(o: Obligation) -> None:
    """Hypothesis θ ≥ θ*, without the square root: with a = s_min ψ_B > 0, h = s_max ψ_D > 0 the
    quadratic g(r) = a r² − (m + h − a) r − h has g(0) = −h < 0, hence one negative and one
    positive root r0, and for r = θ/(1 − θ) = s^D/s^B > 0: θ ≥ θ* = r0/(1 + r0) ⇔ r ≥ r0 ⇔
    g(r) ≥ 0 ⇔ s^B² g(s^D/s^B) = a s^D² − (m + h − a) s^D s^B − h s^B² ≥ 0 (call `_open_unit`)."""
    a, h, m = _theta_star_defined(o)
    bb = m + h - a
    sD, sB = S["sD"], S["sB"]
    o.hyp("θ ≥ θ* (g(s^D/s^B) ≥ 0)", sp.Ge(sp.expand(a * sD**2 - bb * sD * sB - h * sB**2), 0))


def _eta_star(o: Obligation) -> sp.Symbol:
    return o.quot("eta_star", -Q, P)


def _eta_pos(o: Obligation) -> None:
    o.hyp("η > 0", sp.Gt(eta, 0))


def _g_gap(o: Obligation) -> sp.Symbol:
    """g_gap = 1/(1 + (s_max/s_min)(λ_{k+1}/λ_k)²(d−k)/k), defined when s_min > 0."""
    # 1/(1 + X/Y) = Y/(Y + X) with Y = s_min λ_k² K_D > 0 (K_D ≥ 1 by the conditions)
    Y, X = _g_gap_parts(o)
    return o.quot("g_gap", Y, Y + X)


def _g_gap_parts(o: Obligation) -> tuple[sp.Expr, sp.Expr]:
    """(Y, X) = (s_min λ_k² K_D, s_max λ_{k+1}² K_B), g_gap = Y/(Y + X), with g_gap's guard
    s_min > 0 recorded as a hypothesis."""
    o.hyp("s_min > 0", sp.Gt(S["smin"], 0))
    return S["smin"] * lamk**2 * S["KD"], S["smax"] * lamk1**2 * S["KB"]


def _theta_at_most_g_gap(o: Obligation) -> None:
    """Hypothesis θ ≤ g_gap cross-multiplied by the positive denominators (call `_open_unit`
    first): θ = s^D/s, g_gap = Y/(Y + X) with Y = s_min λ_k² K_D > 0 (s_min > 0, K_D ≥ 1) and
    X = s_max λ_{k+1}² K_B ≥ 0, so θ ≤ g_gap ⇔ s^D (Y + X) ≤ Y s ⇔ s^D X ≤ Y s^B."""
    Y, X = _g_gap_parts(o)
    o.hyp("θ ≤ g_gap (s^D X ≤ Y s^B)", sp.Le(sp.expand(S["sD"] * X), sp.expand(Y * S["sB"])))


def _one_minus_theta_star(o: Obligation) -> sp.Symbol:
    """1 − θ* = 1/(1 + r0), r0 the positive root of a r² − (m + h − a) r − h (a = s_min ψ_B,
    h = s_max ψ_D, m = s(λ_1² − λ_d²)); defined when a ≠ 0 and h ≠ 0."""
    a, h, m = _theta_star_defined(o)
    r0 = o.var("r0")
    bb = m + h - a
    z = o.root("sqrt_disc", bb**2 + 4 * a * h)
    o.definitions.append(("r0 = (b + √(b² + 4ah))/(2a)", sp.Eq(2 * a * r0, bb + z)))
    return o.quot("one_minus_theta_star", 1, 1 + r0)  # 1 + r0 > 0 (r0 ≥ 0 from the definition)


def _alpha(o: Obligation) -> sp.Symbol:
    return o.quot("alpha", s_tot * (S["tD"] * S["sB"] - S["tB"] * S["sD"]), S["sD"] * S["sB"])


def _delta_crit(o: Obligation) -> tuple[sp.Symbol, sp.Symbol]:
    """δ = 1 − θ^crit = 2n_B/((α+n) + √((α+n)² − 4αn_B)); defined when s^D, s^B > 0, α > 0, n_B ≠ 0."""
    _open_unit(o)
    al = _alpha(o)
    o.hyp("α > 0", sp.Gt(al, 0))
    o.hyp("n_B ≠ 0", sp.Ne(S["nB"], 0))
    N = S["nB"] + S["nD"]
    z = o.root("sqrt_crit", (al + N) ** 2 - 4 * al * S["nB"])
    return o.quot("delta_crit", 2 * S["nB"], (al + N) + z), al


def _loss(o: Obligation, X: str) -> tuple[sp.Symbol, sp.Expr]:
    """η^loss_X = 2s^X/(τ^X + n^loss_X) (derivations.projected) and E ΔL_X (Theorem 10)."""
    el = dproj.eta_loss_D if X == "D" else dproj.eta_loss_B
    num, den = sp.fraction(from_derivations(el))
    x = o.quot(f"eta_loss_{X}", num, den)
    dl = -eta * S["s" + X] + eta**2 * (S["t" + X] + S["n" + X]) / 2
    return x, dl


# ------------------------------------------------------------------ claims
# Each claim's encoding lives in its unit (verify/claims/secN.py, field `encoding`: the function
# that adds its hypotheses and negation to an Obligation, and its condition groups); the claims
# that are not encoded say why (field `not_encoded`).

# condition groups per claim (verify.proofs.model.condition_exprs) + "eta" when η is a variable
_B = ("nu", "noise")
_C = ("nu", "noise", "count", "sandwich")  # noise tied to s_min, s_max, ψ, |S|
_K = ("nu", "count")  # uses s_min, s_max, ψ, |S| but not e, n
_N = _C + ("norms",)  # Theorem 7: s_max ψ_D, ‖x‖², and p, q (which contain e_S)
_E = ("eta",)
_CUTS = ("cuts",)  # redundant consequences of the conditions (model._chain_cuts)
