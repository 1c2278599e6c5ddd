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

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

import derivations.projected as dproj
import derivations.symbols as dsym
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

    def fails(self, *parts: tuple[str, Any]) -> None:
        """¬claim for a margin min(parts): some part ≤ 0 (strict) / < 0 (non-strict)."""
        for label, m in parts:
            rel = sp.Le(m, 0) if self.strict else sp.Lt(m, 0)
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


def _eta_star(o: Obligation) -> sp.Symbol:
    return o.quot("eta_star", -Q, P)


def _eta_pos(o: Obligation) -> None:
    o.hyp("η > 0", sp.Gt(eta, 0))


def _g_gap(o: Obligation) -> sp.Symbol:
    """g_gap = 1/(1 + (s_max/s_min)(λ_{k+1}/λ_k)²(d−k)/k), defined when s_min > 0."""
    o.hyp("s_min > 0", sp.Gt(S["smin"], 0))
    # 1/(1 + X/Y) = Y/(Y + X) with Y = s_min λ_k² K_D > 0 (K_D ≥ 1 by the conditions)
    Y = S["smin"] * lamk**2 * S["KD"]
    return o.quot("g_gap", Y, Y + S["smax"] * lamk1**2 * S["KB"])


def _one_minus_theta_star(o: Obligation) -> sp.Symbol:
    """1 − θ* = 1/(1 + r0), r0 the positive root of a r² − (m + h − a) r − h (a = s_min ψ_B,
    h = s_max ψ_D, m = s(λ_1² − λ_d²)); defined when a ≠ 0 and h ≠ 0."""
    a, h = S["smin"] * S["psiB"], S["smax"] * S["psiD"]
    M = s_tot * (lam1**2 - lamd**2)
    o.hyp("a = s_min ψ_B ≠ 0", sp.Ne(a, 0))
    o.hyp("h = s_max ψ_D ≠ 0", sp.Ne(h, 0))
    r0 = o.var("r0")
    bb = M + h - a
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
def _lem22_bound(o: Obligation) -> None:
    o.fails(("2s^Bs^D(λ_{k+1}−λ_k) − q", 2 * S["sB"] * S["sD"] * (lamk1 - lamk) - Q))


def _thm2(o: Obligation) -> None:
    _open_unit(o)
    _eta_pos(o)
    es = _eta_star(o)
    o.hyp("η* > 0", sp.Gt(es, 0))
    o.hyp("η < η*", sp.Lt(eta, es))
    o.fails(("θ − Θ(η)", _theta(o) - _Theta(o)))


def _thm3(o: Obligation) -> None:
    gg = _g_gap(o)
    es = _eta_star(o)
    _open_unit(o)
    _eta_pos(o)
    th = _theta(o)
    o.hyp("θ ≤ g_gap", sp.Le(th, gg))
    o.hyp("η > η*", sp.Gt(eta, es))
    o.fails(("Θ(η) − θ", _Theta(o) - th))


def _thm3_bounds(o: Obligation) -> None:
    gg = _g_gap(o)
    # g_noise = 1/(1 + s_maxψ_B/(s_minψ_D)) = s_minψ_D/(s_minψ_D + s_maxψ_B), s_minψ_D > 0
    Y = S["smin"] * S["psiD"]
    gn = o.quot("g_noise", Y, Y + S["smax"] * S["psiB"])
    o.fails(("g_gap", gg), ("1 − g_gap", 1 - gg), ("g_noise − g_gap", gn - gg))


def _thm4_corrected(o: Obligation) -> None:
    om = _one_minus_theta_star(o)
    _open_unit(o)
    _eta_pos(o)
    th = _theta(o)
    o.hyp("θ ≥ θ*", sp.Ge(th, 1 - om))
    o.fails(("θ − Θ(η)", th - _Theta(o)))


THM4_ROOT_LEMMA = """(set-logic NRA)
; lemma used by the thm4 obligation (quantifier elimination done by hand, checked here):
; for a >= 0, h >= 0:  (exists r > 0: a r^2 - bb r - h = 0)  <=>  QF(a, h, bb)
; unsat <=> the lemma holds
(declare-const a Real)
(declare-const h Real)
(declare-const bb Real)
(assert (>= a 0))
(assert (>= h 0))
(assert (not (= (exists ((r Real)) (and (> r 0) (= (- (* a r r) (* bb r) h) 0)))
   (or (and (> a 0) (or (> h 0) (> bb 0))) (and (= a 0) (< (* h bb) 0))
       (and (= a 0) (= bb 0) (= h 0))))))
(check-sat)
"""


