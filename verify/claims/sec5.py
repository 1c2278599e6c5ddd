"""§5 of the paper and Appendix A.7: projected SGD (Dom-SGD, Bulk-SGD), the loss thresholds
η^loss_S and the critical alignment θ^crit_t.

One unit per claim: its margin or special checker directly above its declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import sympy as sp

import verify.proofs.encode as E
from verify.claims.common import (
    crit_family,
    delta_crit,
    in_open_unit,
    log_slope,
    sign_minus_delta_crit,
    theta,
)
from verify.claims.unit import A1, Claim
from verify.core import results as R
from verify.core import thresholds as T
from verify.core.cases import Case
from verify.core.signs import Decided, arb, decided_min
from verify.core.theory import blocks

F = Fraction

def m_thm10(case: Case):
    """E ΔL_S < 0 ⇔ 0 < η < η^loss_S for both S; margin = min over S of −E ΔL·(η^loss − η)."""
    b = blocks(case)
    out = []
    for sS, tS, nS in ((b.sD, b.tauD, b.nD), (b.sB, b.tauB, b.nB)):
        if tS + nS == 0:
            return None
        el = T.eta_loss(sS, tS, nS)
        if case.eta == el:
            return None
        out.append(-T.expected_loss_change(case.eta, sS, tS, nS) * (el - case.eta))
    return min(out)



def enc_thm10(o: E.Obligation) -> None:
    E._eta_pos(o)
    parts = []
    for X in ("D", "B"):
        el, dl = E._loss(o, X)
        o.hyp(f"η ≠ η^loss_{X}", sp.Ne(E.eta, el))
        parts.append((f"−EΔL_{X}·(η^loss_{X} − η)", -dl * (el - E.eta)))
    o.fails(*parts)


def enc_thm10_edge(X: str) -> Callable[[E.Obligation], None]:
    """Theorem 10 at its edge η = η^loss_X (X ∈ {D, B}), which `enc_thm10` cuts out with
    η ≠ η^loss_X. There the right side "0 < η < η^loss_X" is false, so the equivalence says its
    left side is false too: E ΔL_X ≥ 0, with E ΔL_X = −ηs^X + ½η²(τ^X + n^loss_X) and
    η^loss_X = 2s^X/(τ^X + n^loss_X) (τ^X + n^loss_X ≠ 0). ¬claim: E ΔL_X < 0. (Unsat:
    E ΔL_X = ½η(τ^X + n^loss_X)(η − η^loss_X) = 0 at the edge.)"""

    def enc(o: E.Obligation) -> None:
        E._eta_pos(o)
        el, dl = E._loss(o, X)
        o.hyp(f"η = η^loss_{X}", sp.Eq(E.eta, el))
        o.fails((f"E ΔL_{X}", dl, False))

    enc.__name__ = f"enc_thm10_edge_{X}"
    return enc


def enc_thm10_block(X: str) -> Callable[[E.Obligation], None]:
    """Theorem 10 for block X alone, at every η > 0 with η ≠ η^loss_X: −E ΔL_X·(η^loss_X − η) > 0
    (E ΔL_X < 0 ⇔ η < η^loss_X). `enc_thm10` decides both blocks under the guards of both
    (η ≠ η^loss_D, η ≠ η^loss_B, τ^S + n^loss_S ≠ 0 for S = D, B), so it leaves out block X's
    statement at the states where only the other block's guard fails (η = η^loss_Y, or
    τ^Y + n^loss_Y = 0: no Y-component and no Y-noise); this obligation has X's guards only."""

    def enc(o: E.Obligation) -> None:
        E._eta_pos(o)
        el, dl = E._loss(o, X)
        o.hyp(f"η ≠ η^loss_{X}", sp.Ne(E.eta, el))
        o.fails((f"−EΔL_{X}·(η^loss_{X} − η)", -dl * (el - E.eta), True))

    enc.__name__ = f"enc_thm10_block_{X}"
    return enc


