"""The expected block ratios (verify/core/expected_ratio.py): quadrature, the stationary
alignment and the exact block ratio against independent evaluations. Mirrors
verify/core/expected_ratio.py.

References used (none goes through the Laplace-transform integral of the module):
- equal scales: X_i = γχ²_1 for every i gives θ ~ Beta(k/2, (d−k)/2), so E[θ] = k/d;
- two central coordinates: X_1 = aZ_1², X_2 = bZ_2² give E[θ] = √a/(√a + √b) (write
  (Z_1, Z_2) = r(cos φ, sin φ) with φ uniform: (1/2π)∫ a cos²φ/(a cos²φ + b sin²φ) dφ);
- one random block and one deterministic block: a one-dimensional Gaussian integral in z;
- a general mixed case: Monte Carlo with a 6-standard-error tolerance;
- no noise: the exact rational Σ_D w μ² / Σ w μ².
"""

from __future__ import annotations

import random
from fractions import Fraction as F

import mpmath
import numpy as np
import pytest

from verify.core import expected_ratio as er
from verify.core.cases import make_case

DPS = 15
TOL = mpmath.mpf(10) ** -12


def _close(a, b, tol=TOL) -> bool:
    return abs(a - b) <= tol * max(abs(b), 1)


def _gauss_1d(h):
    """E[h(Z)], Z ~ N(0,1), by tanh-sinh at the working precision."""
    return mpmath.quad(lambda z: h(z) * mpmath.exp(-z * z / 2), [-mpmath.inf, -1, 0, 1, mpmath.inf]) / (
        mpmath.sqrt(2 * mpmath.pi))


# --- quadrature_evaluations: the documented counts against mpmath's own evaluation count --------

def _count(points, prec, maxdegree=None):
    """Integrand evaluations of mpmath.quad on `points` for an integrand that never converges
    (pseudo-random values), so every degree up to `maxdegree` (default: mpmath's) is computed."""
    rng = random.Random(7)
    n = [0]

    def rough(y):
        n[0] += 1
        return mpmath.mpf(rng.random())

    with mpmath.workprec(prec):
        kw = {} if maxdegree is None else {"maxdegree": maxdegree}
        mpmath.quad(rough, points, **kw)
    return n[0]


@pytest.mark.parametrize("prec", [53, 103])
def test_quadrature_evaluation_counts(prec):
    """`most` is every degree of every piece (an upper bound on mpmath's count, and close to it:
    the degree sizes are extrapolated by doubling, documented within a few %), `expected` the
    count when every piece stops two degrees below mpmath's maximum, `step` one further degree
    of one piece. Measured by counting the calls mpmath.quad really makes."""
    from mpmath.calculus.quadrature import TanhSinh

    with mpmath.workprec(prec):
        expected, step, most = er.quadrature_evaluations(prec)
        top = TanhSinh(mpmath.mp).guess_degree(prec)
    actual_most = _count(er.QUAD_POINTS, prec)
    assert actual_most <= most <= 1.06 * actual_most, (most, actual_most)
    actual_expected = _count(er.QUAD_POINTS, prec, maxdegree=top - 2)
    assert actual_expected <= expected <= 1.06 * actual_expected, (expected, actual_expected)
    one_more = _count([0, 1], prec, maxdegree=top - 1) - _count([0, 1], prec, maxdegree=top - 2)
    assert one_more <= step <= 1.1 * one_more, (step, one_more)
    assert expected + step <= most


def test_progress_callback_reports_a_consistent_count():
    """With QUAD_PROGRESS set, the callback sees done = 1, 2, 3, … and a total never below done
    (the total only grows past `expected` when mpmath needs more degrees); the value is the
    same as without the callback."""
    w, mu2, v = [F(4), F(1), F(1, 2)], [F(1, 3), F(1), F(0)], [F(1), F(2), F(3)]
    seen = []
    with mpmath.workdps(DPS):
        plain = er.expected_block_ratio(w, mu2, v, 1)
        token = er.QUAD_PROGRESS.set(lambda done, total: seen.append((done, total)))
        try:
            counted = er.expected_block_ratio(w, mu2, v, 1)
        finally:
            er.QUAD_PROGRESS.reset(token)
        expected, step, most = er.quadrature_evaluations(mpmath.mp.prec)
    assert counted == plain
    assert [d for d, _ in seen] == list(range(1, len(seen) + 1))
    assert all(d <= t <= most for d, t in seen)
    assert seen[0][1] == expected