def _thm4_printed(o: Obligation) -> None:
    """Printed Theorem 4 (Tr Σ ∈ (0,∞) only): ∃ r0 > 0 root of a r² − (m+h−a) r − h, and
    θ ≥ θ* = r0/(1+r0) ⇒ Θ(η) < θ for every η > 0. Negation: Tr Σ > 0 ∧ (no positive root ∨
    ∃ positive root r0, η > 0 with θ ≥ θ*, Θ(η) ≥ θ). "No positive root" is written without a
    quantifier through THM4_ROOT_LEMMA (a, h ≥ 0), which both solvers are asked to prove too."""
    a, h = S["smin"] * S["psiB"], S["smax"] * S["psiD"]
    M = s_tot * (lam1**2 - lamd**2)
    bb = M + h - a
    o.lemmas["thm4-root-lemma"] = THM4_ROOT_LEMMA
    _eta_pos(o)  # a case's η is positive; the claim is "for every η > 0"
    o.hyp("Tr Σ > 0 (some κ_i² > 0, i.e. n^loss_D + n^loss_B > 0)", sp.Gt(S["nD"] + S["nB"], 0))
    has_root = sp.Or(sp.And(sp.Gt(a, 0), sp.Or(sp.Gt(h, 0), sp.Gt(bb, 0))),
                     sp.And(sp.Eq(a, 0), sp.Lt(h * bb, 0)), sp.And(sp.Eq(a, 0), sp.Eq(bb, 0), sp.Eq(h, 0)))
    r0 = o.var("r0")
    ED, EB = expected_next_blocks(None, B_, eta)  # type: ignore[arg-type]
    # θ ≥ r0/(1+r0) and Θ ≥ θ, with denominators cleared (1 + r0 > 0, s > 0, E s' > 0)
    bad_state = sp.And(sp.Gt(r0, 0), sp.Eq(a * r0**2 - bb * r0 - h, 0), sp.Gt(S["sD"], 0),
                       sp.Gt(S["sB"], 0), sp.Gt(eta, 0), sp.Ge(S["sD"] * (1 + r0), r0 * s_tot),
                       sp.Gt(ED + EB, 0), sp.Ge(ED * s_tot, S["sD"] * (ED + EB)))
    o.negation.append(("no θ* ∈ (0,1) exists", sp.Not(has_root)))
    o.negation.append(("θ ≥ θ* but Θ(η) ≥ θ", bad_state))


def _thm5_corrected(o: Obligation) -> None:
    om = _one_minus_theta_star(o)
    a, h = S["smin"] * S["psiB"], S["smax"] * S["psiD"]
    M = s_tot * (lam1**2 - lamd**2)
    lo = o.quot("lo", a, 2 * a + M + h)
    hi = o.quot("hi", a, M + h)
    o.fails(("(1 − θ*) − a/(2a+m+h)", om - lo), ("a/(m+h) − (1 − θ*)", hi - om))


def _thm5_lower(o: Obligation) -> None:
    om = _one_minus_theta_star(o)
    bound = o.quot("beta_over_m2", S["KB"] * lamk1**2, S["KD"] * lamk**2)  # ((d−k)/k)(λ_{k+1}/λ_k)²
    o.fails(("β/m² − (1 − θ*)", bound - om))


def _thm6(o: Obligation) -> None:
    om = _one_minus_theta_star(o)
    gg = _g_gap(o)
    o.hyp("s ≠ 0", sp.Ne(s_tot, 0))
    o.fails(("θ* − g_gap", (1 - om) - gg))


def _thm7_parts(o: Obligation, corrected: bool) -> tuple[sp.Symbol, sp.Symbol, sp.Symbol]:
    es = _eta_star(o)
    _open_unit(o)
    if corrected:
        o.hyp("p > 0", sp.Gt(P, 0))
    th = _theta(o)
    gap1, M = lamk - lamk1, lam1**2 - lamd**2
    X = o.quot("X7", S["smax"] * S["psiD"], lamd**2 * (S["r0D"] + S["r0B"]) * th)
    lower = o.quot("thm7_lower", 2 * gap1, M + X)
    Y = o.quot("Y7", lam1**2 * S["smax"] * S["psiD"], lamk**2 * lamd**2 * S["r0D"])
    remark = o.quot("thm7_remark", 2 * gap1, M + Y)
    return es, lower, remark


def _thm7(o: Obligation) -> None:
    es, lower, _ = _thm7_parts(o, False)
    o.fails(("η* − 2gap1/(λ_1²−λ_d² + s_maxψ_D/(λ_d²‖x‖²θ))", es - lower))


def _thm7_remark(o: Obligation) -> None:
    es, _, remark = _thm7_parts(o, False)
    o.fails(("η* − remark bound", es - remark))


def _thm7_corrected(o: Obligation) -> None:
    es, lower, remark = _thm7_parts(o, True)
    o.fails(("η* − Thm 7 bound", es - lower), ("η* − remark bound", es - remark))