THM10 = Claim(
    id="thm10",
    reference="§5 Theorem 10",
    statement="E[ΔL|x_t] < 0 ⇔ 0 < η < η^loss_S = 2s^S/(τ^S + n^loss_S), "
    "S ∈ {D,B}",
    hypotheses="x_t fixed, η > 0",
    quantity="−E ΔL_S·(η^loss_S − η)",
    kind="equivalence",
    margin=m_thm10,
    derivation="thm10",
    needs_eta=True,
    eta_mode="around_loss",
    sides=("expected_loss_change_dsgd", "eta_loss_D", "expected_loss_change_bsgd",
           "eta_loss_B"),
    encoding=(enc_thm10, E._B + E._E),
    edges=tuple((f"η = η^loss_{X}: E[ΔL|x_t] < 0 fails for {X}SGD (E ΔL_{X} ≥ 0), as "
                 f"0 < η < η^loss_{X} does", enc_thm10_edge(X), E._B + E._E) for X in ("D", "B"))
    + tuple((f"{X}SGD's equivalence at every η ≠ η^loss_{X} with block {X}'s guards alone, "
             f"including η = η^loss_{Y} and τ^{Y} + n^loss_{Y} = 0",
             enc_thm10_block(X), E._B + E._E) for X, Y in (("D", "B"), ("B", "D"))),
)


THM10_EXACT = Claim(
    id="thm10-exact",
    reference="§5 Theorem 10; App. A.7",
    statement="E[ΔL|x_t] = −ηs^S + ½η²(τ^S + n^loss_S)",
    hypotheses="x_t fixed",
    quantity="identity",
    kind="identity",
    derivation="thm10",
    not_encoded="an identity; proved symbolically",
)


def m_intro_box(case: Case):
    """Box claim: E ΔL_D < 0 ⇔ η < η_box. Margin = −(E ΔL_D)·(η_box − η) > 0 when consistent."""
    b = blocks(case)
    if b.uD + b.nD == 0 or b.sD == 0:
        return None
    box = T.eta_loss_intro_box(b.sD, b.uD, b.nD)
    dl = T.expected_loss_change(case.eta, b.sD, b.tauD, b.nD)
    if case.eta == box:
        return None
    return -dl * (box - case.eta)


def compare_intro_box(case: Case):
    """(the box's threshold, Theorem 10's η^loss_D): how far the printed λ⁴ threshold is off."""
    b = blocks(case)
    if b.uD + b.nD == 0 or b.sD == 0 or b.tauD + b.nD == 0:
        return None
    return T.eta_loss_intro_box(b.sD, b.uD, b.nD), T.eta_loss(b.sD, b.tauD, b.nD)


def _explain_box(case: Case) -> str:
    b = blocks(case)
    dl = T.expected_loss_change(case.eta, b.sD, b.tauD, b.nD)
    box = T.eta_loss_intro_box(b.sD, b.uD, b.nD)
    right = T.eta_loss(b.sD, b.tauD, b.nD)
    side = "below" if case.eta < box else "above"
    does = "raises" if dl > 0 else "lowers"
    return (f"At the witness η = {case.eta} is {side} the box's threshold {float(box):.6g}, yet Dom-SGD "
            f"{does} the expected loss (E ΔL_D = {float(dl):.6g}): the sign flips at Theorem 10's "
            f"η^loss_D = 2s^D/(τ^D + n^loss_D) = {float(right):.6g} (λ³), not at the box's λ⁴ form")



def enc_intro_box(o: E.Obligation) -> None:
    E._eta_pos(o)
    o.hyp("s^D ≠ 0", sp.Ne(E.S["sD"], 0))
    box = o.quot("eta_box", 2 * E.S["sD"], E.S["uD"] + E.S["nD"])
    o.hyp("η ≠ η_box", sp.Ne(E.eta, box))
    dl = -E.eta * E.S["sD"] + E.eta**2 * (E.S["tD"] + E.S["nD"]) / 2
    o.fails(("−EΔL_D·(η_box − η)", -dl * (box - E.eta)))


INTRO_BOX = Claim(
    id="intro-box",
    reference="§1 'Answer to Problem 2'",
    statement="η^loss_S = 2Σ_Sλ²c²/(Σ_Sλ⁴c² + Σ_Sλκ²)",
    hypotheses="x_t fixed",
    quantity="−E ΔL_D·(η_box − η)",
    kind="equivalence",
    margin=m_intro_box,
    derivation="intro-box",
    needs_eta=True,
    eta_mode="around_box",
    corrected_by="thm10",
    sides=("expected_loss_change_dsgd", "eta_loss_D_intro_box", "eta_loss_D"),
    explain=_explain_box,
    compare=compare_intro_box,
    compare_names=("the box's threshold η_box", "Theorem 10's η^loss_D"),
    encoding=(enc_intro_box, E._B + E._E),
)


