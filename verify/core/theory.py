"""The paper's closed forms evaluated exactly (rationals) or at any precision (mpmath).

Notation (paper §3, App. A.1), S ∈ {D, B}, D = {1..k}, B = {k+1..d}:
  s^S = Σ_S λ²c², τ^S = Σ_S λ³c², u^S = Σ_S λ⁴c², ψ_S = Σ_S λ², e_S = Σ_S λ²κ²,
  n^loss_S = Σ_S λκ², θ = s^D/s (θ(0) = 0).
Lemma 22: E[f_t(η)|x] = pη² + qη with q = 2(s^D τ^B − s^B τ^D), p = s^B(u^D + e_D) − s^D(u^B + e_B),
η* = −q/p (p ≠ 0). Everything rational in the case's data is computed in `Fraction`
(no cancellation), the rest (square roots, s_min/s_max of a full covariance) in mpmath
under the caller's `workdps`. A quantity undefined at the case is None, never a made-up number.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath

from verify.core import thresholds as T
from verify.core.cases import Case
from verify.core.noise_spectrum import noise_extremes

Num = Any  # Fraction | mpmath.mpf


@dataclass(frozen=True)
class Blocks:
    """Exact block sums of a case (all Fractions)."""

    sD: Fraction
    sB: Fraction
    tauD: Fraction
    tauB: Fraction
    uD: Fraction
    uB: Fraction
    psiD: Fraction
    psiB: Fraction
    eD: Fraction
    eB: Fraction
    nD: Fraction
    nB: Fraction
    norm2: Fraction
    normD2: Fraction

    @property
    def s(self) -> Fraction:
        return self.sD + self.sB


@functools.lru_cache(maxsize=256)
def blocks(case: Case) -> Blocks:
    """The exact block sums of a case (cached: margins and thresholds ask for them repeatedly;
    a Case is immutable)."""
    return block_sums(case.eigenvalues, case.k, [c * c for c in case.state], case.kappa2)


def block_sums(lam, k: int, c2, kap) -> Blocks:
    """Exact block sums from eigenvalues, squared coordinates c_i² and variances κ_i²
    (c² need not be a square of a rational, e.g. the stationary moments β_i)."""
    d = len(lam)

    def bsum(idx: range, f) -> Fraction:
        return sum((f(i) for i in idx), Fraction(0))

    D, B = range(0, k), range(k, d)
    return Blocks(
        sD=bsum(D, lambda i: lam[i] ** 2 * c2[i]),
        sB=bsum(B, lambda i: lam[i] ** 2 * c2[i]),
        tauD=bsum(D, lambda i: lam[i] ** 3 * c2[i]),
        tauB=bsum(B, lambda i: lam[i] ** 3 * c2[i]),
        uD=bsum(D, lambda i: lam[i] ** 4 * c2[i]),
        uB=bsum(B, lambda i: lam[i] ** 4 * c2[i]),
        psiD=bsum(D, lambda i: lam[i] ** 2),
        psiB=bsum(B, lambda i: lam[i] ** 2),
        eD=bsum(D, lambda i: lam[i] ** 2 * kap[i]),
        eB=bsum(B, lambda i: lam[i] ** 2 * kap[i]),
        nD=bsum(D, lambda i: lam[i] * kap[i]),
        nB=bsum(B, lambda i: lam[i] * kap[i]),
        norm2=bsum(range(d), lambda i: c2[i]),
        normD2=bsum(D, lambda i: c2[i]),
    )


def mp(x: Num | None):
    """Fraction/int/mpf → mpf at the current working precision (None passes through)."""
    if x is None:
        return None
    if isinstance(x, Fraction):
        return mpmath.mpf(x.numerator) / x.denominator
    return mpmath.mpf(x)


def div(a: Fraction, b: Fraction) -> Fraction | None:
    """a/b, or None when b = 0 (the quantity is undefined). Exact: its callers divide block sums,
    which are Fractions for every case (an mpf branch here was never reached; the thorough
    mutation run found its mutants alive for that reason)."""
    if b == 0:
        return None
    return a / b


def lemma22_pq(b: Blocks) -> tuple[Fraction, Fraction]:
    """(p, q) of Lemma 22, Eqs. (20)–(21), at the case's exact block sums."""
    return T.lemma22_pq(b.sD, b.sB, b.tauD, b.tauB, b.uD, b.uB, b.eD, b.eB)


