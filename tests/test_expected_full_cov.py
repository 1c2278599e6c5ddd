"""Exact E[θ_{t+1} | x] with a full noise covariance (verify.core.expected_full_cov).

Checked against: the diagonal-noise path (C diagonal), a one-dimensional angular-density formula
(d = 2, an independent derivation), the same problem written in a rotated basis (C diagonal
after a rational Householder rotation inside equal-eigenvalue blocks), and Monte Carlo with a
strongly correlated C. Negative controls: the diagonal-only covariance is rejected by Monte Carlo;
a corrupted eigen-decomposition is caught by the LU spot check.
"""

from __future__ import annotations

from fractions import Fraction as F

import mpmath
import numpy as np
import pytest

import verify.core.expected_full_cov as efc
from verify.core.cases import Case, make_case
from verify.core.errors import PrecisionError
from verify.core.expected_ratio import expected_theta_next
from verify.core.theory import blocks, eta_quantities


def _rel(a, b) -> mpmath.mpf:
    return abs(a - b) / max(abs(b), mpmath.mpf(10) ** -300)


def test_diagonal_covariance_matches_diagonal_path():
    """C diagonal: the block code (singletons), the LU path (one 6-block) and the Jacobi path
    (one 14-block, > DIRECT_MAX) all equal the independent-coordinates integral to 40 digits."""
    kap = [1, 2, F(1, 3), 4, 5, F(1, 7)]
    case = make_case([5, 4, 3, 2, 1, F(1, 2)], 2, [1, -1, F(1, 2), 2, 1, -3],
                     covariance=[[kap[i] if i == j else 0 for j in range(6)] for i in range(6)],
                     eta=F(1, 10))
    lam14 = [F(30 - i, 10) for i in range(14)]
    kap14 = [F(i % 4 + 1, 3) for i in range(14)]
    case14 = make_case(lam14, 4, [F((-1) ** i * (i + 1), 5) for i in range(14)], kappa2=kap14,
                       eta=F(1, 5))
    with mpmath.workdps(55):
        for c in (case, case14):
            ref = expected_theta_next(c, c.eta)
            assert _rel(efc.expected_theta_next_full(c, c.eta), ref) < mpmath.mpf(10) ** -40
            assert _rel(efc.expected_theta_next_full(c, c.eta, dense=True), ref) < mpmath.mpf(10) ** -40


def _angular_reference(lam, c, eta, cov):
    """d = 2, k = 1: z = Λc' ~ N(m, S) in ℝ², θ = cos²φ for z = r(cos φ, sin φ). With
    A = uᵀS⁻¹u, b = uᵀS⁻¹m, q = mᵀS⁻¹m, the angular density is
    p(φ) = e^{−q/2}/(2π√det S) · ∫_0^∞ r e^{−Ar²/2 + br} dr and
    ∫_0^∞ r e^{−Ar²/2+br} dr = 1/A + (b/A)·√(π/(2A))·e^{b²/(2A)}·(1 + erf(b/√(2A))).
    Returns (E[cos²φ], ∫p) by tanh-sinh in φ — no Laplace transform, no eigenvectors."""
    def mp(x: F) -> mpmath.mpf:
        return mpmath.mpf(x.numerator) / x.denominator

    m = [mp(lam[i] * (1 - eta * lam[i]) * c[i]) for i in range(2)]
    S = [[mp(eta**2 * lam[i] * lam[j] * cov[i][j]) for j in range(2)] for i in range(2)]
    det = S[0][0] * S[1][1] - S[0][1] ** 2
    Si = [[S[1][1] / det, -S[0][1] / det], [-S[0][1] / det, S[0][0] / det]]
    q = sum(m[i] * Si[i][j] * m[j] for i in range(2) for j in range(2))

    def p(phi):
        u = [mpmath.cos(phi), mpmath.sin(phi)]
        A = sum(u[i] * Si[i][j] * u[j] for i in range(2) for j in range(2))
        b = sum(u[i] * Si[i][j] * m[j] for i in range(2) for j in range(2))
        radial = 1 / A + (b / A) * mpmath.sqrt(mpmath.pi / (2 * A)) * mpmath.exp(b * b / (2 * A)) * (
            1 + mpmath.erf(b / mpmath.sqrt(2 * A)))
        return mpmath.exp(-q / 2) / (2 * mpmath.pi * mpmath.sqrt(det)) * radial

    pts = mpmath.linspace(0, 2 * mpmath.pi, 9)
    return (mpmath.quad(lambda f: mpmath.cos(f) ** 2 * p(f), pts), mpmath.quad(p, pts))


