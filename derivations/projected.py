"""Section 5 and App. A.7: projected SGD (Theorem 10, Lemmas 23–24, Theorems 11–13)."""

from __future__ import annotations

import sympy as sp

from derivations.core import Derivation, Step, gaussian_expectation, held
from derivations.symbols import (
    alpha,
    c,
    delta,
    eta,
    kappa2,
    lam,
    lamk1,
    m,
    nB,
    nD,
    nu,
    s,
    sB,
    sD,
    tB,
    tD,
    theta,
    uD,
    zeta,
)

n_sum = nB + nD
h = alpha * theta**2 + (-alpha + nB + nD) * theta - nD
eta_loss_D = 2 * sD / (tD + nD)
eta_loss_B = 2 * sB / (tB + nB)


def thm10() -> Derivation:
    # one coordinate i ∈ S of the projected update: c' = c − η(λc + ζ); L_i = ½ λ c²
    dL = sp.Rational(1, 2) * lam * ((c - eta * (lam * c + zeta)) ** 2 - c**2)
    E = gaussian_expectation(dL, zeta, kappa2)
    E_block = -eta * sD + eta**2 * (tD + nD) / 2
    return Derivation(
        "thm10", "Exact expected loss change of DSGD/BSGD", "§5 Theorem 10; App. A.7",
        ("x_t fixed; η > 0; s^S > 0 or n^loss_S > 0",),
        {"E_dL_S": E_block, "eta_loss_S": eta_loss_D},
        (
            Step("E ΔL_i for i ∈ S: −ηλ²c² + ½η²(λ³c² + λκ²) (Gaussian moments)", E,
                 -eta * lam**2 * c**2 + eta**2 * (lam**3 * c**2 + lam * kappa2) / 2),
            # stated as a factorisation (not as E ΔL(η^loss_S) = 0, which SymPy evaluates to the
            # vacuous 0 = 0 when the step is built): fails if η^loss_S is not the positive root
            Step("E ΔL = η(−s^S + ½η(τ^S + n^S)) = ½η(τ^S + n^S)(η − η^loss_S): roots 0, η^loss_S",
                 E_block, eta * (tD + nD) * (eta - eta_loss_D) / 2),
        ),
    )


def intro_box() -> Derivation:
    box = 2 * sD / (uD + nD)
    return Derivation(
        "intro-box", "η^loss_S as printed in the introduction's box", "§1 'Answer to Problem 2'",
        (), {"eta_loss_box": box},
        (
            Step("box (Σλ⁴c² in the denominator) vs Theorem 10 (Σλ³c²)", box, eta_loss_D,
                 kind="differs"),
        ),
        disagreements=("The box prints Σ_S λ⁴c² where Theorem 10 has τ^S = Σ_S λ³c²; the box "
                       "formula is not homogeneous in λ (scaling A changes it inconsistently).",),
    )


def lem23() -> Derivation:
    return Derivation(
        "lem23", "Signs of the crossover quadratic", "App. A.7, Lemma 23",
        ("s^D, s^B > 0 (μ^S undefined otherwise)", "n^loss_D > 0 and n^loss_B > 0"),
        {"h": h},
        (
            Step("h(0) = γ = −n^loss_D", held(lambda: h.subs(theta, 0)), -nD),
            Step("h(1) = n^loss_B", held(lambda: h.subs(theta, 1)), nB),
        ),
        disagreements=("'∀x_t, γ_t < 0' and 'h(1) > 0' need n^loss_D > 0, n^loss_B > 0: false "
                       "for a singular Σ, which Assumption 1 (Tr Σ ∈ (0,∞)) allows.",),
    )


def crit_roots() -> tuple[sp.Expr, sp.Expr]:
    """The roots (−β ± √(β² − 4αγ))/(2α) of h, γ = −n^loss_D; the first is θ^crit (Lemma 24)."""
    beta = -alpha + nB + nD
    disc = beta**2 + 4 * alpha * nD
    return (-beta + sp.sqrt(disc)) / (2 * alpha), (-beta - sp.sqrt(disc)) / (2 * alpha)


def lem24() -> Derivation:
    root, other = crit_roots()
    return Derivation(
        "lem24", "Unique root θ^crit of h in (0,1)", "App. A.7, Lemma 24",
        ("α > 0, γ < 0",),
        {"theta_crit": root},
        (
            Step("θ^crit = (−β + √(β² − 4αγ))/(2α) is a root of h", h.subs(theta, root),
                 kind="substitution"),
            # the two roots' own product (Vieta's γ/α read off h would print −n_D/α = −n_D/α)
            Step("product of the roots (−β ± √(β² − 4αγ))/(2α) is γ/α < 0 (one positive root)",
                 held(lambda: root * other), -nD / alpha),
        ),
    )