def _explain_lem23(case: Case) -> str:
    b = blocks(case)
    gone = [n for n, v in (("n^loss_D", b.nD), ("n^loss_B", b.nB)) if v == 0]
    return (f"At the witness {' and '.join(gone) or 'no noise sum'} = 0 (noise absent from a block, "
            "which Assumption 1's Tr Σ ∈ (0, ∞) allows): γ = −n^loss_D < 0 or h(1) = n^loss_B > 0 "
            "fails by equality — a missing hypothesis (lem23-corrected adds n^loss_D, n^loss_B > 0)")


def m_lem23(case: Case, corrected: bool = False):
    """min(α, n^loss_D, n^loss_B) where Assumption 1 holds: θ ∈ (0,1) and Tr Σ > 0 (Tr Σ = 0 ⇔
    n^loss_D + n^loss_B = Σλ_iκ_i² = 0, since λ_i > 0 and κ_i² ≥ 0)."""
    b = blocks(case)
    if not in_open_unit(case) or b.nD + b.nB == 0:
        return None
    if corrected and (b.nD == 0 or b.nB == 0):
        return None
    alpha = b.s * (b.tauD / b.sD - b.tauB / b.sB)
    return min(alpha, b.nD, b.nB)  # α > 0, γ = −n_D < 0, h(1) = n_B > 0



def enc_lem23(corrected: bool) -> Callable[[E.Obligation], None]:
    def enc(o: E.Obligation) -> None:
        E._open_unit(o)
        if corrected:  # (n_D, n_B ≠ 0 with n ≥ 0 imply Tr Σ > 0)
            o.hyp("n_D ≠ 0", sp.Ne(E.S["nD"], 0))
            o.hyp("n_B ≠ 0", sp.Ne(E.S["nB"], 0))
        else:
            o.hyp("Tr Σ > 0 (Assumption 1): n_D + n_B > 0", sp.Gt(E.S["nD"] + E.S["nB"], 0))
        al = E._alpha(o)
        o.fails(("α", al), ("n^loss_D (= −γ)", E.S["nD"]), ("n^loss_B (= h(1))", E.S["nB"]))
    return enc


LEM23 = Claim(
    id="lem23",
    reference="App. A.7 Lemma 23",
    statement="∀x_t: α_t > 0, γ_t < 0, h(0) < 0, h(1) > 0",
    hypotheses="Assumption 1 (Tr Σ ∈ (0,∞))",
    quantity="min(α, n_D, n_B)",
    kind="inequality",
    margin=m_lem23,
    derivation="lem23",
    corrected_by="lem23-corrected",
    sides=("alpha", "gamma", "n_loss_D", "n_loss_B"),
    explain=_explain_lem23,
    missing_hypothesis=lambda case: blocks(case).nD > 0 and blocks(case).nB > 0,
    encoding=(enc_lem23(False), E._B),
)


def m_lem23_corrected(case: Case):
    """Lemma 23 with n^loss_D, n^loss_B > 0."""
    return m_lem23(case, True)


LEM23_CORRECTED = Claim(
    id="lem23-corrected",
    reference="App. A.7 Lemma 23, with n^loss_D, n^loss_B > 0",
    statement="α_t > 0, γ_t < 0, "
    "h(0) < 0, h(1) > 0 when both blocks carry noise",
    hypotheses="n^loss_D, n^loss_B > 0; θ ∈ (0,1)",
    quantity="min(α, n_D, n_B)",
    kind="inequality",
    margin=m_lem23_corrected,
    derivation="lem23",
    sides=("alpha", "gamma", "n_loss_D", "n_loss_B"),
    encoding=(enc_lem23(True), E._B),
)


def m_lem24(case: Case):
    d = delta_crit(case)
    b = blocks(case)
    if d is None or b.nD == 0:
        return None
    # δ > 0 always (g(0) = n_B > 0); the sign of 1 − δ is decided exactly
    return decided_min(Decided(1, d), Decided(sign_minus_delta_crit(case, Fraction(1)), 1 - d))



