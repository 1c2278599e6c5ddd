"""Exact and certified evaluations shared by the claim units.

Each wraps one definition of `verify.core.thresholds` for the claim checkers: Fractions where
the quantity is rational in the case's data, arb balls (current flint precision) where it
involves a square root, and None where the quantity is undefined at the case.
"""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np

from verify.core import thresholds as T
from verify.core.cases import Case, make_case
from verify.core.noise_spectrum import exact_noise_extremes
from verify.core.signs import arb
from verify.core.theory import blocks, lemma22_pq


def theta(case: Case) -> Fraction:
    """θ = s^D/s (0 when s = 0)."""
    b = blocks(case)
    return b.sD / b.s if b.s else Fraction(0)


def in_open_unit(case: Case) -> bool:
    """θ ∈ (0, 1): both blocks carry gradient energy."""
    b = blocks(case)
    return b.sD > 0 and b.sB > 0


def _arb_sqrt(x):
    return arb(x).sqrt() if isinstance(x, (Fraction, int)) else x.sqrt()


def one_minus_theta_star(case: Case):
    """arb value of 1 − θ* (Theorem 4, current flint precision); None if undefined."""
    poly = _star_poly(case)
    if poly is None:
        return None
    a, m_aux, h = poly
    res = T.theta_star_root(arb(a), arb(h), arb(m_aux), _arb_sqrt)
    return None if res is None else res[1]


def _star_poly(case: Case):
    """(a, m^aux, h) of Theorem 4 exactly, or None when θ* is undefined (a = 0 or h = 0, or the
    noise spectrum is not rational)."""
    ss = exact_noise_extremes(case)
    if ss is None:
        return None
    b = blocks(case)
    lam = case.eigenvalues
    a, h, m_aux = T.theta_star_aux(ss[0], ss[1], b.psiD, b.psiB, b.s, lam[0], lam[-1])
    return None if a == 0 or h == 0 else (a, m_aux, h)


def sign_minus_one_minus_theta_star(case: Case, y: Fraction) -> int | None:
    """Exact sign of y − (1 − θ*) for rational y (None if θ* is undefined).

    1 − θ* = 1/(1 + r0) with r0 the positive root of P(r) = a r² + (a − m^aux − h) r − h, a, h > 0;
    P(0) = −h < 0, so P < 0 on [0, r0) and P > 0 beyond. For y ∈ (0, 1]: y > 1/(1 + r0) ⇔
    1/y − 1 < r0 ⇔ P(1/y − 1) < 0. y ≤ 0 lies below 1 − θ* > 0; y > 1 above it."""
    poly = _star_poly(case)
    if poly is None:
        return None
    a, m_aux, h = poly
    if y <= 0:
        return -1
    if y > 1:
        return 1
    r = 1 / y - 1
    P = a * r * r + (a - m_aux - h) * r - h
    return (P < 0) - (P > 0)


def sign_minus_delta_crit(case: Case, r: Fraction) -> int | None:
    """Exact sign of r − δ for rational r, δ = 1 − θ^crit (None where δ is undefined).

    δ is the smaller root of g(x) = αx² − (α + n)x + n_B (α > 0, n_B > 0, n = n_B + n_D), with
    g(0) = n_B > 0 ≥ −n_D = g(1). Hence g(r) < 0 ⇒ r between the roots (r > δ); g(r) > 0 ⇒ r outside
    them, below δ iff r is left of the vertex (α + n)/(2α); g(r) = 0 ⇒ r = δ iff r ≤ the vertex."""
    b = blocks(case)
    alpha = T.alpha_crit(b.sD, b.sB, b.tauD, b.tauB)
    if alpha is None or alpha <= 0 or b.nB == 0:
        return None
    n = b.nB + b.nD
    g = alpha * r * r - (alpha + n) * r + b.nB
    vertex = (alpha + n) / (2 * alpha)
    if g < 0:
        return 1
    if g > 0:
        return -1 if r < vertex else 1
    return 0 if r <= vertex else 1


def g_gap(case: Case) -> Fraction | None:
    """Theorem 3's g_gap, exact; None when s_min = 0 (or the noise spectrum is irrational)."""
    ss = exact_noise_extremes(case)
    if ss is None:
        return None
    lam = case.eigenvalues
    return T.g_gap(ss[0], ss[1], lam[case.k - 1], lam[case.k], case.k, case.d)


def delta_crit(case: Case):
    """arb value of 1 − θ^crit (Lemma 24 / Theorem 13); None if undefined (θ ∉ (0,1), α ≤ 0 or
    n_B = 0)."""
    b = blocks(case)
    alpha = T.alpha_crit(b.sD, b.sB, b.tauD, b.tauB)
    if alpha is None or alpha <= 0 or b.nB == 0:
        return None
    return T.one_minus_theta_crit(arb(alpha), arb(b.nB), arb(b.nD), _arb_sqrt)


def eta_star(case: Case) -> Fraction | None:
    """η* = −q/p (Lemma 22), exact; None when p = 0."""
    p, q = lemma22_pq(blocks(case))
    return None if p == 0 else -q / p


def arb_min(x, y):
    """min(x, y) of two margins: exact for two Fractions; for balls, the ball that is certainly the
    smaller, and for overlapping balls a ball enclosing [min(x_lo, y_lo), min(x_hi, y_hi)], which
    holds min(x, y) for every value the two balls allow (so its certified sign is min's sign)."""
    if isinstance(x, Fraction) and isinstance(y, Fraction):
        return min(x, y)
    x, y = (arb(v) if isinstance(v, Fraction) else v for v in (x, y))
    if x < y:
        return x
    if y < x:
        return y
    lo = x.lower() if x.lower() < y.lower() else y.lower()
    hi = x.upper() if x.upper() < y.upper() else y.upper()
    return lo.union(hi)


def log_slope(xs, ys) -> float:
    """Least-squares slope of log y against log x (the fitted order of a power law)."""
    return float(np.polyfit(np.log(np.asarray(xs, float)), np.log(np.asarray(ys, float)), 1)[0])


def crit_family(lams_of_m, state, ms):
    """(m, case, 1 − θ^crit as a 40-digit ball) along a family of spectra, σ = 1."""
    out = []
    with flint.ctx.workdps(40):
        for m in ms:
            lam, k = lams_of_m(m)
            case = make_case(lam, k, state, sigma=1)
            out.append((m, case, delta_crit(case)))
    return out