def test_two_dimensional_angular_density():
    lam, c, eta = [F(2), F(1)], [F(1, 2), F(-1, 3)], F(1, 4)
    cov = [[F(3), F(-5, 2)], [F(-5, 2), F(4)]]  # correlation −0.72
    case = make_case(lam, 1, c, covariance=cov, eta=eta)
    with mpmath.workdps(50):
        ref, total = _angular_reference(lam, c, eta, cov)
        assert _rel(total, mpmath.mpf(1)) < mpmath.mpf(10) ** -35
        got = efc.expected_theta_next_full(case, eta)
        assert _rel(got, ref) < mpmath.mpf(10) ** -32, (got, ref)
        # negative control: the diagonal of C alone gives a visibly different number
        diag = make_case(lam, 1, c, kappa2=[cov[0][0], cov[1][1]], eta=eta)
        assert _rel(expected_theta_next(diag, eta), ref) > mpmath.mpf(10) ** -3


def _householder(v: list[F]) -> list[list[F]]:
    n2 = sum(x * x for x in v)
    return [[(1 if i == j else 0) - 2 * v[i] * v[j] / n2 for j in range(len(v))]
            for i in range(len(v))]


def _blockdiag(a, b):
    n, m = len(a), len(b)
    return [list(a[i]) + [F(0)] * m for i in range(n)] + [[F(0)] * n + list(b[i]) for i in range(m)]


def test_rotated_diagonal_problem():
    """With λ constant on D and on B, a rotation R = diag(R_D, R_B) commutes with Λ: the case
    (c, C = R diag(κ²) Rᵀ) has the same law of θ_{t+1} as (Rᵀc, diag(κ²)). R is a rational
    Householder reflection, so both cases are exact; the full-C answer (blocks of 7: LU path;
    dense 14-block: Jacobi path) must equal the diagonal path on the rotated case."""
    n = 7
    RD = _householder([F(i + 1) for i in range(n)])
    RB = _householder([F((-1) ** i, i + 2) for i in range(n)])
    R = _blockdiag(RD, RB)
    kap = [F(i + 1, 4) for i in range(2 * n)]
    cov = [[sum(R[i][t] * kap[t] * R[j][t] for t in range(2 * n)) for j in range(2 * n)]
           for i in range(2 * n)]
    c = [F(i % 3 - 1, 2) + F(1, 7) for i in range(2 * n)]
    lam = [F(3)] * n + [F(1)] * n
    eta = F(1, 5)
    rotated_c = [sum(R[t][i] * c[t] for t in range(2 * n)) for i in range(2 * n)]
    full = make_case(lam, n, c, covariance=cov, eta=eta)
    diag = make_case(lam, n, rotated_c, kappa2=kap, eta=eta)
    assert not full.noise_is_diagonal
    with mpmath.workdps(50):
        ref = expected_theta_next(diag, eta)
        assert _rel(efc.expected_theta_next_full(full, eta), ref) < mpmath.mpf(10) ** -35
        assert _rel(efc.expected_theta_next_full(full, eta, dense=True), ref) < mpmath.mpf(10) ** -35
        # negative control: rotating only the state, not the covariance, changes the answer
        wrong = make_case(lam, n, c, kappa2=kap, eta=eta)
        assert _rel(expected_theta_next(wrong, eta), ref) > mpmath.mpf(10) ** -3


# A strongly correlated 5-dimensional case: noise on the dominant coordinate moves with the
# largest bulk one (correlation 0.95), so the diagonal of C alone mispredicts E[θ_{t+1}]
# (by ≈ 0.015, ≈ 40 standard errors of the 400 000-draw mean).
MC_LAM = [F(3), F(2), F(1), F(1, 2), F(1, 4)]
MC_STATE = [F(1, 10), F(-1, 10), F(0), F(1, 10), F(1, 5)]
MC_COV = [[F(2), F(19, 10), F(1, 2), F(0), F(0)],
          [F(19, 10), F(2), F(1, 2), F(0), F(0)],
          [F(1, 2), F(1, 2), F(1), F(1, 5), F(0)],
          [F(0), F(0), F(1, 5), F(1), F(0)],
          [F(0), F(0), F(0), F(0), F(1, 2)]]
