"""Extreme eigenvalues s_min = λ_min(Σ), s_max = λ_max(Σ) of the noise covariance, at any precision.

Isotropic and diagonal noise give them exactly. For a full covariance, float64 `eigh` gives
approximate extreme eigenpairs, which are refined by Newton's method on F(v, λ) = Σv − λv
with the normalisation v_s = 1 (mixed-precision refinement, Dongarra–Moler–Wilkinson 1983):
residuals at the working precision, corrections from a float64 solve of the bordered system.
Each sweep gains about 15 − log10(cond) digits. The refinement stops when the residual
‖Σv − λv‖/‖v‖ — which bounds the distance from λ to the spectrum (Σ symmetric) — is below
10^(−dps) relative to ‖Σ‖; otherwise a PrecisionError is raised, never a silent number.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

import mpmath
import numpy as np

from verify.core.errors import PrecisionError  # noqa: F401  (re-exported)

if TYPE_CHECKING:  # type only: cases imports this module (its PSD test), not the reverse
    from verify.core.cases import Case

__all__ = ["PrecisionError", "covariance_extremes", "covariance_is_psd", "noise_extremes"]


def _refine(cov_mp: list[list], cov_f: np.ndarray, lam0: float, v0: np.ndarray, dps: int):
    """Refine one eigenpair of a symmetric matrix to ~dps digits; returns (λ, residual)."""
    n = len(cov_mp)
    s = int(np.argmax(np.abs(v0)))
    v = [mpmath.mpf(float(x)) / mpmath.mpf(float(v0[s])) for x in v0]
    lam = mpmath.mpf(lam0)
    scale = max(mpmath.mpf(float(np.max(np.abs(cov_f)))), mpmath.mpf(1) * 10 ** (-dps))
    B = cov_f - lam0 * np.eye(n)
    col = -np.asarray(v0 / v0[s], dtype=float)
    B[:, s] = col
    for _ in range(4 + dps // 8):
        Sv = [mpmath.fdot(cov_mp[i], v) for i in range(n)]
        r = [lam * v[i] - Sv[i] for i in range(n)]
        vnorm = mpmath.sqrt(mpmath.fsum(x * x for x in v))
        res = mpmath.sqrt(mpmath.fsum(x * x for x in r)) / vnorm
        if res <= scale * mpmath.mpf(10) ** (-dps):
            return lam, res
        try:
            y = np.linalg.solve(B, np.array([float(x) for x in r]))
        except np.linalg.LinAlgError:
            raise PrecisionError("covariance eigenvalue refinement failed (clustered extreme "
                                 "eigenvalues); s_min/s_max inconclusive") from None
        lam += mpmath.mpf(float(y[s]))
        for i in range(n):
            if i != s:
                v[i] += mpmath.mpf(float(y[i]))
    raise PrecisionError("covariance eigenvalue refinement did not converge")


def _cov_float(cov: tuple[tuple[Fraction, ...], ...]) -> np.ndarray:
    return np.array([[float(x) for x in row] for row in cov], dtype=float)


EXACT_MAX_D = 40  # full covariances up to this size get exact singularity and PSD tests


def covariance_extremes(cov: tuple[tuple[Fraction, ...], ...], dps: int) -> tuple:
    """(s_min, s_max) of a symmetric matrix as mpf at `dps` digits (call inside workdps).

    d ≤ EXACT_MAX_D: Jacobi eigenvalues (mpmath.eigsy) with 10 guard digits, and s_min = 0
    exactly when the matrix is exactly singular (rational elimination) — so that quantities
    undefined at s_min = 0 are reported undefined, not as a huge number from a rounding
    residue. Larger d: float64 eigh + mixed-precision refinement; a refinement that cannot
    proceed (clustered extreme eigenvalues) raises PrecisionError ("inconclusive")."""
    n = len(cov)
    if all(cov[i][j] == 0 for i in range(n) for j in range(n) if i != j):
        diag = [cov[i][i] for i in range(n)]
        return _mp(min(diag)), _mp(max(diag))
    if n <= EXACT_MAX_D:
        with mpmath.workdps(dps + 10):
            ev = mpmath.eigsy(mpmath.matrix([[_mp(x) for x in row] for row in cov]),
                              eigvals_only=True)
            lo, hi = min(ev), max(ev)
        if _exact_rank([list(r) for r in cov]) < n:
            lo = mpmath.mpf(0)
        return +lo, +hi
    cov_f = _cov_float(cov)
    w, V = np.linalg.eigh(cov_f)
    cov_mp = [[_mp(x) for x in row] for row in cov]
    tol = 1e-8 * max(1.0, float(np.max(np.abs(w))))
    lo = [i for i in range(n) if w[i] <= w[0] + tol]
    hi = [i for i in range(n) if w[i] >= w[-1] - tol]
    mins = [_refine(cov_mp, cov_f, w[i], V[:, i], dps)[0] for i in lo[:8]]
    maxs = [_refine(cov_mp, cov_f, w[i], V[:, i], dps)[0] for i in hi[:8]]
    return min(mins), max(maxs)


def covariance_is_psd(cov: tuple[tuple[Fraction, ...], ...]) -> bool:
    """PSD test: exact LDLᵀ in rationals for d ≤ 40, else λ_min refined to 60 digits ≥ −1e-50‖Σ‖."""
    n = len(cov)
    if n <= 40:
        return _exact_psd([list(r) for r in cov])
    with mpmath.workdps(60):
        smin, smax = covariance_extremes(cov, 60)
        return bool(smin >= -abs(smax) * mpmath.mpf(10) ** -50)


def _exact_psd(a: list[list[Fraction]]) -> bool:
    """Exact PSD test by symmetric Gaussian elimination with zero-pivot handling."""
    n = len(a)
    a = [row[:] for row in a]
    for i in range(n):
        p = a[i][i]
        if p < 0:
            return False
        if p == 0:
            if any(a[i][j] != 0 for j in range(i + 1, n)):
                return False
            continue
        for r in range(i + 1, n):
            f = a[r][i] / p
            if f:
                for c in range(i + 1, n):
                    a[r][c] -= f * a[i][c]
    return True


def _exact_rank(a: list[list[Fraction]]) -> int:
    """Rank of a rational matrix by exact Gaussian elimination."""
    a = [row[:] for row in a]
    rank, n, m = 0, len(a), len(a[0]) if a else 0
    for col in range(m):
        piv = next((r for r in range(rank, n) if a[r][col] != 0), None)
        if piv is None:
            continue
        a[rank], a[piv] = a[piv], a[rank]
        for r in range(rank + 1, n):
            f = a[r][col] / a[rank][col]
            if f:
                for c in range(col, m):
                    a[r][c] -= f * a[rank][c]
        rank += 1
    return rank


def _mp(x: Fraction):
    return mpmath.mpf(x.numerator) / x.denominator


def exact_noise_extremes(case: Case) -> tuple[Fraction, Fraction] | None:
    """Exact (s_min, s_max) when C is diagonal in the eigenbasis (isotropic, κ² list or a
    diagonal matrix): the extreme variances. None for a full covariance."""
    if not case.noise_is_diagonal:
        return None
    kap = case.kappa2
    return min(kap), max(kap)


def noise_extremes(case: Case, dps: int) -> tuple:
    """(s_min, s_max) of Σ: exact Fractions for diagonal noise, otherwise mpf refined to `dps`
    digits (call inside an mpmath.workdps)."""
    exact = exact_noise_extremes(case)
    if exact is not None:
        return exact
    assert case.covariance is not None
    return covariance_extremes(case.covariance, dps)