def test_progress_total_grows_by_one_degree_past_expected():
    """Past `expected` evaluations the reported total is done + step (one more degree of one
    piece), capped by `most`: driven here by an integrand mpmath cannot converge on."""
    seen = []
    token = er.QUAD_PROGRESS.set(lambda done, total: seen.append((done, total)))
    try:
        with mpmath.workdps(15):
            expected, step, most = er.quadrature_evaluations(mpmath.mp.prec)
            # an ill-scaled case: the mean of one coordinate is 10^12 times the noise of the
            # others, the integrand has features far from the split points
            er.expected_block_ratio([F(1), F(1), F(1)], [F(10**12), F(0), F(0)], [F(1), F(1), F(10**-6)], 1)
    finally:
        er.QUAD_PROGRESS.reset(token)
    past = [(d, t) for d, t in seen if d > expected]
    for d, t in past:
        assert t == min(most, d + step)
    assert all(t >= d for d, t in seen)


# --- expected_block_ratio against closed forms -----------------------------------------------

def test_equal_scales_give_k_over_d():
    """w_i v_i = γ for all i, μ = 0: θ = Σ_D Z²/Σ Z² ~ Beta(k/2, (d−k)/2), E = k/d, whatever the
    split of γ into w and v (coordinates with equal w·v share one multiplicity group)."""
    d, k = 5, 2
    w = [F(2 ** (i % 3)) for i in range(d)]
    v = [F(3) / x for x in w]
    with mpmath.workdps(DPS):
        got = er.expected_block_ratio(w, [F(0)] * d, v, k)
        assert _close(got, mpmath.mpf(k) / d), got


def test_two_central_coordinates_closed_form():
    """X_1 = aZ_1², X_2 = bZ_2²: E[θ] = √a/(√a + √b), also with the scale split as w = a, v = 1
    on one side and w = 1, v = b on the other."""
    a, b = F(2), F(3, 7)
    with mpmath.workdps(DPS):
        ra, rb = mpmath.sqrt(mpmath.mpf(a.numerator) / a.denominator), mpmath.sqrt(
            mpmath.mpf(b.numerator) / b.denominator)
        got = er.expected_block_ratio([a, F(1)], [F(0), F(0)], [F(1), b], 1)
        assert _close(got, ra / (ra + rb)), got


def test_scaling_and_permutation_invariance():
    """θ is invariant under X ↦ cX (v and μ² scaled together by c = 10^-24: the quadrature's
    scale s = e^y/E[U+V] must follow) and under a permutation inside D or inside B."""
    w, mu2, v = [F(3), F(2), F(1), F(1, 2)], [F(1, 2), F(0), F(2), F(1, 3)], [F(1), F(2), F(1, 5), F(1)]
    with mpmath.workdps(DPS):
        base = er.expected_block_ratio(w, mu2, v, 2)
        assert 0 < base < 1
        scaled_v = er.expected_block_ratio(w, [x / 10**24 for x in mu2], [x / 10**24 for x in v], 2)
        perm = [1, 0, 3, 2]
        permuted = er.expected_block_ratio([w[i] for i in perm], [mu2[i] for i in perm],
                                           [v[i] for i in perm], 2)
        for other in (scaled_v, permuted):
            assert _close(other, base), (other, base)


def test_random_dominant_block_deterministic_bulk():
    """U = w(μ + √v Z)² on D, V = b constant (bulk without noise): E[U/(U + b)] as a Gaussian
    integral in z (mean and noise both enter)."""
    w, mu, v, b = F(2), F(1, 2), F(3), F(5, 4)
    with mpmath.workdps(DPS):
        wm, mum, sd = mpmath.mpf(2), mpmath.mpf(1) / 2, mpmath.sqrt(3)
        ref = _gauss_1d(lambda z: wm * (mum + sd * z) ** 2 / (wm * (mum + sd * z) ** 2 + mpmath.mpf(5) / 4))
        got = er.expected_block_ratio([w, F(1)], [mu * mu, b], [v, F(0)], 1)
        assert _close(got, ref), (got, ref)


def test_deterministic_dominant_random_bulk():
    """U = a constant (dominant block without noise), V = w(μ + √v Z)²: E[a/(a + V)] as a
    Gaussian integral in z (the bulk's mean and noise both enter)."""
    a, w, mu, v = F(3, 2), F(1, 2), F(2), F(1)
    with mpmath.workdps(DPS):
        ref = _gauss_1d(lambda z: mpmath.mpf(3) / 2 / (mpmath.mpf(3) / 2 + (2 + z) ** 2 / 2))
        got = er.expected_block_ratio([F(1), w], [a, mu * mu], [F(0), v], 1)
        assert _close(got, ref), (got, ref)