MC_ETA = F(1, 2)


def _monte_carlo(n: int = 400_000, seed: int = 12) -> tuple[float, float]:
    lam = np.array([float(x) for x in MC_LAM])
    cov = np.array([[float(x) for x in r] for r in MC_COV])
    a = (1 - float(MC_ETA) * lam) * np.array([float(x) for x in MC_STATE])
    z = np.random.default_rng(seed).standard_normal((n, len(lam))) @ np.linalg.cholesky(cov).T
    x = (lam * (a - float(MC_ETA) * z)) ** 2
    th = x[:, 0] / x.sum(axis=1)
    return float(th.mean()), float(th.std(ddof=1) / np.sqrt(n))


def test_monte_carlo_correlated_and_diagonal_only_control():
    mean, se = _monte_carlo()
    full = make_case(MC_LAM, 1, MC_STATE, covariance=MC_COV, eta=MC_ETA)
    diag = make_case(MC_LAM, 1, MC_STATE, kappa2=[MC_COV[i][i] for i in range(5)], eta=MC_ETA)
    with mpmath.workdps(30):
        exact = float(efc.expected_theta_next_full(full, MC_ETA))
        wrong = float(expected_theta_next(diag, MC_ETA))
    assert abs(exact - mean) < 5 * se, (exact, mean, se)
    assert abs(wrong - mean) > 5 * se, (wrong, mean, se)  # negative control: C's diagonal only


def test_eta_quantities_reports_full_covariance_value():
    full = make_case(MC_LAM, 1, MC_STATE, covariance=MC_COV, eta=MC_ETA)
    with mpmath.workdps(40):
        q = eta_quantities(full, blocks(full), MC_ETA)
        assert q["expected_theta_next"] is not None
        assert _rel(q["expected_theta_next"], efc.expected_theta_next_full(full, MC_ETA)) == 0


def test_corrupted_eigendecomposition_is_caught(monkeypatch):
    """Negative control for the Jacobi path: perturb one eigenvalue by 1e-40 relative and the
    LU spot check raises PrecisionError instead of returning a wrong number."""
    lam = [F(30 - i, 10) for i in range(14)]
    case = make_case(lam, 4, [F(1, 3)] * 14, kappa2=[F(i + 1, 5) for i in range(14)], eta=F(1, 5))
    real = efc._diagonalise

    def corrupt(mb, Bb, dom, wp):
        gam, mt, gd, QD = real(mb, Bb, dom, wp)
        gam[0] = gam[0] * (1 + mpmath.mpf(10) ** -40)
        return gam, mt, gd, QD

    monkeypatch.setattr(efc, "_diagonalise", corrupt)
    with mpmath.workdps(50), pytest.raises(PrecisionError):
        efc.expected_theta_next_full(case, case.eta, dense=True)


def test_oversized_coupled_block_is_refused_not_guessed():
    """A chain-coupled 50 × 50 covariance (one block > MAX_BLOCK): None with a stated reason;
    the same size split into two coupled blocks of 25 is supported."""
    d = 50
    chain = tuple(tuple(F(2) if i == j else F(1, 2) if abs(i - j) == 1 else F(0) for j in range(d))
                  for i in range(d))
    lam = tuple(F(d + 1 - i) for i in range(d))
    case = Case(lam, 1, (F(1),) * d, "covariance", covariance=chain, eta=F(1, 1000))
    assert efc.expected_theta_next_full(case, case.eta) is None
    reason = efc.full_cov_unsupported_reason(case)
    assert reason is not None and "50" in reason
    split = tuple(tuple(chain[i][j] if (i < 25) == (j < 25) else F(0) for j in range(d))
                  for i in range(d))
    assert efc.full_cov_unsupported_reason(Case(lam, 1, (F(1),) * d, "covariance",
                                                covariance=split, eta=F(1, 1000))) is None