def enc_lem24(o: E.Obligation) -> None:
    d, _ = E._delta_crit(o)
    o.hyp("n_D ≠ 0", sp.Ne(E.S["nD"], 0))
    o.fails(("1 − θ^crit", d), ("θ^crit", 1 - d))


def _lem24_h(o: E.Obligation) -> tuple[sp.Expr, sp.Expr, sp.Expr, sp.Expr]:
    """Lemma 24's setting as in `enc_lem24` (s^D, s^B > 0, α > 0, n_B ≠ 0, n_D ≠ 0; with the
    conditions n_D ≥ 0 this is γ = −n_D < 0): θ^crit = 1 − δ from `encode._delta_crit`, and
    h(θ) = αθ² + βθ + γ with β = −α + n_B + n_D, γ = −n_D (Lemma 23). Returns
    (θ^crit, α, β, γ)."""
    d, al = E._delta_crit(o)
    o.hyp("n_D ≠ 0", sp.Ne(E.S["nD"], 0))
    return 1 - d, al, -al + E.S["nB"] + E.S["nD"], -E.S["nD"]


def _differs(o: E.Obligation, name: str, x: sp.Expr, y: sp.Expr) -> None:
    """¬claim "x = y" as the two strict sides x − y < 0 ∨ y − x < 0 (the margins x − y and y − x
    of the non-strict claims x − y ≥ 0, y − x ≥ 0)."""
    o.fails((name, x - y, False), (f"−({name})", y - x, False))


def enc_lem24_edge_root(o: E.Obligation) -> None:
    """Lemma 24: θ^crit (the encoding's 1 − δ, δ = 2n_B/((α+n) + √((α+n)² − 4αn_B))) is a
    root of h: h(θ^crit) = 0. ¬claim: h(θ^crit) ≠ 0."""
    tc, al, beta, gamma = _lem24_h(o)
    _differs(o, "h(θ^crit)", al * tc**2 + beta * tc + gamma, sp.Integer(0))


def enc_lem24_edge_unique(o: E.Obligation) -> None:
    """Lemma 24: the root of h in (0,1) is unique: every ϑ with 0 < ϑ < 1 and h(ϑ) = 0 equals
    θ^crit. ϑ is a free variable (∀ϑ in the claim, ∃ϑ in its negation). ¬claim: ϑ ≠ θ^crit.
    (Unsat: h(0) = γ < 0 < n_B = h(1) and α > 0, so h has one root in (0,1).)"""
    tc, al, beta, gamma = _lem24_h(o)
    v = o.var("vartheta")
    o.hyp("0 < ϑ", sp.Gt(v, 0))
    o.hyp("ϑ < 1", sp.Lt(v, 1))
    o.hyp("h(ϑ) = 0", sp.Eq(al * v**2 + beta * v + gamma, 0))
    _differs(o, "ϑ − θ^crit", v, tc)


def enc_lem24_edge_formula(o: E.Obligation) -> None:
    """Lemma 24's explicit root: θ^crit = (−β + √(β² − 4αγ))/(2α), the square root a variable
    w ≥ 0 with w² = β² − 4αγ (≥ 0 here, as αγ < 0) and the quotient a variable (α ≠ 0).
    ¬claim: θ^crit ≠ (−β + w)/(2α)."""
    tc, al, beta, gamma = _lem24_h(o)
    w = o.root("sqrt_lem24", beta**2 - 4 * al * gamma)
    printed = o.quot("theta_crit_printed", -beta + w, 2 * al)
    _differs(o, "θ^crit − (−β + √(β²−4αγ))/(2α)", tc, printed)


LEM24 = Claim(
    id="lem24",
    reference="App. A.7 Lemma 24",
    statement="h has a unique root θ^crit ∈ (0,1), "
    "θ^crit = (−β + √(β²−4αγ))/(2α)",
    hypotheses="α > 0, γ < 0",
    quantity="min(θ^crit, 1 − θ^crit)",
    kind="inequality",
    margin=m_lem24,
    derivation="lem24",
    sides=("theta_crit",),
    encoding=(enc_lem24, E._B),
    edges=(("θ^crit is a root of h: h(θ^crit) = 0", enc_lem24_edge_root, E._B),
           ("the root of h in (0,1) is unique: 0 < ϑ < 1, h(ϑ) = 0 ⇒ ϑ = θ^crit",
            enc_lem24_edge_unique, E._B),
           ("the explicit root: θ^crit = (−β + √(β²−4αγ))/(2α)", enc_lem24_edge_formula, E._B)),
    # edge 3: 2α(1 − θ^crit) = A − √crit (A = α + n_B + n_D) and β² − 4αγ = √crit², so the
    # printed root's square root is √crit and 2αθ^crit = −β + √(β² − 4αγ)
    edge_sketches=((), (), (
        "A := alpha + n_B + n_D", "sqrt_crit - alpha + n_B >= 0", "A + sqrt_crit > 0",
        "2*alpha*delta_crit - A + sqrt_crit == 0", "sqrt_lem24 - sqrt_crit >= 0",
        "sqrt_lem24 - sqrt_crit <= 0", "sqrt_lem24 - sqrt_crit == 0")),
)