def test_mixed_case_against_monte_carlo():
    """Six coordinates with means, unequal noise, a shared (w·v) group and w·v = 0 on one bulk
    coordinate: the exact value against 200 000 draws (6 standard errors)."""
    w = [F(9), F(4), F(4), F(1), F(1), F(1, 4)]
    mu2 = [F(1, 4), F(0), F(1), F(1), F(1, 9), F(4)]
    v = [F(1, 9), F(1), F(1), F(4), F(0), F(1)]
    k = 3
    with mpmath.workdps(DPS):
        exact = float(er.expected_block_ratio(w, mu2, v, k))
    rng = np.random.default_rng(3)
    wf, muf, sf = (np.array([float(x) for x in w]), np.sqrt([float(x) for x in mu2]),
                   np.sqrt([float(x) for x in v]))
    x = wf * (muf + sf * rng.standard_normal((200_000, 6))) ** 2
    th = x[:, :k].sum(axis=1) / x.sum(axis=1)
    mean, se = th.mean(), th.std(ddof=1) / np.sqrt(len(th))
    assert abs(exact - mean) < 6 * se, (exact, mean, se)


def test_noise_free_and_degenerate_cases():
    """v = 0: θ is deterministic, Σ_D wμ²/Σ wμ² exactly. Σ E[X] = 0 or Σ_D E[X] = 0: θ = 0
    almost surely (θ(0) = 0 convention, or U ≡ 0). A case with Σ E[X] = 1 exactly is not
    degenerate."""
    with mpmath.workdps(DPS):
        assert er.expected_block_ratio([F(2), F(1)], [F(1, 2), F(1)], [F(0), F(0)], 1) == mpmath.mpf(1) / 2
        assert er.expected_block_ratio([F(2), F(1)], [F(0), F(0)], [F(0), F(0)], 1) == 0
        assert er.expected_block_ratio([F(0), F(1)], [F(3), F(1)], [F(2), F(1)], 1) == 0
        assert er.expected_block_ratio([F(1), F(1)], [F(0), F(1)], [F(0), F(1)], 1) == 0
        # E[U] = E[U + V] = 1 (bulk silent): θ = 1 almost surely
        assert _close(er.expected_block_ratio([F(1), F(1)], [F(0), F(0)], [F(1), F(0)], 1), 1)
        # Σ E[X] = 1 with Σ_D E[X] = 1/2: the central two-coordinate closed form, 1/2
        assert _close(er.expected_block_ratio([F(1), F(1)], [F(0), F(0)], [F(1, 2), F(1, 2)], 1),
                      mpmath.mpf(1) / 2)


def test_signal_equal_to_noise_against_the_full_covariance_engine():
    """States where a dominant coordinate's signal equals its noise (μ_i² = v_i) and where every
    w_i v_i = 1: the value equals the block engine of verify/core/expected_full_cov.py
    (z_i = √w_i μ_i + √(w_i v_i) Z_i, an independent implementation: a per-block Laplace
    transform in ball arithmetic) to 12 digits, and differs from the noise-free value
    Σ_D wμ²/Σ wμ²."""
    from verify.core.expected_full_cov import gaussian_block_ratio

    cases = [  # (√w, μ, v, k): rational roots, so the block engine's mean is exact
        ([F(1), F(1)], [F(1), F(0)], [F(1), F(1)], 1),  # w·v = 1 everywhere, μ_0² = v_0
        ([F(2), F(1), F(1, 2)], [F(1), F(1), F(2)], [F(1, 4), F(1), F(4)], 1),  # w·v = 1
        ([F(3), F(1), F(1, 2)], [F(1, 2), F(0), F(3, 2)], [F(1, 4), F(1, 9), F(9, 4)], 2),
    ]
    with mpmath.workdps(DPS):
        for rw, mu, v, k in cases:
            w, mu2 = [x * x for x in rw], [x * x for x in mu]
            got = er.expected_block_ratio(w, mu2, v, k)
            m = [a * b for a, b in zip(rw, mu)]
            B = [[w[i] * v[i] if i == j else F(0) for j in range(len(w))] for i in range(len(w))]
            assert _close(got, gaussian_block_ratio(m, B, k)), (w, mu2, v, got)
            noiseless = sum(w[i] * mu2[i] for i in range(k)) / sum(a * b for a, b in zip(w, mu2))
            assert not _close(got, er._m(noiseless), mpmath.mpf(10) ** -3)


