"""Exact finite-d E[θ_{t+1} | x_t] as a one-dimensional integral (diagonal noise in the eigenbasis).

After one SGD step c_i' = a_i − η ζ_i with a_i = (1 − ηλ_i)c_i and independent ζ_i ~ N(0, κ_i²).
Write X_i = λ_i² c_i'², U = Σ_D X_i, V = Σ_B X_i, so θ_{t+1} = U/(U + V) (θ = 0 when U + V = 0).
Since 1/y = ∫_0^∞ e^{−sy} ds and U, V are independent,

    E[U/(U+V)] = ∫_0^∞ E[U e^{−sU}] E[e^{−sV}] ds = ∫_0^∞ L(s) g_D(s) ds,

with the Laplace transform of X_i = w(μ + σZ)², w = λ², μ = a_i, σ = ηκ_i:
    log E e^{−sX_i} = −½ log(1 + 2swσ²) − swμ²/(1 + 2swσ²),
    −d/ds log E e^{−sX_i} = wσ²/(1 + 2swσ²) + wμ²/(1 + 2swσ²)²,
L(s) = Π_i E e^{−sX_i} (all coordinates) and g_D(s) = Σ_{i∈D} (−d/ds log E e^{−sX_i}).
The integral is evaluated by tanh-sinh quadrature on s = S₀·u/(1−u), S₀ = 1/E[U+V], split at
the scale points, at the caller's working precision. Coordinates sharing (w, σ²) share the
logarithm, so two-level spectra cost O(levels) per node for the log part.
"""

from __future__ import annotations

from contextvars import ContextVar
from fractions import Fraction

import flint
import mpmath
import numpy as np

from verify.core.cases import Case

# A progress callback `(done, total)` over the quadrature's integrand evaluations (each costs O(d)
# at large d), set by `salign eval` on a case large enough to take seconds; None: silent.
QUAD_PROGRESS: ContextVar = ContextVar("quad_progress", default=None)
QUAD_POINTS = [-mpmath.inf, -4, 0, 4, mpmath.inf]


def quadrature_evaluations(prec: int) -> tuple[int, int, int]:
    """(expected, step, most) integrand evaluations of mpmath.quad (tanh-sinh) on QUAD_POINTS at
    binary precision `prec`: it raises the degree per piece until converged, up to
    guess_degree(prec); `expected` assumes convergence two degrees earlier (the rule's own
    'reasonable worst case' margin), `step` is one more degree on one piece, `most` counts every
    degree of every piece."""
    from mpmath.calculus.quadrature import TanhSinh

    rule = TanhSinh(mpmath.mp)
    top = rule.guess_degree(prec)
    # nodes of degrees 1 and 2 computed (a few dozen, cheap at any precision); each further degree
    # halves the step, doubling the count (within ~3 %): computing them all would cost as much as
    # the quadrature's own node set (minutes at 2000 digits)
    first = [len(rule.get_nodes(mpmath.mpf(0), mpmath.mpf(1), deg, prec)) for deg in (1, 2)]
    sizes = (first + [first[1] * 2 ** (deg - 2) for deg in range(3, top + 1)])[:top]
    pieces = len(QUAD_POINTS) - 1
    exp_deg = max(1, top - 2)
    return pieces * sum(sizes[:exp_deg]), sizes[min(exp_deg, top - 1)], pieces * sum(sizes)


def _coordinate_params(case: Case, eta: Fraction):
    lam, c, kap = case.eigenvalues, case.state, case.kappa2
    w = [lam[i] ** 2 for i in range(case.d)]
    mu2 = [((1 - eta * lam[i]) * c[i]) ** 2 for i in range(case.d)]
    v = [eta**2 * kap[i] for i in range(case.d)]
    return w, mu2, v


def expected_theta_next(case: Case, eta: Fraction):
    """E[θ_{t+1} | x_t] for SGD at step η (mpf at the current mpmath working precision).

    Requires C diagonal in the eigenbasis (isotropic or κ² noise); the caller checks.
    """
    w, mu2, v = _coordinate_params(case, eta)
    return expected_block_ratio(w, mu2, v, case.k)


