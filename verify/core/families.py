"""Structured and random families of cases used by the checkers' counterexample search.

Every generated case has exact rational entries (floats are rounded to a few significant
digits and read as decimals), so hypotheses and rational margins are decided exactly.
Families: spectra (two-level, three-level, the paper's construction at gap m, power law,
random), states (random, nearly aligned, nearly anti-aligned, huge and tiny norms),
noise (isotropic, anisotropic diagonal, singular, correlated).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from verify.core.cases import Case, make_case
from verify.core.spectrum import paper_spectrum  # noqa: F401  (re-exported)

# the paper's §7 grid of spectral gaps m = λ_k/λ_{k+1} (docs/experiments.md)
PAPER_M = (5, 10, 20, 50, 100, 200, 300, 400, 500)


def q(x: float, digits: int = 6) -> Fraction:
    """A float rounded to `digits` significant digits, as an exact decimal Fraction."""
    if x == 0:
        return Fraction(0)
    return Fraction(f"{x:.{digits - 1}e}")


def random_spectrum(rng: np.random.Generator, d: int, k: int) -> list[Fraction]:
    kind = rng.integers(0, 4)
    if kind == 0:  # two-level
        hi, lo = (q(v, 3) for v in sorted(rng.uniform(0.05, 50, 2), reverse=True))
        if hi == lo:  # equal after rounding: keep a gap
            hi = lo * 2
        return [hi] * k + [lo] * (d - k)
    if kind == 1:  # power law
        a = rng.uniform(0.3, 2.5)
        vals = [float(i + 1) ** -a * 10 for i in range(d)]
    elif kind == 2:  # paper-like with random gap
        m = float(rng.choice([1.5, 2, 5, 20, 100]))
        return paper_spectrum(q(m, 3), d, k)
    else:
        vals = sorted(np.exp(rng.uniform(-4, 4, d)), reverse=True)
    lam = sorted((q(v, 4) for v in vals), reverse=True)
    if lam[k - 1] == lam[k]:
        lam = [v * 2 if i < k else v for i, v in enumerate(lam)]
    return lam


def random_state(rng: np.random.Generator, d: int, k: int) -> list[Fraction]:
    c = rng.standard_normal(d)
    kind = rng.integers(0, 5)
    if kind == 1:  # nearly aligned
        c[k:] *= 10.0 ** rng.uniform(-4, -1)
    elif kind == 2:  # nearly anti-aligned
        c[:k] *= 10.0 ** rng.uniform(-4, -1)
    elif kind == 3:  # huge or tiny
        c *= 10.0 ** rng.choice([-4, 4])
    return [q(v, 4) for v in c]


def random_noise(rng: np.random.Generator, d: int, allow_singular: bool = True) -> dict:
    kind = rng.integers(0, 4 if allow_singular else 3)
    if kind == 0:
        return {"sigma": q(10.0 ** rng.uniform(-2, 1), 3)}
    if kind == 1:
        return {"kappa2": [q(10.0 ** rng.uniform(-2, 1), 3) for _ in range(d)]}
    if kind == 2 and d <= 8:
        M = rng.standard_normal((d, d))
        M = np.round(M, 2)
        cov = M @ M.T / d + np.eye(d) * 0.01
        cov = np.round(cov, 4)
        cov = (cov + cov.T) / 2
        return {"covariance": [[Fraction(str(round(float(x), 4))) for x in row] for row in cov]}
    kap = [q(10.0 ** rng.uniform(-2, 1), 3) for _ in range(d)]
    kap[int(rng.integers(0, d))] = Fraction(0)
    return {"kappa2": kap}


def random_case(rng: np.random.Generator, max_d: int = 8, allow_singular: bool = True) -> Case:
    d = int(rng.integers(2, max_d + 1))
    k = int(rng.integers(1, d))
    lam = random_spectrum(rng, d, k)
    noise = random_noise(rng, d, allow_singular)
    state = random_state(rng, d, k)
    if all(v == 0 for v in state):
        state[0] = Fraction(1)
    return make_case(lam, k, state, **noise)


def replicate(case: Case, r: int, r_bulk: int | None = None) -> Case:
    """Dominant coordinates copied r times and bulk coordinates r_bulk (default r) times
    (λ_i, c_i, κ_i copied). With r_bulk = r every block sum is ×r and all ratios are unchanged;
    with r = 1 the dominant block stays fixed while d grows (ρ → 0)."""
    rb = r if r_bulk is None else r_bulk

    def rep(seq):
        return [v for v in seq[: case.k] for _ in range(r)] + [
            v for v in seq[case.k:] for _ in range(rb)]

    return make_case(rep(case.eigenvalues), case.k * r, rep(case.state),
                     kappa2=rep(case.kappa2), eta=case.eta)


def with_alignment(case: Case, target: Fraction) -> Case:
    """Rescale the bulk coordinates by a rational factor so that θ ≈ `target` (the factor is
    √f rounded to 8 digits, f = s^D(1−θ)/(θ s^B), so θ is near, not exactly, the target; the
    entries stay rational). Unchanged when s^D or s^B is 0 or target ∉ (0, 1)."""
    from verify.core.theory import blocks

    b = blocks(case)
    if b.sD == 0 or b.sB == 0 or not 0 < target < 1:
        return case
    # need sB' = sD (1 − θ)/θ; scale factor on c_B² is f = sB'/sB; use nearest rational square
    f = b.sD * (1 - target) / (target * b.sB)
    root = q(float(f) ** 0.5, 8)
    return case.with_state(tuple(v if i < case.k else v * root for i, v in enumerate(case.state)))
