"""The paper's thresholds, each defined once, generic in the number type.

Every function takes already-computed block aggregates (see `verify.core.theory.Blocks`) and
works for any field-like number type: `Fraction` (exact), `mpmath.mpf` (any precision),
`flint.arb` (certified balls) or `float`/`numpy` (drawing only). Square roots are taken with the
`sqrt` callable the caller passes, so one definition serves the exact evaluator (`salign eval`),
the certified claim margins and the phase diagram.

Notation (paper §3–§5, S ∈ {D, B}): s^S = Σ_S λ²c², τ^S = Σ_S λ³c², u^S = Σ_S λ⁴c²,
ψ_S = Σ_S λ², e_S = Σ_S λ²κ², n^loss_S = Σ_S λκ², s = s^D + s^B.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Num = Any


def lemma22_pq(sD: Num, sB: Num, tauD: Num, tauB: Num, uD: Num, uB: Num, eD: Num, eB: Num
               ) -> tuple[Num, Num]:
    """Lemma 22, Eqs. (20)–(21): E[f_t(η)|x_t] = pη² + qη with
    q = 2(s^D τ^B − s^B τ^D), p = s^B(u^D + e_D) − s^D(u^B + e_B); η* = −q/p."""
    q = 2 * (sD * tauB - sB * tauD)
    p = sB * (uD + eD) - sD * (uB + eB)
    return p, q


def expected_next_energy(s: Num, tau: Num, u: Num, e: Num, eta: Num) -> Num:
    """Lemma 21, Eqs. (15)–(16): E[s^S_{t+1}|x_t] = s^S − 2ητ^S + η²(u^S + e_S)."""
    return s - 2 * eta * tau + eta**2 * (u + e)


def theta_map(sD: Num, sB: Num, tauD: Num, tauB: Num, uD: Num, uB: Num, eD: Num, eB: Num,
              eta: Num) -> Num | None:
    """Θ(η; x) = E[s^D_{t+1}|x] / (E[s^D_{t+1}|x] + E[s^B_{t+1}|x]) (Lemma 20); None if 0/0."""
    nD = expected_next_energy(sD, tauD, uD, eD, eta)
    nB = expected_next_energy(sB, tauB, uB, eB, eta)
    return None if nD + nB == 0 else nD / (nD + nB)


def g_gap(smin: Num, smax: Num, lam_k: Num, lam_k1: Num, k: int, d: int) -> Num | None:
    """Theorem 3: g_gap = 1 / (1 + (s_max/s_min)(λ_{k+1}/λ_k)² (d − k)/k); None if s_min = 0."""
    if smin == 0:
        return None
    return 1 / (1 + smax / smin * (lam_k1 / lam_k) ** 2 * (d - k) / k)


def g_noise(smin: Num, smax: Num, psiD: Num, psiB: Num) -> Num | None:
    """Proof of Theorem 3: g_noise = 1 / (1 + s_max ψ_B / (s_min ψ_D)); None if s_min ψ_D = 0."""
    if smin == 0 or psiD == 0:
        return None
    return 1 / (1 + smax * psiB / (smin * psiD))


def theta_star_aux(smin: Num, smax: Num, psiD: Num, psiB: Num, s: Num, lam_1: Num, lam_d: Num
                   ) -> tuple[Num, Num, Num]:
    """Theorem 4's coefficients: a = s_min ψ_B, h = s_max ψ_D, m^aux = s (λ_1² − λ_d²)."""
    return smin * psiB, smax * psiD, s * (lam_1**2 - lam_d**2)


def theta_star_root(a: Num, h: Num, m_aux: Num, sqrt: Callable[[Num], Num]
                    ) -> tuple[Num, Num] | None:
    """Theorem 4: the positive root r0 of a r² + (a − m^aux − h) r − h = 0 and
    1 − θ* = 1/(1 + r0) (θ* = r0/(1 + r0)). None when a = 0 or h = 0 (no positive root / θ* = 0).

    With b = m^aux + h − a, r0 = (b + √(b² + 4ah))/(2a), rewritten as 2h/(√(b² + 4ah) − b) when
    b < 0 so that no cancellation occurs (the two forms are equal; at b = 0 both give √(h/a)).
    """
    if a == 0 or h == 0:
        return None
    bb = m_aux + h - a
    disc = sqrt(bb * bb + 4 * a * h)
    r0 = (bb + disc) / (2 * a) if bb >= 0 else (2 * h) / (disc - bb)
    return r0, 1 / (1 + r0)


