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
    """Negative control for the Jacobi path, at working precision 50 (spot-check tolerance
    10^−(50+3)): the largest eigenvalue perturbed by 10⁻⁴⁰ or by 10⁻⁵¹ relative (100 × the
    tolerance) makes the LU spot check raise PrecisionError instead of returning a wrong number;
    perturbed by 10⁻⁵⁸ (below the tolerance) it passes and the value is unchanged to 40 digits."""
    lam = [F(30 - i, 10) for i in range(14)]
    case = make_case(lam, 4, [F(1, 3)] * 14, kappa2=[F(i + 1, 5) for i in range(14)], eta=F(1, 5))
    real = efc._diagonalise
    with mpmath.workdps(50):
        honest = efc.expected_theta_next_full(case, case.eta, dense=True)

    def corrupted(eps: int):
        def corrupt(mb, Bb, dom, wp):
            gam, mt, gd, QD = real(mb, Bb, dom, wp)
            top = max(range(len(gam)), key=lambda j: gam[j])
            with mpmath.workdps(wp + 60):  # the decomposition's own digits are kept
                gam[top] = gam[top] * (1 + mpmath.mpf(10) ** -eps)
            return gam, mt, gd, QD
        return corrupt

    for eps in (40, 51):
        monkeypatch.setattr(efc, "_diagonalise", corrupted(eps))
        with mpmath.workdps(50), pytest.raises(PrecisionError, match="disagrees with the LU"):
            efc.expected_theta_next_full(case, case.eta, dense=True)
    monkeypatch.setattr(efc, "_diagonalise", corrupted(58))
    with mpmath.workdps(50):
        assert _rel(efc.expected_theta_next_full(case, case.eta, dense=True), honest) < 1e-40


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


def test_components_of_a_hand_drawn_graph():
    """Edges 0–4, 4–2, 5–1 (and their mirror entries) of a symmetric 6 × 6 pattern: components
    {0, 2, 4}, {1, 5}, {3}, each sorted, ordered by smallest index; the diagonal links nothing."""
    d = 6
    cov = [[F(1) if i == j else F(0) for j in range(d)] for i in range(d)]
    for i, j in ((0, 4), (4, 2), (5, 1)):
        cov[i][j] = cov[j][i] = F(1, 3)
    assert efc.components(cov) == [[0, 2, 4], [1, 5], [3]]
    # joining through a later index: 2–3 then 0–3 puts 0, 2, 3 together
    cov2 = [[F(1) if i == j else F(0) for j in range(4)] for i in range(4)]
    for i, j in ((2, 3), (0, 3)):
        cov2[i][j] = cov2[j][i] = F(-1, 2)
    assert efc.components(cov2) == [[0, 2, 3], [1]]
    assert efc.components([[F(0)] * 3 for _ in range(3)]) == [[0], [1], [2]]


def _chain_case(n: int, d: int) -> Case:
    """A d-dimensional case whose covariance couples coordinates 0..n−1 in a chain (one block of
    n) and leaves the others uncoupled."""
    cov = tuple(tuple(F(2) if i == j else F(1, 2) if abs(i - j) == 1 and max(i, j) < n else F(0)
                      for j in range(d)) for i in range(d))
    return Case(tuple(F(d + 1 - i) for i in range(d)), 1, (F(1),) * d, "covariance",
                covariance=cov, eta=F(1, 1000))


def test_block_size_guard_at_the_documented_boundary(monkeypatch):
    """Blocks of at most MAX_BLOCK = 48 coordinates are evaluated, larger ones refused: a chain
    block of exactly 48 has no unsupported reason and reaches the evaluation; 49 gives a
    reason naming 49 and `expected_theta_next_full` returns None."""
    assert efc.MAX_BLOCK == 48  # the size the module docstring documents
    reached = []
    monkeypatch.setattr(efc, "gaussian_block_ratio", lambda m, B, k, comps: reached.append(comps) or 0.5)
    at = _chain_case(48, 50)
    assert efc.full_cov_unsupported_reason(at) is None
    assert efc.expected_theta_next_full(at, at.eta) == 0.5
    assert max(len(c) for c in reached[0]) == 48
    over = _chain_case(49, 50)
    reason = efc.full_cov_unsupported_reason(over)
    assert reason is not None and "49" in reason and "48" in reason
    assert efc.expected_theta_next_full(over, over.eta) is None


def test_log_ratio_of_huge_rationals():
    """log(num/den) for rationals far beyond float range (numerators ~10^600, denominators
    ~2^2000): compared with mpmath's log of the exact quotient at 80 digits."""
    cases = [
        (F(10**600 + 7, 3**900), F(7**500, 2**2000 + 5)),
        (F(1, 10**700), F(10**650, 1)),
        (F(3, 2), F(5, 7)),
    ]
    for num, den in cases:
        with mpmath.workdps(80):
            q = mpmath.mpf(num.numerator) * den.denominator / (mpmath.mpf(num.denominator) * den.numerator)
            ref = float(mpmath.log(q))
        got = efc._log_ratio(num, den)
        assert abs(got - ref) <= 1e-12 * max(1.0, abs(ref)), (got, ref)