def _thm8_hyp(o: Obligation) -> None:
    _open_unit(o)
    o.hyp("e_B + e_D > 0", sp.Gt(S["eB"] + S["eD"], 0))
    thr = o.quot("thm8_threshold", S["eB"], S["eB"] + S["eD"])
    o.hyp("θ ≥ e_B/(e_B+e_D)", sp.Ge(_theta(o), thr))


def _thm8(factor: int) -> Callable[[Obligation], None]:
    def enc(o: Obligation) -> None:
        es = _eta_star(o)
        _thm8_hyp(o)
        bound = o.quot("thm8_bound", factor * (lam1 - lamd), lamk * lam1 - lamk1 * lamd)
        o.fails(("bound − η*", bound - es))
    return enc


def _thm8_corrected(o: Obligation) -> None:
    es = _eta_star(o)
    _open_unit(o)
    o.hyp("s^B e_D − s^D e_B ≥ 0", sp.Ge(S["sB"] * S["eD"] - S["sD"] * S["eB"], 0))
    o.fails(("2/(λ_k+λ_d) − η*", o.quot("thm8c_bound", 2, lamk + lamd) - es))


def _cor9(o: Obligation) -> None:
    es = _eta_star(o)
    _thm8_hyp(o)
    o.fails(("2/λ_1 − η*", o.quot("cor9_bound", 2, lam1) - es))


def _thm10(o: Obligation) -> None:
    _eta_pos(o)
    parts = []
    for X in ("D", "B"):
        el, dl = _loss(o, X)
        o.hyp(f"η ≠ η^loss_{X}", sp.Ne(eta, el))
        parts.append((f"−EΔL_{X}·(η^loss_{X} − η)", -dl * (el - eta)))
    o.fails(*parts)


def _intro_box(o: Obligation) -> None:
    _eta_pos(o)
    o.hyp("s^D ≠ 0", sp.Ne(S["sD"], 0))
    box = o.quot("eta_box", 2 * S["sD"], S["uD"] + S["nD"])
    o.hyp("η ≠ η_box", sp.Ne(eta, box))
    dl = -eta * S["sD"] + eta**2 * (S["tD"] + S["nD"]) / 2
    o.fails(("−EΔL_D·(η_box − η)", -dl * (box - eta)))


def _lem23(corrected: bool) -> Callable[[Obligation], None]:
    def enc(o: Obligation) -> None:
        _open_unit(o)
        if corrected:
            o.hyp("n_D ≠ 0", sp.Ne(S["nD"], 0))
            o.hyp("n_B ≠ 0", sp.Ne(S["nB"], 0))
        al = _alpha(o)
        o.fails(("α", al), ("n^loss_D (= −γ)", S["nD"]), ("n^loss_B (= h(1))", S["nB"]))
    return enc


def _lem24(o: Obligation) -> None:
    d, _ = _delta_crit(o)
    o.hyp("n_D ≠ 0", sp.Ne(S["nD"], 0))
    o.fails(("1 − θ^crit", d), ("θ^crit", 1 - d))


def _thm11(o: Obligation) -> None:
    d, _ = _delta_crit(o)
    o.hyp("n_D ≠ 0", sp.Ne(S["nD"], 0))
    elD, _ = _loss(o, "D")
    elB, _ = _loss(o, "B")
    o.hyp("η^loss_D ≠ η^loss_B", sp.Ne(elD, elB))
    o.fails(("(η^loss_D − η^loss_B)(θ − θ^crit)", (elD - elB) * (_theta(o) - (1 - d))))


def _sec5_interval(o: Obligation) -> None:
    elD, dD = _loss(o, "D")
    elB, dB = _loss(o, "B")
    o.hyp("η^loss_D < η", sp.Lt(elD, eta))
    o.hyp("η < η^loss_B", sp.Lt(eta, elB))
    o.fails(("E ΔL_D", dD), ("−E ΔL_B", -dB))


def _thm13(which: str) -> Callable[[Obligation], None]:
    def enc(o: Obligation) -> None:
        d, al = _delta_crit(o)
        base = s_tot * (lamk - lamk1)
        nB, nD = S["nB"], S["nD"]
        if which == "upper":
            o.fails(("n_B/(s(λ_k−λ_{k+1})) − (1 − θ^crit)", o.quot("up13", nB, base) - d))
        elif which == "lower":
            o.fails(("(1 − θ^crit) − n_B/(s(λ_k−λ_{k+1}) + n_B + n_D)",
                     d - o.quot("lo13", nB, base + nB + nD)))
        else:
            o.fails(("(1 − θ^crit) − n_B/(α + n_B + n_D)", d - o.quot("lo13c", nB, al + nB + nD)),
                    ("n_B/α − (1 − θ^crit)", o.quot("up13c", nB, al) - d))
    return enc