def theta_star_parts(a: Num, h: Num, m_aux: Num) -> tuple[Num | None, Num | None]:
    """(r0, 1 − θ*) of Theorem 4 at the current mpmath precision (`thresholds.theta_star_root`);
    (None, None) when a = 0 or h = 0."""
    res = T.theta_star_root(mp(a), mp(h), mp(m_aux), mpmath.sqrt)
    return (None, None) if res is None else res


def crit_one_minus(alpha: Num, nB: Num, nD: Num) -> Num | None:
    """δ = 1 − θ^crit at the current mpmath precision (`thresholds.one_minus_theta_crit`)."""
    return T.one_minus_theta_crit(mp(alpha), mp(nB), mp(nD), mpmath.sqrt)


def expected_next_blocks(case: Case, b: Blocks, eta: Fraction) -> tuple[Fraction, Fraction]:
    """Lemma 21, Eqs. (15)–(16): (E[s^D_{t+1}|x], E[s^B_{t+1}|x]), exact."""
    return (T.expected_next_energy(b.sD, b.tauD, b.uD, b.eD, eta),
            T.expected_next_energy(b.sB, b.tauB, b.uB, b.eB, eta))


def Theta_map(case: Case, eta: Fraction) -> Fraction | None:
    """Ratio-of-expectations map Θ(η; x) = E[s^D_{t+1}|x] / (E[s^D_{t+1}|x] + E[s^B_{t+1}|x])."""
    b = blocks(case)
    return T.theta_map(b.sD, b.sB, b.tauD, b.tauB, b.uD, b.uB, b.eD, b.eB, eta)


def quantities(case: Case, dps: int, eta: Fraction | None = None) -> dict[str, Any]:
    """Every quantity of docs/design.md at the case: Fraction, mpf or None. Call inside workdps(dps)."""
    b = blocks(case)
    lam, k, d = case.eigenvalues, case.k, case.d
    smin, smax = noise_extremes(case, dps)
    p, q = lemma22_pq(b)
    s = b.s
    out: dict[str, Any] = {}
    out.update(
        theta=div(b.sD, s) if s != 0 else Fraction(0),
        s=s, s_D=b.sD, s_B=b.sB, tau_D=b.tauD, tau_B=b.tauB, u_D=b.uD, u_B=b.uB,
        psi_D=b.psiD, psi_B=b.psiB, e_D=b.eD, e_B=b.eB, n_loss_D=b.nD, n_loss_B=b.nB,
        s_min=smin, s_max=smax, p=p, q=q, eta_star=div(-q, p),
        gap1=lam[k - 1] - lam[k], gap2=lam[k - 1] ** 2 - lam[k] ** 2,
        m=lam[k - 1] / lam[k], rho=Fraction(k, d - k),
        norm_x_sq=b.norm2, norm_PDx_sq=b.normD2,
    )
    # s_min/s_max of a full covariance are mpf: the thresholds that involve them are then
    # evaluated in mpmath throughout (Fraction and mpf do not mix in every operation)
    x = (lambda v: v) if isinstance(smin, Fraction) and isinstance(smax, Fraction) else mp
    L1, Lk, Lk1, Ld = x(lam[0]), x(lam[k - 1]), x(lam[k]), x(lam[-1])
    out["g_gap"] = T.g_gap(smin, smax, Lk, Lk1, k, d)
    out["g_noise"] = T.g_noise(smin, smax, x(b.psiD), x(b.psiB))
    r0, one_minus_ts = theta_star_parts(*T.theta_star_aux(smin, smax, x(b.psiD), x(b.psiB), x(s),
                                                          L1, Ld))
    out["theta_star_r0"] = r0
    out["one_minus_theta_star"] = one_minus_ts
    out["theta_star"] = None if one_minus_ts is None else 1 - one_minus_ts
    out["eta_star_lower_thm7"] = T.eta_star_lower_thm7(L1, Lk, Lk1, Ld, smax, x(b.psiD), x(b.norm2),
                                                        x(out["theta"]))
    out["eta_star_lower_thm7_remark"] = T.eta_star_lower_thm7_remark(
        L1, Lk, Lk1, Ld, smax, x(b.psiD), x(b.normD2))
    out["eta_star_upper_thm8_main"] = T.eta_star_upper_thm8(lam[0], lam[k - 1], lam[k], lam[-1], 1)
    out["eta_star_upper_thm8_app"] = T.eta_star_upper_thm8(lam[0], lam[k - 1], lam[k], lam[-1], 2)
    out["eta_star_upper_cor9"] = Fraction(2) / lam[0]
    out["thm8_threshold"] = T.thm8_threshold(b.eD, b.eB)
    out["eta_loss_D"] = T.eta_loss(b.sD, b.tauD, b.nD)
    out["eta_loss_B"] = T.eta_loss(b.sB, b.tauB, b.nB)
    out["eta_loss_D_intro_box"] = T.eta_loss_intro_box(b.sD, b.uD, b.nD)
    out["eta_loss_B_intro_box"] = T.eta_loss_intro_box(b.sB, b.uB, b.nB)
    alpha = T.alpha_crit(b.sD, b.sB, b.tauD, b.tauB)
    if alpha is not None:
        out["alpha"], out["beta"], out["gamma"] = alpha, -alpha + b.nB + b.nD, -b.nD
        delta = crit_one_minus(alpha, b.nB, b.nD) if alpha > 0 else None
        out["one_minus_theta_crit"] = delta
        out["theta_crit"] = None if delta is None else 1 - delta
    else:
        out.update(alpha=None, beta=None, gamma=-b.nD, one_minus_theta_crit=None, theta_crit=None)
    # Theorem 13's printed bounds on 1 − θ^crit: n_B/(s(λ_k − λ_{k+1})) above, n_B/(s(λ_k −
    # λ_{k+1}) + n_B + n_D) below (the lower one is refuted; thm13-corrected replaces both)
    base = s * (lam[k - 1] - lam[k])
    out["thm13_upper_bound"] = div(b.nB, base)
    out["thm13_lower_bound"] = div(b.nB, base + b.nB + b.nD)
    if eta is not None:
        out.update(eta_quantities(case, b, eta))
    return out