# --- the SGD wrappers ----------------------------------------------------------------------

def test_expected_theta_next_one_step_closed_forms():
    """One SGD step from c = 0: X_i = λ_i²η²κ_i² Z_i², so (d = 2) E[θ'] = λ_1κ_1/(λ_1κ_1 + λ_2κ_2).
    From c ≠ 0 with κ_B = 0 the bulk is the constant λ_2²((1 − ηλ_2)c_2)² and the dominant
    coordinate λ_1((1 − ηλ_1)c_1 − ηκ_1 Z): a Gaussian integral."""
    eta = F(1, 4)
    with mpmath.workdps(DPS):
        zero = make_case([2, 1], 1, [0, 0], kappa2=[F(9, 4), 4], eta=eta)
        # λ_1κ_1 = 3, λ_2κ_2 = 2
        assert _close(er.expected_theta_next(zero, eta), mpmath.mpf(3) / 5)
        case = make_case([2, 1], 1, [1, 2], kappa2=[1, 0], eta=eta)
        # a_1 = (1 − 1/2)·1 = 1/2, bulk = 1²·((3/4)·2)² = 9/4, dominant noise ηκ_1 = 1/4
        ref = _gauss_1d(lambda z: 4 * (mpmath.mpf(1) / 2 - z / 4) ** 2
                        / (4 * (mpmath.mpf(1) / 2 - z / 4) ** 2 + mpmath.mpf(9) / 4))
        assert _close(er.expected_theta_next(case, eta), ref)


def test_stationary_alignment_closed_forms():
    """Stationary c_i ~ N(0, β_i), β_i = ηκ_i²/(2λ_i − ηλ_i²) (Lemma 26): X_i = λ_i²β_i Z_i².
    With λ = (2, 1), η = 1/4: λ²β = κ²/3 and κ²/7, so κ² = (3, 7) would give equal scales
    and κ² = (12, 7) gives scales 4 and 1 (E = 2/3). With λ = (2, 1, 1/2), κ² = (3, 7, 15)
    (scales 1, 1, 1: 15·(1/4)·(1/2)/(2 − 1/8) = 1) E = k/3."""
    eta = F(1, 4)
    with mpmath.workdps(DPS):
        assert _close(er.stationary_expected_alignment([2, 1], 1, [12, 7], eta), mpmath.mpf(2) / 3)
        for k in (1, 2):
            got = er.stationary_expected_alignment([2, 1, F(1, 2)], k, [3, 7, 15], eta)
            assert _close(got, mpmath.mpf(k) / 3), (k, got)


def test_gaussian_init_alignment_closed_forms():
    """x_0 ~ N(0, c0·I): v_i(0) = c0, so E[θ_0] = λ_1/(λ_1 + λ_2) for d = 2; one step later
    v_i(1) = (1 − ηλ_i)²c0 + η²κ_i² (the SGD recursion itself, not Lemma 26's closed form),
    two steps v_i(2) = (1 − ηλ_i)²v_i(1) + η²κ_i²; E[θ_t] = √w_1/(√w_1 + √w_2), w_i = λ_i²v_i(t).
    For large t the law is the stationary one."""
    lam, kap, eta = [2.0, 1.0], [0.5, 2.0], 0.25

    def closed(v):
        sw = [mpmath.sqrt(mpmath.mpf(lam[i]) ** 2 * mpmath.mpf(v[i])) for i in range(2)]
        return sw[0] / (sw[0] + sw[1])

    def step(v):
        return [(1 - eta * lam[i]) ** 2 * v[i] + eta**2 * kap[i] for i in range(2)]

    with mpmath.workdps(DPS):
        assert _close(er.gaussian_init_alignment(lam, 1, kap, eta, 0, 0.5), closed([0.5, 0.5]))
        assert _close(er.gaussian_init_alignment(lam, 1, kap, eta, 2, 0.5), closed(step(step([0.5, 0.5]))))
        # the default initial law is N(0, I)
        assert _close(er.gaussian_init_alignment(lam, 1, kap, eta, 1), closed(step([1.0, 1.0])))
        late = er.gaussian_init_alignment(lam, 1, kap, eta, 400)
        stat = er.stationary_expected_alignment([2, 1], 1, [F(1, 2), 2], F(1, 4))
        assert _close(late, stat), (late, stat)