# condition groups per claim (verify.proofs.model.condition_exprs) + "eta" when η is a variable
_B = ("nu", "noise")
_C = ("nu", "noise", "count", "sandwich")  # noise tied to s_min, s_max, ψ, |S|
_K = ("nu", "count")  # uses s_min, s_max, ψ, |S| but not e, n
_N = _C + ("norms",)  # Theorem 7: s_max ψ_D, ‖x‖², and p, q (which contain e_S)
_E = ("eta",)
ENCODINGS: dict[str, tuple[Callable[[Obligation], None], tuple[str, ...]]] = {
    "lem22-bound": (_lem22_bound, _B),
    "thm2": (_thm2, _B + _E),
    "thm3": (_thm3, _C + _E),
    "thm3-bounds": (_thm3_bounds, _K),
    "thm4": (_thm4_printed, _C + _E),
    "thm4-corrected": (_thm4_corrected, _C + _E),
    "thm5-corrected": (_thm5_corrected, _K),
    "thm5-lower": (_thm5_lower, _K),
    "thm6": (_thm6, _K),
    "thm7": (_thm7, _N),
    "thm7-remark": (_thm7_remark, _N),
    "thm7-corrected": (_thm7_corrected, _N),
    "thm8-main": (_thm8(1), _B),
    "thm8-app": (_thm8(2), _B),
    "thm8-corrected": (_thm8_corrected, _B),
    "cor9": (_cor9, _B),
    "thm10": (_thm10, _B + _E),
    "intro-box": (_intro_box, _B + _E),
    "lem23": (_lem23(False), _B),
    "lem23-corrected": (_lem23(True), _B),
    "lem24": (_lem24, _B),
    "thm11": (_thm11, _B),
    "sec5-interval": (_sec5_interval, _B + _E),
    "thm13-upper": (_thm13("upper"), _B),
    "thm13-lower": (_thm13("lower"), _B),
    "thm13-corrected": (_thm13("corrected"), _B),
}

NOT_ENCODED: dict[str, str] = {
    "lem20": "a limit statement (concentration as d → ∞ under Assumption 1), not first-order in the "
             "aggregates; checked by the replication special checker",
    "lem21": "an identity; its SymPy derivation (salign derive lem21) is already a proof for every d",
    "lem22": "an identity; proved symbolically by its derivation",
    "thm5": "asymptotic rate with unspecified constants α, β uniform over a family (∃α,β ∀m): not a "
            "statement about one aggregate vector; its corrected two-sided bound thm5-corrected is encoded",
    "thm7-approx": "an identity on a two-level spectrum; proved symbolically",
    "thm10-exact": "an identity; proved symbolically",
    "thm12": "a limit m → ∞ along families; thm13-corrected's bounds imply it but the limit itself is "
             "not a first-order formula",
    "thm13-rate": "a Θ(·) rate along families (constants uniform over m): not first-order in one "
                  "aggregate vector; the two-sided bound thm13-corrected is encoded instead",
    "lem25": "an identity; proved symbolically (derivation lem20)",
    "lem26": "an identity in t (Gaussian recursion); proved symbolically",
    "lem27": "a limit over the random trajectory (d → ∞); not first-order in the aggregates",
    "lem28": "a limit over the random trajectory (d → ∞); not first-order in the aggregates",
    "asm14": "an assumption about the paper's settings (a fact about given numbers), not a claim over states",
    "thm15": "a statement along the expected CSGD trajectory for t < t* (an exponential-in-t sequence), "
             "not a first-order statement about one aggregate vector",
    "thm15-abs": "a statement along the expected CSGD trajectory for t < t* (as thm15), not first-order "
                 "in one aggregate vector",
    "thm16": "a limit t → ∞ of the trajectory; checked by the special checker",
    "thm16-small-eta": "a limit η → 0; proved symbolically",
    "sec7-two-phase": "empirical statement about the paper's experiments",
    "sec7-limit": "empirical statement about the paper's experiments",
    "sec7-phase1-poly": "empirical statement about the paper's experiments",
    "sec7-log-m": "empirical statement about the paper's experiments",
    "conclusion": "empirical statement about the paper's experiments",
}


def build(claim_id: str, strict: bool | None = None, polynomial: bool = False) -> Obligation:
    """The obligation of a claim (strictness from the registry unless given, e.g. by a mutant)."""
    from verify.claims import CLAIMS_BY_ID

    enc, groups = ENCODINGS[claim_id]
    st = CLAIMS_BY_ID[claim_id].strict if strict is None else strict
    o = Obligation(claim_id, groups, st, CLAIMS_BY_ID[claim_id].statement, polynomial=polynomial)
    enc(o)
    return o
