"""The paper's quantities at a network state, from (λ, g, κ²) in the Hessian eigenbasis (numpy only).

In the local quadratic model at w the gradient coordinates are g_i = ⟨∇L(w), u_i⟩ = λ_i c_i, so the
block sums of verify.core.theory become, for S ∈ {D, B}, D = top-k eigenvalues:
  s^S = Σ_S g_i², τ^S = Σ_S λ_i g_i², u^S = Σ_S λ_i² g_i², ψ_S = Σ_S λ_i²,
  e_S = Σ_S λ_i² κ_i², n^loss_S = Σ_S λ_i κ_i²,  κ_i² = (UᵀΣ_bU)_ii,
none of which needs c_i = g_i/λ_i (undefined at λ_i = 0). The sums are taken in float64 with
math.fsum, turned into exact Fractions and handed to the very functions that evaluate the closed
forms for the quadratic theory (`lemma22_pq`, `theta_star_parts`, `crit_one_minus`), so the network
and the theory share one implementation of every formula.

Negative eigenvalues: the theory assumes A ⪰ 0. `psd=True` evaluates the formulas on the projected
PSD part (λ_i ← max(λ_i, 0)); `psd=False` keeps the signed spectrum (the exact second-order Taylor
model of the loss). Both are reported; the count and mass Σ|λ_i<0| / Σ|λ_i| of negatives are flagged.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from verify.core.theory import Blocks, crit_one_minus, lemma22_pq, theta_star_parts


def _fs(x: np.ndarray) -> Fraction:
    return Fraction(math.fsum(float(v) for v in np.asarray(x, dtype=float).ravel()))


def network_blocks(lam: np.ndarray, g: np.ndarray, kap2: np.ndarray, k: int) -> Blocks:
    """Block sums with λ²c² replaced by g² (λ sorted descending; D = first k)."""
    lam, g2, kap2 = np.asarray(lam, float), np.asarray(g, float) ** 2, np.asarray(kap2, float)
    D, B = slice(0, k), slice(k, None)

    def both(f):
        return _fs(f[D]), _fs(f[B])

    sD, sB = both(g2)
    tD, tB = both(lam * g2)
    uD, uB = both(lam**2 * g2)
    pD, pB = both(lam**2)
    eD, eB = both(lam**2 * kap2)
    nD, nB = both(lam * kap2)
    return Blocks(sD=sD, sB=sB, tauD=tD, tauB=tB, uD=uD, uB=uB, psiD=pD, psiB=pB, eD=eD, eB=eB,
                  nD=nD, nB=nB, norm2=Fraction(0), normD2=Fraction(0))


def _f(x: Any) -> float | None:
    return None if x is None else float(x)


def _div(a: Fraction, b: Fraction) -> float | None:
    return None if b == 0 else float(a / b)


def network_quantities(lam: np.ndarray, g: np.ndarray, kap2: np.ndarray, k: int,
                       s_min: float, s_max: float, psd: bool = True) -> dict[str, Any]:
    """Every step-size condition of the paper at one state, as floats (None where undefined).

    η* = −q/p (Lemma 22, Eq. 2); η^loss_S = 2 s^S/(τ^S + n^loss_S) (Thm 10);
    η^loss_S (intro box, λ⁴) = 2 s^S/(u^S + n^loss_S) — the printed variant, kept as a negative control;
    g_gap = 1/(1 + (s_max/s_min)(λ_{k+1}/λ_k)²/ρ), ρ = k/(d−k) (Thm 3);
    θ* = r0/(1 + r0) from a r² + (a − m − h) r − h = 0, a = s_min ψ_B, h = s_max ψ_D,
    m = s (λ_1² − λ_d²) (Thm 4); θ^crit the root in (0, 1) of h(θ) = αθ² + βθ + γ (Thm 11),
    α = s (τ^D/s^D − τ^B/s^B), β = −α + n_B + n_D, γ = −n_D.
    s_min, s_max are the extreme eigenvalues of the noise covariance Σ_b (the caller's choice).
    """
    lam = np.asarray(lam, float)
    if psd:
        lam = np.maximum(lam, 0.0)
    d = lam.size
    b = network_blocks(lam, g, kap2, k)
    p, q = lemma22_pq(b)
    s = b.s
    out: dict[str, Any] = {
        "k": k, "d": d, "psd": psd,
        "theta": _div(b.sD, s), "s": float(s), "s_D": float(b.sD), "s_B": float(b.sB),
        "tau_D": float(b.tauD), "tau_B": float(b.tauB), "u_D": float(b.uD), "u_B": float(b.uB),
        "psi_D": float(b.psiD), "psi_B": float(b.psiB), "e_D": float(b.eD), "e_B": float(b.eB),
        "n_loss_D": float(b.nD), "n_loss_B": float(b.nB), "p": float(p), "q": float(q),
        "lambda_1": float(lam[0]), "lambda_k": float(lam[k - 1]), "lambda_k1": float(lam[k]),
        "lambda_d": float(lam[-1]), "s_min": s_min, "s_max": s_max,
    }
    es = _div(-q, p)
    out["eta_star"] = es if es is not None and es > 0 else None
    out["eta_loss_D"] = _div(2 * b.sD, b.tauD + b.nD)
    out["eta_loss_B"] = _div(2 * b.sB, b.tauB + b.nB)
    out["eta_loss_D_lambda4"] = _div(2 * b.sD, b.uD + b.nD)
    out["eta_loss_B_lambda4"] = _div(2 * b.sB, b.uB + b.nB)
    lk, lk1 = lam[k - 1], lam[k]
    rho = k / (d - k)
    if s_min > 0 and lk > 0:
        out["g_gap"] = 1.0 / (1.0 + (s_max / s_min) * (lk1 / lk) ** 2 / rho)
    else:  # s_min = 0: g_gap → 0 (the low-alignment regime is empty)
        out["g_gap"] = 0.0 if lk > 0 else None
    with mpmath.workdps(30):
        a_aux = Fraction(s_min) * b.psiB
        h_aux = Fraction(s_max) * b.psiD
        m_aux = s * (Fraction(float(lam[0])) ** 2 - Fraction(float(lam[-1])) ** 2)
        if a_aux == 0:  # no positive root: θ* → 1 as s_min ψ_B → 0 (the high regime is empty)
            out["theta_star"] = 1.0 if h_aux > 0 else None
        else:
            _r0, om = theta_star_parts(a_aux, h_aux, m_aux)
            out["theta_star"] = None if om is None else float(1 - om)
        if b.sD != 0 and b.sB != 0:
            alpha = s * (b.tauD / b.sD - b.tauB / b.sB)
            out["alpha"] = float(alpha)
            delta = crit_one_minus(alpha, b.nB, b.nD) if alpha > 0 else None
            out["theta_crit"] = None if delta is None else float(1 - delta)
        else:
            out["alpha"], out["theta_crit"] = None, None
    return out


def predicted_align_sign(q: dict[str, Any], eta: float) -> int:
    """sign of Θ(η) − θ = (pη² + qη)/(s · E s_{t+1}) (Lemma 22), i.e. sign(pη² + qη)."""
    v = q["p"] * eta * eta + q["q"] * eta
    return int(np.sign(v))


def predicted_loss_change(q: dict[str, Any], eta: float, block: str) -> float:
    """E[ΔL] of one projected step in the quadratic model: −η s^S + η²(τ^S + n^loss_S)/2 (Thm 10)."""
    S = block
    return -eta * q[f"s_{S}"] + eta * eta * (q[f"tau_{S}"] + q[f"n_loss_{S}"]) / 2


def negative_spectrum(lam: np.ndarray) -> dict[str, Any]:
    """Count and mass of negative Hessian eigenvalues (the theory assumes A ⪰ 0)."""
    lam = np.asarray(lam, float)
    neg = lam[lam < 0]
    tot = float(np.sum(np.abs(lam)))
    return {"count": int(neg.size), "d": int(lam.size), "most_negative": float(lam.min()),
            "mass_fraction": float(np.sum(np.abs(neg)) / tot) if tot > 0 else 0.0,
            "largest": float(lam.max())}


def agrees(pred: float | None, cross: dict[str, Any], eta_max: float) -> bool:
    """Predicted value inside the 95% CI; a prediction beyond the grid counts as +∞ (here, free of
    jax, so that the reports can score stored measurements without the network extra)."""
    p = np.inf if pred is None or pred > eta_max else pred
    lo = cross["ci"][0] if cross["ci"][0] is not None else np.inf
    hi = cross["ci"][1] if cross["ci"][1] is not None else np.inf
    return bool(lo <= p <= hi)