def test_diagonalise_wide_dynamic_range_block():
    """[[1, ε], [ε, δ]] with δ = 10^-30, ε = 10^-16: the small eigenvalue δ − ε²/1 + … is 30
    decades below the norm; `_diagonalise` adds the diagonal's spread to its working digits,
    so it comes out to the requested relative precision (closed form (tr − √(tr² − 4 det))/2 at
    100 digits). Also the eigenvector data: m̃ = Qᵀm has |m̃| = |m| and Σ_j G_jj = |D|."""
    d_, e_ = F(1, 10**30), F(1, 10**16)
    Bb = [[F(1), e_], [e_, d_]]
    with mpmath.workdps(100):
        tr, det = 1 + efc._m(d_), efc._m(d_) - efc._m(e_) ** 2
        small = (tr - mpmath.sqrt(tr * tr - 4 * det)) / 2
        big = (tr + mpmath.sqrt(tr * tr - 4 * det)) / 2
    with mpmath.workdps(20):
        gam, mt, gd, QD = efc._diagonalise([F(1, 2), F(3)], Bb, [0], 20)
    got = sorted(gam)
    assert abs(got[0] - small) <= mpmath.mpf(10) ** -18 * small, (got[0], small)
    assert abs(got[1] - big) <= mpmath.mpf(10) ** -18 * big
    assert abs(sum(x * x for x in mt) - (mpmath.mpf(1) / 4 + 9)) < mpmath.mpf(10) ** -18
    assert abs(sum(gd) - 1) < mpmath.mpf(10) ** -18 and len(QD) == 1


def _central_2x2(B):
    """E[z_1²/|z|²] for z ~ N(0, B) in ℝ²: with B = Σ_j γ_j q_j q_jᵀ, z = Σ_j √γ_j Z_j q_j, the
    cross terms vanish by Z_j → −Z_j symmetry and E[γ_jZ_j²/(γ_1Z_1² + γ_2Z_2²)] = √γ_j/(√γ_1 + √γ_2),
    so E = Σ_j q_{1j}² √γ_j/(√γ_1 + √γ_2), q_{1j}² = (B_11 − γ_other)/(γ_j − γ_other)."""
    b11, b12, b22 = (efc._m(B[0][0]), efc._m(B[0][1]), efc._m(B[1][1]))
    tr, det = b11 + b22, b11 * b22 - b12 * b12
    gp, gm = (tr + mpmath.sqrt(tr * tr - 4 * det)) / 2, (tr - mpmath.sqrt(tr * tr - 4 * det)) / 2
    sp, sm = mpmath.sqrt(gp), mpmath.sqrt(gm)
    return ((b11 - gm) / (gp - gm) * sp + (gp - b11) / (gp - gm) * sm) / (sp + sm)


def test_gaussian_block_ratio_central_two_by_two_closed_form():
    """A coupled 2 × 2 block (LU path), centred: the eigenvector closed form above; a wide-range
    block [[1, 10^-13], [10^-13, 10^-24]] whose answer ≈ 10^-12 needs the quadrature split at
    the far scale (relative accuracy); and D = {0} with B's roles swapped (k = 1, order (small,
    large)) for the complementary value."""
    for B in ([[F(3), F(1)], [F(1), F(2)]], [[F(1), F(1, 10**13)], [F(1, 10**13), F(1, 10**24)]]):
        with mpmath.workdps(80):  # the closed form cancels 24 decades: evaluate it at 80 digits
            ref = _central_2x2(B)
        with mpmath.workdps(20):
            got = efc.gaussian_block_ratio([F(0), F(0)], B, 1)
            assert _rel(got, ref) < mpmath.mpf(10) ** -15, (got, ref)
            swapped = [[B[1][1], B[0][1]], [B[0][1], B[0][0]]]
            got2 = efc.gaussian_block_ratio([F(0), F(0)], swapped, 1)
            assert _rel(got2, 1 - ref) < mpmath.mpf(10) ** -15, (got2, 1 - ref)