def stationary_expected_alignment(lam, k: int, kappa2, eta: Fraction):
    """Exact finite-d E[θ] under the stationary law of constant-step SGD (diagonal noise):
    c_i ~ N(0, β_i) independently, β_i = ηκ_i²/(2λ_i − ηλ_i²) (Lemma 26, t → ∞). Theorem 16's
    θ_∞ is the ratio of expectations Σ_Dλ²β/Σλ²β; this is the expectation of the ratio."""
    lam = [Fraction(x) for x in lam]
    w = [x * x for x in lam]
    beta = [eta * Fraction(kappa2[i]) / (2 * lam[i] - eta * lam[i] ** 2) for i in range(len(lam))]
    return expected_block_ratio(w, [Fraction(0)] * len(lam), beta, k)


def gaussian_init_alignment(lam, k: int, kappa2, eta: float, t: int, c0_var: float = 1.0):
    """Exact finite-d E[θ_t] of constant-step SGD from x_0 ~ N(0, c0_var·I): every c_{i,t} is
    N(0, v_i(t)), v_i(t) = (1−ηλ_i)^{2t}(c0_var − β_i) + β_i (Lemma 26), independent across i
    for diagonal noise. Inputs are floats; the variances are taken as exact binary rationals,
    so the result is exact for those inputs (call inside an mpmath workdps)."""
    lam = np.asarray(lam, dtype=float)
    kap = np.asarray(kappa2, dtype=float)
    beta = eta * kap / (2 * lam - eta * lam * lam)
    var = (1 - eta * lam) ** (2 * t) * (c0_var - beta) + beta
    w = [Fraction(x * x) for x in lam]
    return expected_block_ratio(w, [Fraction(0)] * len(lam), [Fraction(float(x)) for x in var], k)


def expected_block_ratio(w, mu2, v, k: int):
    """E[U/(U+V)] for X_i = w_i(μ_i + √v_i Z_i)², U = Σ_{i<k} X_i, V = Σ_{i≥k} X_i, Z_i iid
    N(0,1) (exact rational w, μ², v; θ = 0 when U + V = 0). The integrand is evaluated in ball
    arithmetic (python-flint) with 10 guard digits; quadrature is mpmath's tanh-sinh on
    s = e^y / E[U+V], y ∈ ℝ."""
    d = len(w)
    groups: dict[tuple[Fraction, bool], list] = {}
    for i in range(d):
        key = (w[i] * v[i], i < k)
        g = groups.setdefault(key, [Fraction(0), 0])
        g[0] += w[i] * mu2[i]
        g[1] += 1
    tot_mean = sum((w[i] * (mu2[i] + v[i]) for i in range(d)), Fraction(0))
    dom_mean = sum((w[i] * (mu2[i] + v[i]) for i in range(k)), Fraction(0))
    if tot_mean == 0 or dom_mean == 0:
        return mpmath.mpf(0)  # θ_{t+1} = 0 almost surely (θ(0) = 0 convention or U ≡ 0)
    if all(wv == 0 for wv, _ in groups):  # no noise: θ_{t+1} is deterministic
        return _m(dom_mean / tot_mean)
    prec_dps = mpmath.mp.dps + 10
    with flint.ctx.workdps(prec_dps):
        rows = [
            (_a(wv), _a(wm), mult, dom) for (wv, dom), (wm, mult) in sorted(groups.items())
        ]
        s0 = 1 / _a(tot_mean)

    def integrand(y):
        with flint.ctx.workdps(prec_dps):
            s = s0 * flint.arb(mpmath.nstr(mpmath.exp(y), prec_dps + 5))
            prod = flint.arb(1)
            lin = flint.arb(0)
            gD = flint.arb(0)
            for wv, wm, mult, dom in rows:
                den = 1 + 2 * s * wv
                prod *= den if mult == 1 else den**mult
                lin += wm / den
                if dom:
                    gD += mult * wv / den + wm / (den * den)
            val = (-prod.log() / 2 - s * lin).exp() * gD * s
            return mpmath.mpf(val.mid().str(prec_dps, radius=False))

    report = QUAD_PROGRESS.get()
    if report is None:
        return mpmath.quad(integrand, QUAD_POINTS)
    expected, step, most = quadrature_evaluations(mpmath.mp.prec)
    done = [0]

    def counted(y):
        v = integrand(y)
        done[0] += 1
        # past the expected count a piece needed a higher degree: expect one more degree of one piece
        report(done[0], expected if done[0] <= expected else min(most, done[0] + step))
        return v

    return mpmath.quad(counted, QUAD_POINTS)


def _a(x: Fraction):
    return flint.arb(flint.fmpq(x.numerator, x.denominator))


def _m(x: Fraction):
    return mpmath.mpf(x.numerator) / x.denominator