def thm11() -> Derivation:
    mu_D, mu_B = tD / sD, tB / sB
    alpha_t = (sD + sB) * (mu_D - mu_B)
    num = sD * (tB + nB) - sB * (tD + nD)
    h_t = h.subs(alpha, alpha_t).subs(theta, sD / (sD + sB))
    return Derivation(
        "thm11", "θ < θ^crit ⇔ η^loss_D < η^loss_B", "§5 Theorem 11; App. A.7 (36)",
        ("s^D, s^B > 0", "n^loss_D, n^loss_B > 0"),
        {"alpha": alpha_t, "beta": -alpha_t + nB + nD, "gamma": -nD},
        (
            Step("η^loss_D − η^loss_B = 2·[s^D(τ^B+n_B) − s^B(τ^D+n_D)] / ((τ^D+n_D)(τ^B+n_B))",
                 eta_loss_D - eta_loss_B, 2 * num / ((tD + nD) * (tB + nB))),
            Step("s^D(τ^B+n_B) − s^B(τ^D+n_D) = s · h(θ) with α = s(μ^D − μ^B)", num,
                 (sD + sB) * h_t),
        ),
    )


def sec5_interval() -> Derivation:
    E_D = -eta * sD + eta**2 * (tD + nD) / 2
    t = nu
    return Derivation(
        "sec5-interval", "Inside (η^loss_D, η^loss_B): DSGD raises, BSGD lowers the loss",
        "§5 summary after Theorem 12",
        ("η^loss_D < η^loss_B",),
        {"E_dL_D": E_D},
        (
            Step("E ΔL_D at η = (1+ν)η^loss_D equals ½ ν (1+ν) (η^loss_D)² (τ^D + n_D) > 0",
                 E_D.subs(eta, (1 + t) * eta_loss_D),
                 t * (1 + t) * eta_loss_D**2 * (tD + nD) / 2, where=((t, eta / eta_loss_D - 1),)),
        ),
    )


def thm12() -> Derivation:
    return Derivation(
        "thm12", "lim_{m→∞} θ^crit = 1", "§5 Theorem 12; App. A.7",
        ("Assumption 1; state and noise fixed while λ_k/λ_{k+1} → ∞",),
        {"upper_bound_one_minus": nB / (alpha)},
        (
            # the limit is left unevaluated: check_step evaluates it (simplify → doit), so the
            # step fails if the bound did not tend to 0, and the export states the limit itself
            Step("δ ≤ n_B/α ≤ n_B/(s λ_{k+1}(m−1)) → 0, as α ≥ s(λ_k − λ_{k+1}) = s λ_{k+1}(m−1)",
                 sp.Limit(nB / (s * lamk1 * (m - 1)), m, sp.oo), 0),
        ),
        disagreements=("The printed proof treats θ^crit as the state's own alignment s^D/s "
                       "('any state at the crossover'), which conflates the threshold with θ_t.",),
    )


def thm13() -> Derivation:
    paper_quad = alpha * delta**2 + n_sum * delta - nB
    true_quad = alpha * delta**2 - (alpha + n_sum) * delta + nB
    return Derivation(
        "thm13", "Two-sided bound on 1 − θ^crit", "§5 Theorem 13; App. A.7",
        ("θ^crit ∈ (0,1)",),
        {"delta_equation": true_quad,
         "lower_valid": nB / (alpha + n_sum), "upper_valid": nB / alpha},
        (
            Step("h(1 − δ) = αδ² − (α + n_B + n_D)δ + n_B", h.subs(theta, 1 - delta), true_quad),
            Step("…not the printed αδ² + (n_B + n_D)δ − n_B", h.subs(theta, 1 - delta),
                 paper_quad, kind="differs"),
            Step("δ(α(1−δ) + n) = n_B is the same equation", delta * (alpha * (1 - delta) + n_sum)
                 - nB, -true_quad),
            Step("lower bound: n_B/(α + n) at δ=… uses α(1−δ) + n ≤ α + n; certificate",
                 (alpha + n_sum) - (alpha * (1 - delta) + n_sum), alpha * delta),
        ),
        disagreements=(
            "Proof of Thm 13: substituting θ = 1 − δ into h gives αδ² − (α+n_B+n_D)δ + n_B = 0, "
            "not the printed αδ² + (n_B+n_D)δ − n_B = 0.",
            "The lower bound replaces α by its lower bound s λ_{k+1}(m−1) inside "
            "n_B/(α + n_B + n_D), which enlarges the bound: the printed lower bound does not "
            "follow and fails when μ^D − μ^B ≫ λ_k − λ_{k+1}. The valid two-sided bound is "
            "n_B/(α + n_B + n_D) ≤ 1 − θ^crit ≤ n_B/α.",
        ),
    )


DERIVATIONS = (thm10, intro_box, lem23, lem24, thm11, sec5_interval, thm12, thm13)