def m_thm11(case: Case):
    d = delta_crit(case)
    b = blocks(case)
    if d is None or b.nD == 0 or b.tauD + b.nD == 0 or b.tauB + b.nB == 0:
        return None
    diff = T.eta_loss(b.sD, b.tauD, b.nD) - T.eta_loss(b.sB, b.tauB, b.nB)
    if diff == 0:
        return None
    # θ − θ^crit = δ − (1 − θ): its sign is −sign((1 − θ) − δ), decided exactly
    sgn = (diff > 0) - (diff < 0)
    return Decided(sgn * -sign_minus_delta_crit(case, 1 - theta(case)),
                   arb(diff) * (arb(theta(case)) - (1 - d)))



def enc_thm11(o: E.Obligation) -> None:
    d, _ = E._delta_crit(o)
    o.hyp("n_D ≠ 0", sp.Ne(E.S["nD"], 0))
    elD, _ = E._loss(o, "D")
    elB, _ = E._loss(o, "B")
    o.hyp("η^loss_D ≠ η^loss_B", sp.Ne(elD, elB))
    o.fails(("(η^loss_D − η^loss_B)(θ − θ^crit)", (elD - elB) * (E._theta(o) - (1 - d))))


def enc_thm11_edge(o: E.Obligation) -> None:
    """Theorem 11 at its edge η^loss_D = η^loss_B, which `enc_thm11` cuts out with
    η^loss_D ≠ η^loss_B. There neither η^loss_D < η^loss_B nor the reverse holds, so the two
    equivalences say neither θ < θ^crit nor θ > θ^crit: θ = θ^crit. Same setting as `enc_thm11`
    (θ = s^D/s ∈ (0,1), α > 0, n_B, n_D ≠ 0, θ^crit = 1 − δ). ¬claim: θ ≠ θ^crit. (Unsat:
    η^loss_D = η^loss_B ⇔ s^D(τ^B+n_B) = s^B(τ^D+n_D) ⇔ h(θ) = 0, and h has one root in (0,1).)"""
    d, _ = E._delta_crit(o)
    o.hyp("n_D ≠ 0", sp.Ne(E.S["nD"], 0))
    elD, _ = E._loss(o, "D")
    elB, _ = E._loss(o, "B")
    o.hyp("η^loss_D = η^loss_B", sp.Eq(elD, elB))
    _differs(o, "θ − θ^crit", E._theta(o), 1 - d)


# with u = 1 − θ = s_B/s and A = α + n_B + n_D: η^loss_D − η^loss_B has the sign of
# W = s_D(n_B + τ_B) − s_B(n_D + τ_D) = s·(αu² − Au + n_B) = s·Q·R, Q = θ − θ^crit, R = α(δ' − u) > 0
# (δ' the larger root of αδ² − Aδ + n_B); so (η^loss_D − η^loss_B)·Q·K = 2s·Q²·R > 0 when Q ≠ 0
_THETA_CRIT_FACTOR_STEPS = (
    "A := alpha + n_B + n_D", "R := A - alpha*delta_crit - alpha*(1 - theta)",
    "Q := delta_crit - 1 + theta", "W := s_D*(n_B + tau_B) - s_B*(n_D + tau_D)",
    "n_D + tau_D > 0", "n_B + tau_B > 0", "sqrt_crit - alpha + n_B >= 0",
    "A + sqrt_crit > 0", "2*alpha*delta_crit - A + sqrt_crit == 0",
    "alpha*delta_crit**2 - A*delta_crit + n_B == 0", "theta > 0", "R > 0", "(s_B + s_D)*R > 0",
    "W - (s_B + s_D)*Q*R >= 0", "W - (s_B + s_D)*Q*R <= 0", "W - (s_B + s_D)*Q*R == 0",
)
_SKETCH_THM11 = _THETA_CRIT_FACTOR_STEPS + (
    "K := (n_D + tau_D)*(n_B + tau_B)", "K > 0", "Q != 0",
)
# edge 1 (η^loss_D = η^loss_B): then W = 0, so s·Q·R = 0 with s, R > 0: θ = θ^crit
_SKETCH_THM11_EDGES = (_THETA_CRIT_FACTOR_STEPS + ("W >= 0", "W <= 0"),)