def alpha_crit(sD: Num, sB: Num, tauD: Num, tauB: Num) -> Num | None:
    """Lemma 23: α = s (τ^D/s^D − τ^B/s^B); None if a block is empty (θ ∉ (0, 1))."""
    if sD == 0 or sB == 0:
        return None
    return (sD + sB) * (tauD / sD - tauB / sB)


def one_minus_theta_crit(alpha: Num, nB: Num, nD: Num, sqrt: Callable[[Num], Num]) -> Num | None:
    """δ = 1 − θ^crit, the root in (0, 1) of h(1 − δ) = α δ² − (α + n_B + n_D) δ + n_B = 0
    (Lemma 24 / Theorem 13; the paper's proof prints α δ² + (n_B + n_D) δ − n_B = 0, which is not
    h(1 − δ); see docs/claims.md). Stable form, no cancellation when θ^crit ≈ 1:
    δ = 2 n_B / ((α + n) + √((α + n)² − 4 α n_B)), n = n_B + n_D. None when the denominator is 0.
    """
    n = nB + nD
    den = (alpha + n) + sqrt((alpha + n) ** 2 - 4 * alpha * nB)
    if den == 0:
        return None
    return 2 * nB / den


def eta_loss(s: Num, tau: Num, n_loss: Num) -> Num | None:
    """Theorem 10: E[ΔL|x] < 0 under S-projected SGD ⇔ 0 < η < η^loss_S = 2 s^S/(τ^S + n^loss_S)."""
    den = tau + n_loss
    return None if den == 0 else 2 * s / den


def expected_loss_change(eta: Num, s: Num, tau: Num, n_loss: Num) -> Num:
    """Theorem 10 (exact form): E[ΔL|x] = −η s^S + ½ η² (τ^S + n^loss_S) for S-projected SGD
    (S = all coordinates for plain SGD)."""
    return -eta * s + eta**2 * (tau + n_loss) / 2


def eta_star_lower_thm7(lam_1: Num, lam_k: Num, lam_k1: Num, lam_d: Num, smax: Num, psiD: Num,
                        norm2: Num, theta: Num) -> Num | None:
    """Theorem 7 as printed: η* ≥ 2(λ_k − λ_{k+1}) / ((λ_1² − λ_d²) + s_max ψ_D/(λ_d² ‖x‖² θ));
    None when ‖x‖² θ = 0. (True only when p_t > 0: see thm7-corrected.)"""
    if norm2 == 0 or theta == 0:
        return None
    return 2 * (lam_k - lam_k1) / ((lam_1**2 - lam_d**2) + smax * psiD / (lam_d**2 * norm2 * theta))


def eta_star_lower_thm7_remark(lam_1: Num, lam_k: Num, lam_k1: Num, lam_d: Num, smax: Num,
                               psiD: Num, normD2: Num) -> Num | None:
    """Remark after Theorem 7: η* ≥ 2(λ_k − λ_{k+1}) / ((λ_1² − λ_d²) + λ_1² s_max ψ_D/(λ_k² λ_d²
    ‖P^D x‖²)); None when ‖P^D x‖² = 0."""
    if normD2 == 0:
        return None
    return 2 * (lam_k - lam_k1) / ((lam_1**2 - lam_d**2)
                                   + lam_1**2 * smax * psiD / (lam_k**2 * lam_d**2 * normD2))


def eta_star_upper_thm8(lam_1: Num, lam_k: Num, lam_k1: Num, lam_d: Num, factor: int) -> Num | None:
    """Theorem 8's printed upper bound on η*: factor·(λ_1 − λ_d)/(λ_k λ_1 − λ_{k+1} λ_d), with
    factor 1 in the main text and 2 in Appendix A.6 (both refuted; see thm8-corrected)."""
    den = lam_k * lam_1 - lam_k1 * lam_d
    return None if den == 0 else factor * (lam_1 - lam_d) / den


def thm8_threshold(eD: Num, eB: Num) -> Num | None:
    """Theorem 8's hypothesis θ ≥ e_B/(e_B + e_D); None when e_B + e_D = 0."""
    return None if eB + eD == 0 else eB / (eB + eD)


def eta_star_upper_corrected(lam_k: Num, lam_d: Num) -> Num:
    """Corrected Theorem 8: s^B e_D ≥ s^D e_B ⇒ η* ≤ 2/(λ_k + λ_d) (sharp)."""
    return 2 / (lam_k + lam_d)


def eta_loss_intro_box(s: Num, u: Num, n_loss: Num) -> Num | None:
    """The introduction's box as printed: 2 Σ_S λ²c² / (Σ_S λ⁴c² + Σ_S λκ²) — it has λ⁴ (u^S) where
    Theorem 10 has λ³ (τ^S); refuted, corrected by thm10."""
    den = u + n_loss
    return None if den == 0 else 2 * s / den