def test_gaussian_block_ratio_degenerate_and_noise_free():
    """|z| = 0 a.s. or z_D = 0 a.s.: θ = 0. B = 0: θ = |m_D|²/|m|² exactly. A dominant
    coordinate with m_0² = B_00 is not degenerate (its mean square is m² + B, not m² − B)."""
    z2 = [[F(0)] * 2 for _ in range(2)]
    with mpmath.workdps(20):
        assert efc.gaussian_block_ratio([F(0), F(0)], z2, 1) == 0
        assert efc.gaussian_block_ratio([F(0), F(1)], [[F(0), F(0)], [F(0), F(1)]], 1) == 0
        assert efc.gaussian_block_ratio([F(1), F(2)], z2, 1) == mpmath.mpf(1) / 5
        # m = (1, 0), B = diag(1, 0): V ≡ 0, so θ = 1 almost surely
        assert _rel(efc.gaussian_block_ratio([F(1), F(0)], [[F(1), F(0)], [F(0), F(0)]], 1), 1) < 1e-15
        # total mean square exactly 1 is an ordinary state, not the degenerate |z| = 0
        assert efc.gaussian_block_ratio([F(1), F(0)], z2, 1) == 1
        half = [[F(1, 2), F(0)], [F(0), F(1, 2)]]  # isotropic and centred: θ = 1/2 by symmetry
        assert _rel(efc.gaussian_block_ratio([F(0), F(0)], half, 1), mpmath.mpf(1) / 2) < 1e-15


def test_gaussian_block_ratio_isotropic_groups_and_near_singular_blocks():
    """Equal singleton variances are grouped with a multiplicity: B = I_5 centred gives
    E[θ] = k/d = 2/5 (θ ~ Beta(k/2, (d−k)/2)). A coupled block [[1, 1−δ], [1−δ, 1]] with
    δ = 10⁻ᵉ (e = 28, 35: condition number ≈ 2·10ᵉ, beyond the 30 digits the integrand starts
    at) forces the ball evaluation to double its precision: the value agrees with a 60-digit
    evaluation to 15 digits."""
    with mpmath.workdps(20):
        eye = [[F(int(i == j)) for j in range(5)] for i in range(5)]
        assert _rel(efc.gaussian_block_ratio([F(0)] * 5, eye, 2), mpmath.mpf(2) / 5) < 1e-15
    m = [F(1, 3), F(1, 5)]
    for e in (28, 35):
        B = [[F(1), 1 - F(1, 10**e)], [1 - F(1, 10**e), F(1)]]
        with mpmath.workdps(60):
            ref = efc.gaussian_block_ratio(m, B, 1)
        with mpmath.workdps(20):
            assert _rel(efc.gaussian_block_ratio(m, B, 1), ref) < mpmath.mpf(10) ** -15, e


def test_centred_jacobi_block_matches_the_lu_path(monkeypatch):
    """A centred (m = 0) coupled block of DIRECT_MAX + 1 coordinates goes through Jacobi, whose
    rotated means m̃ are all 0 (no scale to place a split point from); its value equals the
    rigorous LU path on the same block (DIRECT_MAX raised past it) to 15 digits."""
    n = efc.DIRECT_MAX + 1
    B = [[F(2) if i == j else F(1, 2) if abs(i - j) == 1 else F(0) for j in range(n)]
         for i in range(n)]
    m = [F(0)] * n
    with mpmath.workdps(20):
        jacobi = efc.gaussian_block_ratio(m, B, 4)
        monkeypatch.setattr(efc, "DIRECT_MAX", n)
        lu = efc.gaussian_block_ratio(m, B, 4)
    assert _rel(jacobi, lu) < mpmath.mpf(10) ** -15, (jacobi, lu)


def test_gaussian_block_ratio_rejects_a_starved_quadrature(monkeypatch):
    """The accuracy control of the outer integral. A first pass starved to tanh-sinh degree 2
    (mpmath's error estimate ≈ 1 %, its value off by ≈ 10⁻³) fails the tolerance test, and the
    second pass (default degree + 3) gives the value to 15 digits; with both passes starved the
    answer is a PrecisionError, never the wrong number."""
    B, m = [[F(3), F(1)], [F(1), F(2)]], [F(1, 2), F(-1, 3)]
    with mpmath.workdps(40):
        ref = efc.gaussian_block_ratio(m, B, 1)
    real_quad = mpmath.quad

    def starved(passes: int):
        calls: list[int] = []

        def quad(f, points, **kw):
            calls.append(1)
            if len(calls) <= passes:
                kw["maxdegree"] = 2
            return real_quad(f, points, **kw)
        return quad, calls

    quad, calls = starved(1)
    monkeypatch.setattr(efc.mpmath, "quad", quad)
    with mpmath.workdps(20):
        assert _rel(efc.gaussian_block_ratio(m, B, 1), ref) < mpmath.mpf(10) ** -15
    assert len(calls) == 2  # the starved pass was rejected, not accepted
    quad, calls = starved(2)
    monkeypatch.setattr(efc.mpmath, "quad", quad)
    with mpmath.workdps(20), pytest.raises(PrecisionError, match="did not converge"):
        efc.gaussian_block_ratio(m, B, 1)