THM11 = Claim(
    id="thm11",
    reference="§5 Theorem 11",
    statement="θ_t < θ^crit_t ⇔ η^loss_D < η^loss_B (and reverse)",
    hypotheses="θ ∈ (0,1), n_D, n_B > 0",
    quantity="(η^loss_D − η^loss_B)(θ − θ^crit)",
    kind="equivalence",
    margin=m_thm11,
    derivation="thm11",
    sides=("theta", "theta_crit", "eta_loss_D", "eta_loss_B"),
    encoding=(enc_thm11, E._B),
    sketch=_SKETCH_THM11,
    edge_sketches=_SKETCH_THM11_EDGES,
    edges=(("η^loss_D = η^loss_B ⇒ θ_t = θ^crit_t (neither strict side holds)",
            enc_thm11_edge, E._B),),
)


def m_sec5_interval(case: Case):
    b = blocks(case)
    if b.tauD + b.nD == 0 or b.tauB + b.nB == 0:
        return None
    eD, eB = 2 * b.sD / (b.tauD + b.nD), 2 * b.sB / (b.tauB + b.nB)
    if not eD < case.eta < eB:
        return None
    dD = -case.eta * b.sD + case.eta**2 * (b.tauD + b.nD) / 2
    dB = -case.eta * b.sB + case.eta**2 * (b.tauB + b.nB) / 2
    return min(dD, -dB)



def enc_sec5_interval(o: E.Obligation) -> None:
    elD, dD = E._loss(o, "D")
    elB, dB = E._loss(o, "B")
    o.hyp("η^loss_D < η", sp.Lt(elD, E.eta))
    o.hyp("η < η^loss_B", sp.Lt(E.eta, elB))
    o.fails(("E ΔL_D", dD), ("−E ΔL_B", -dB))


SEC5_INTERVAL = Claim(
    id="sec5-interval",
    reference="§5 summary",
    statement="η ∈ (η^loss_D, η^loss_B) ⇒ DSGD raises, BSGD lowers the "
    "expected loss",
    hypotheses="x_t fixed",
    quantity="min(E ΔL_D, −E ΔL_B)",
    kind="inequality",
    margin=m_sec5_interval,
    derivation="sec5-interval",
    needs_eta=True,
    eta_mode="between_loss",
    sides=("expected_loss_change_dsgd", "expected_loss_change_bsgd", "eta_loss_D",
           "eta_loss_B"),
    encoding=(enc_sec5_interval, E._B + E._E),
)