def eta_quantities(case: Case, b: Blocks, eta: Fraction) -> dict[str, Any]:
    """Quantities that need a step size: Θ(η), E f_t(η), expected loss changes (Thm 10)."""
    from verify.core.expected_full_cov import expected_theta_next_full
    from verify.core.expected_ratio import expected_theta_next

    p, q = lemma22_pq(b)
    eD, eB = expected_next_blocks(case, b, eta)
    s = b.s
    tau = b.tauD + b.tauB
    n = b.nD + b.nB
    return {
        "eta": eta,
        "E_s_D_next": eD,
        "E_s_B_next": eB,
        "Theta_next": T.theta_map(b.sD, b.sB, b.tauD, b.tauB, b.uD, b.uB, b.eD, b.eB, eta),
        "expected_f": p * eta**2 + q * eta,
        "expected_theta_next": (expected_theta_next(case, eta) if case.noise_is_diagonal
                                else _full_cov_or_none(case, eta, expected_theta_next_full)),
        "expected_loss_change_sgd": T.expected_loss_change(eta, s, tau, n),
        "expected_loss_change_dsgd": T.expected_loss_change(eta, b.sD, b.tauD, b.nD),
        "expected_loss_change_bsgd": T.expected_loss_change(eta, b.sB, b.tauB, b.nB),
    }


def _full_cov_or_none(case: Case, eta: Fraction, fn):
    """E[θ_{t+1}|x] for a full covariance, or None (undefined here, never a guess) when the
    integrand cannot be certified: a singular or nearly singular coupled block makes I + 2sηC
    arbitrarily ill-conditioned at large s (a known limit of `verify.core.expected_full_cov`)."""
    from verify.core.errors import PrecisionError

    try:
        return fn(case, eta)
    except PrecisionError:
        return None


def to_decimal(x: Any, dps: int) -> str | None:
    """Decimal string with `dps` significant digits (None → None). Call inside workdps(≥dps)."""
    if x is None:
        return None
    if isinstance(x, Fraction) and x == 0:
        return "0.0"
    return mpmath.nstr(mp(x), dps, strip_zeros=False)


def decimal_quantities(case: Case, dps: int, eta: Fraction | None = None) -> dict[str, str | None]:
    """`quantities` rendered as decimal strings at `dps` digits, computed with guard digits."""
    with mpmath.workdps(dps + 15):
        q = quantities(case, dps + 15, eta)
        return {name: to_decimal(v, dps) for name, v in sorted(q.items())}
