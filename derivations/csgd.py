"""Section 6 and App. A.8–A.9: constant-step SGD (Lemma 26, Assumption 14, Theorems 15–16)."""

from __future__ import annotations

import sympy as sp

from derivations.core import Derivation, Step, held
from derivations.symbols import (
    c0sq,
    eta,
    kappa2,
    lam,
    lam1,
    lamd,
    lamk,
    lamk1,
    psiD,
    r_,
    smax,
    sum_beta,
    varrho,
)
from derivations.symbols import t_int as t

beta_i = eta * kappa2 / (2 * lam - eta * lam**2)
Ec2 = (1 - eta * lam) ** (2 * t) * (c0sq - beta_i) + beta_i


def lem26() -> Derivation:
    return Derivation(
        "lem26", "E[c_{i,t}²] in closed form under CSGD", "App. A.8, Lemma 26",
        ("deterministic x_0", "0 < η < 2/λ_1"),
        {"beta_i": beta_i, "E_c2_t": Ec2},
        (
            Step("recursion E c_{t+1}² = (1−ηλ)² E c_t² + η²κ² is satisfied",
                 Ec2.subs(t, t + 1) - ((1 - eta * lam) ** 2 * Ec2 + eta**2 * kappa2),
                 kind="substitution"),
            Step("initial condition t = 0", held(lambda: Ec2.subs(t, 0)), c0sq),
            Step("β_i is the fixed point", (1 - eta * lam) ** 2 * beta_i + eta**2 * kappa2,
                 beta_i),
            Step("1 − (1−ηλ)² = ηλ(2 − ηλ)", 1 - (1 - eta * lam) ** 2, eta * lam * (2 - eta * lam)),
        ),
    )


def thm15_delta() -> sp.Expr:
    """Theorem 15's δ = s_max ψ_D λ_1²/(λ_d² λ_k² (2(λ_k − λ_{k+1})/η − (λ_1² − λ_d²)))."""
    return smax * psiD * lam1**2 / (lamd**2 * lamk**2 * (2 * (lamk - lamk1) / eta - (lam1**2 - lamd**2)))


def t_star(delta: sp.Expr, r: sp.Expr) -> sp.Expr:
    """Theorem 15's t* before the floor: log(ϱ_D/(δ − Σ_β))/(−2 log r), r = |1 − ηλ_1|."""
    return sp.log(varrho / (delta - sum_beta)) / (-2 * sp.log(r))


def thm15() -> Derivation:
    gap1 = lamk - lamk1
    delta = thm15_delta()
    # Thm 7 bound with ‖x‖²θ replaced by (λ_k²/λ_1²)·δ equals η exactly
    thm7_at_delta = held(lambda: 2 * gap1 / ((lam1**2 - lamd**2) + smax * psiD / (
        lamd**2 * (lamk**2 / lam1**2 * delta))))
    T = t_star(delta, sp.Abs(1 - eta * lam1))
    r = r_  # r = |1 − ηλ_1|
    return Derivation(
        "thm15", "Initial decrease phase: t* and δ", "§6 Theorem 15; App. A.9",
        ("Assumption 1", "Assumption 14", "|1 − ηλ_i| ≥ |1 − ηλ_1| for i ∈ D (used in the proof)"),
        {"delta": delta, "t_star_real": T},
        (
            Step("Thm 7's bound at ‖x‖²θ = (λ_k²/λ_1²)δ equals η (definition of δ)",
                 thm7_at_delta, eta),
            Step("r^{2T} ϱ_D + Σβ = δ at T = log(ϱ/(δ−Σβ))/(−2 log r)",
                 held(lambda: r ** (2 * t_star(delta, r)) * varrho + sum_beta),
                 delta, where=((r, sp.Abs(1 - eta * lam1)),)),
        ),
        disagreements=(
            "t* uses log(1 − ηλ_1), undefined for ηλ_1 ≥ 1, which Assumption 14 allows when "
            "2gap1/(λ_1² − λ_d²) > 1/λ_1; the proof's bound (1−ηλ_i)^{2t} ≥ (1−ηλ_1)^{2t} for "
            "i ∈ D also fails there. With |1 − ηλ_1| the formula is well defined.",
        ),
    )


def thm16() -> Derivation:
    lam_sym, k2 = lam, kappa2
    w = lam_sym**2 * beta_i  # λ²β_i, β_i the fixed point of Lemma 26
    return Derivation(
        "thm16", "Late phase θ_∞ and its small-η form", "§6 Theorem 16; App. A.9",
        ("Assumption 1", "0 < η < 2/λ_1"),
        {"weight_i": lam**2 * beta_i},
        (
            Step("lim_{t→∞} E c_t² = β_i for |1−ηλ| < 1: λ²β_i = ηλκ²/(2 − ηλ)", w,
                 eta * lam_sym * k2 / (2 - eta * lam_sym)),
            Step("small η: λ²β_i/η → λκ²/2 (isotropic κ² = σ² gives Σ_D λ/Σλ)",
                 sp.Limit(w / eta, eta, 0, dir="+-"), lam_sym * k2 / 2),
        ),
    )


DERIVATIONS = (lem26, thm15, thm16)