def thm12(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    ms = [F(2) ** j for j in range(1, 12)]
    fam = crit_family(lambda m: ([m, m, 1, 1], 2), [1, 1, 1, 1], ms)
    fam2 = crit_family(lambda m: ([1, 1, 1 / m, 1 / m], 2), [1, 1, 1, 1], ms)
    mono = all(fam[i + 1][2] < fam[i][2] for i in range(len(fam) - 1))
    mono2 = all(fam2[i + 1][2] < fam2[i][2] for i in range(len(fam2) - 1))
    sl, sl2 = log_slope([float(m) for m in ms], [float(d.mid()) for _, _, d in fam]), log_slope(
        [float(m) for m in ms], [float(d.mid()) for _, _, d in fam2])
    ev = (f"1 − θ^crit along m = 2..2048: dominant scaled up (λ_D = m): {fam[-1][2].str(3, radius=False)}"
          f" at m = 2048, fitted order m^{sl:.2f}; bulk scaled down (λ_B = 1/m): "
          f"{fam2[-1][2].str(3, radius=False)}, order m^{sl2:.2f}; both → 0 (40-digit balls)")
    return R.CheckResult(claim.id, R.CHECKED_NUMERICALLY if mono and mono2 else R.INCONCLUSIVE,
                         ev, n_states=2 * len(ms), dps=40,
                         min_margin=fam[-1][2].str(5, radius=False), certified=True)


THM12 = Claim(
    id="thm12",
    reference="§5 Theorem 12",
    statement="lim_{m→∞} θ^crit_t = 1",
    hypotheses=A1,
    quantity="1 − θ^crit along m → ∞",
    kind="limit",
    special=thm12,
    derivation="thm12",
    not_encoded="a limit m → ∞ along families; thm13-corrected's bounds imply it but the limit itself is "
             "not a first-order formula",
)


def m_thm13(case: Case, which: str):
    d = delta_crit(case)
    b, lam, k = blocks(case), case.eigenvalues, case.k
    if d is None:
        return None
    base = b.s * (lam[k - 1] - lam[k])
    alpha = T.alpha_crit(b.sD, b.sB, b.tauD, b.tauB)

    def above(r: Fraction) -> Decided:  # r − δ, sign decided exactly
        return Decided(sign_minus_delta_crit(case, r), arb(r) - d)

    def below(r: Fraction) -> Decided:  # δ − r
        return Decided(-sign_minus_delta_crit(case, r), d - arb(r))

    if which == "upper":
        return above(b.nB / base)
    if which == "lower":
        return below(b.nB / (base + b.nB + b.nD))
    return decided_min(below(b.nB / (alpha + b.nB + b.nD)), above(b.nB / alpha))


def thm13_compare(which: str):
    """(1 − θ^crit, the printed bound) at a state where θ^crit is defined."""
    def compare(case: Case):
        d = delta_crit(case)
        if d is None:
            return None
        b, lam, k = blocks(case), case.eigenvalues, case.k
        base = b.s * (lam[k - 1] - lam[k])
        return d, b.nB / base if which == "upper" else b.nB / (base + b.nB + b.nD)
    return compare


def m_thm13_upper(case: Case):
    """Theorem 13, upper bound as printed."""
    return m_thm13(case, "upper")



def enc_thm13(which: str) -> Callable[[E.Obligation], None]:
    def enc(o: E.Obligation) -> None:
        d, al = E._delta_crit(o)
        base = E.s_tot * (E.lamk - E.lamk1)
        nB, nD = E.S["nB"], E.S["nD"]
        if which == "upper":
            o.fails(("n_B/(s(λ_k−λ_{k+1})) − (1 − θ^crit)", o.quot("up13", nB, base) - d))
        elif which == "lower":
            o.fails(("(1 − θ^crit) − n_B/(s(λ_k−λ_{k+1}) + n_B + n_D)",
                     d - o.quot("lo13", nB, base + nB + nD)))
        else:
            o.fails(("(1 − θ^crit) − n_B/(α + n_B + n_D)", d - o.quot("lo13c", nB, al + nB + nD)),
                    ("n_B/α − (1 − θ^crit)", o.quot("up13c", nB, al) - d))
    return enc


# α ≥ s(λ_k − λ_{k+1}) (block curvature means); √crit ≥ α − n_B, so the denominator of
# 1 − θ^crit = 2n_B/(α + n_B + n_D + √crit) is ≥ 2α: 1 − θ^crit ≤ n_B/α ≤ the printed bound
_SKETCH_THM13_UPPER = (
    "alpha - (s_B + s_D)*(lambda_k - lambda_k1) >= 0", "sqrt_crit - alpha + n_B >= 0",
    "alpha + n_B + n_D + sqrt_crit > 0", "delta_crit >= 0", "up13 >= 0",
    "n_B - delta_crit*alpha >= 0",
)

THM13_UPPER = Claim(
    id="thm13-upper",
    reference="§5 Theorem 13 (upper)",
    statement="1 − θ^crit_t ≤ n_B/(s_tλ_{k+1}(m−1))",
    hypotheses=A1,
    quantity="bound − (1 − θ^crit)",
    kind="inequality",
    margin=m_thm13_upper,
    derivation="thm13",
    strict=False,
    sides=("one_minus_theta_crit", "thm13_upper_bound", "alpha"),
    encoding=(enc_thm13("upper"), E._B),
    sketch=_SKETCH_THM13_UPPER,
    compare=thm13_compare("upper"),
    compare_names=("1 − θ^crit", "the bound n_B/(s_t(λ_k−λ_{k+1}))"),
)


def m_thm13_lower(case: Case):
    """Theorem 13, lower bound as printed."""
    return m_thm13(case, "lower")


THM13_LOWER = Claim(
    id="thm13-lower",
    reference="§5 Theorem 13 (lower)",
    statement="n_B/(s_tλ_{k+1}(m−1) + n_B + n_D) ≤ 1 − θ^crit_t",
    hypotheses=A1,
    quantity="(1 − θ^crit) − bound",
    kind="inequality",
    margin=m_thm13_lower,
    derivation="thm13",
    strict=False,
    corrected_by="thm13-corrected",
    sides=("one_minus_theta_crit", "thm13_lower_bound", "alpha"),
    encoding=(enc_thm13("lower"), E._B),
    compare=thm13_compare("lower"),
    compare_names=("1 − θ^crit", "the bound n_B/(s_t(λ_k−λ_{k+1}) + n_B + n_D)"),
)


def m_thm13_corrected(case: Case):
    """Theorem 13 corrected: n_B/(α + n) ≤ 1 − θ^crit ≤ n_B/α."""
    return m_thm13(case, "corrected")


THM13_CORRECTED = Claim(
    id="thm13-corrected",
    reference="§5 Theorem 13 (corrected)",
    statement="n_B/(α_t + n_B + n_D) ≤ 1 − θ^crit_t ≤ "
    "n_B/α_t",
    hypotheses="θ ∈ (0,1), n_D, n_B > 0",
    quantity="both gaps",
    kind="inequality",
    margin=m_thm13_corrected,
    derivation="thm13",
    strict=False,
    sides=("one_minus_theta_crit", "alpha"),
    encoding=(enc_thm13("corrected"), E._B),
)


def thm13rate(claim: Claim, profile: str, seed: int) -> R.CheckResult:
    ms = [F(2) ** j for j in range(2, 12)]
    fam = crit_family(lambda m: ([m * m, m, 1], 2), [1, F(1, 1000), 1], ms)
    rows = []
    for m, case, d in fam:
        s = blocks(case).s
        rows.append((m, d * arb(s * (m - 1))))
    ev = ("family λ = (m², m, 1), k = 2, λ_{k+1} = 1 = Θ(1), state (1, 10⁻³, 1), σ = 1: "
          "s_t(m−1)(1 − θ^crit) = " + ", ".join(f"{v.str(3, radius=False)}" for _, v in rows)
          + " → 0, so 1 − θ^crit is not Ω(1/(s_t(m−1))): the rate needs λ_1/λ_k bounded "
          "(μ^D − μ^B = Θ(m)); with λ_D = m it holds (thm13-corrected gives n_B/α).")
    dec = all(rows[i + 1][1] < rows[i][1] for i in range(len(rows) - 1))
    return R.CheckResult(claim.id, R.REFUTED if dec else R.INCONCLUSIVE, ev, n_states=len(rows),
                         dps=40, min_margin=None, certified=True,
                         counterexample=fam[-1][1].to_json_obj(),
                         failing={"one_minus_theta_crit": fam[-1][2].str(10, radius=False),
                                  "m": str(fam[-1][0]), "s": str(blocks(fam[-1][1]).s)},
                         corrected_by="thm13-corrected")


THM13_RATE = Claim(
    id="thm13-rate",
    reference="§5 Theorem 13",
    statement="λ_{k+1} = Θ(1) ⇒ 1 − θ^crit_t ∈ Θ(1/(s_t(m−1)))",
    hypotheses=A1,
    quantity="s(m−1)(1 − θ^crit) along m → ∞",
    kind="rate",
    special=thm13rate,
    derivation="thm13",
    not_encoded="a Θ(·) rate along families (constants uniform over m): not first-order in one "
                  "aggregate vector; the two-sided bound thm13-corrected is encoded instead",
)


CLAIMS: tuple[Claim, ...] = (
    THM10,
    THM10_EXACT,
    INTRO_BOX,
    LEM23,
    LEM23_CORRECTED,
    LEM24,
    THM11,
    SEC5_INTERVAL,
    THM12,
    THM13_UPPER,
    THM13_LOWER,
    THM13_CORRECTED,
    THM13_RATE,
)
