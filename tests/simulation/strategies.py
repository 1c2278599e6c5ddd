"""Hypothesis strategies for the simulation suite: problems (spectrum, split, noise) and states,
exact rationals, drawn from structured and random families — random, two-level, the paper's
construction, extreme (decades apart), power law spectra; isotropic, anisotropic, extreme,
singular and correlated (full, possibly rank-deficient) noise; random, nearly aligned, nearly
anti-aligned, huge and tiny states. Threshold-relative quantities (step sizes, alignments) are
drawn by the properties as fractions of the claim's own thresholds, with values close to 1."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from verify.core.cases import Case, make_case
from verify.core.families import paper_spectrum

pos = st.fractions(min_value=Fraction(1, 20), max_value=20, max_denominator=40)
coord = st.fractions(min_value=-5, max_value=5, max_denominator=20).filter(lambda v: v != 0)
seeds = st.integers(0, 2**32 - 1)
# fractions of a threshold: near 1 from both sides, and anywhere
near_one = st.sampled_from([Fraction(999, 1000), Fraction(99, 100), Fraction(9, 10),
                            Fraction(1, 2), Fraction(1, 10)]) | st.fractions(
    min_value=Fraction(1, 100), max_value=Fraction(999, 1000), max_denominator=1000)


@st.composite
def spectra(draw, d: int, k: int) -> list[Fraction]:
    kind = draw(st.sampled_from(["random", "two-level", "paper", "extreme", "power"]))
    if kind == "two-level":
        lo = draw(pos)
        return [lo * draw(st.sampled_from([Fraction(11, 10), 2, 10, 100]))] * k + [lo] * (d - k)
    if kind == "paper":
        return paper_spectrum(draw(st.sampled_from([2, 5, 20, 100])), d=d, k=k)
    if kind == "extreme":
        lam = sorted((Fraction(10) ** e for e in draw(st.lists(
            st.integers(-2, 3), min_size=d, max_size=d, unique=True))), reverse=True)
        return lam
    if kind == "power":
        a = draw(st.sampled_from([1, 2]))
        lam = [Fraction(10, (i + 1) ** a) for i in range(d)]
    else:
        lam = draw(st.lists(pos, min_size=d, max_size=d))
    lam = sorted(lam, reverse=True)
    if lam[k - 1] == lam[k]:
        lam = [v * 2 if i < k else v for i, v in enumerate(lam)]
    return lam


@st.composite
def noises(draw, d: int, diagonal: bool = True, positive: bool = False) -> dict:
    kinds = ["sigma", "kappa2", "extreme"]
    if not positive:
        kinds.append("singular")
    if not diagonal:
        kinds += ["correlated", "correlated-singular"]
    kind = draw(st.sampled_from(kinds))
    if kind == "sigma":
        return {"sigma": draw(pos)}
    if kind == "kappa2":
        return {"kappa2": draw(st.lists(pos, min_size=d, max_size=d))}
    if kind == "extreme":
        return {"kappa2": [Fraction(10) ** e for e in draw(
            st.lists(st.integers(-4, 3), min_size=d, max_size=d))]}
    if kind == "singular":
        kap = draw(st.lists(pos, min_size=d, max_size=d))
        zeros = draw(st.sets(st.integers(0, d - 1), min_size=1, max_size=d - 1))
        return {"kappa2": [Fraction(0) if i in zeros else v for i, v in enumerate(kap)]}
    rank = d if kind == "correlated" else draw(st.integers(1, d - 1))
    ent = st.fractions(min_value=-2, max_value=2, max_denominator=4)
    L = [draw(st.lists(ent, min_size=rank, max_size=rank)) for _ in range(d)]
    if kind == "correlated":
        for i in range(d):
            L[i][i] = abs(L[i][i]) + Fraction(1, 4)  # full rank
    cov = [[sum((L[i][t] * L[j][t] for t in range(rank)), Fraction(0)) for j in range(d)]
           for i in range(d)]
    if all(cov[i][i] == 0 for i in range(d)):
        cov[0][0] = Fraction(1)
    return {"covariance": cov}


@st.composite
def states(draw, d: int, k: int) -> list[Fraction]:
    c = draw(st.lists(coord, min_size=d, max_size=d))
    kind = draw(st.sampled_from(["random", "aligned", "anti-aligned", "scaled"]))
    if kind == "aligned":
        f = Fraction(1, 10) ** draw(st.integers(1, 3))
        c = [v if i < k else v * f for i, v in enumerate(c)]
    elif kind == "anti-aligned":
        f = Fraction(1, 10) ** draw(st.integers(1, 3))
        c = [v * f if i < k else v for i, v in enumerate(c)]
    elif kind == "scaled":
        f = Fraction(10) ** draw(st.sampled_from([-3, 3]))
        c = [v * f for v in c]
    return c


@st.composite
def problems(draw, max_d: int = 5, diagonal: bool = True, positive: bool = False) -> Case:
    """A problem with a state (no η): d ∈ [2, max_d], 1 ≤ k < d, λ_k > λ_{k+1}."""
    d = draw(st.integers(2, max_d))
    k = draw(st.integers(1, d - 1))
    lam = draw(spectra(d, k))
    return make_case(lam, k, draw(states(d, k)), **draw(noises(d, diagonal, positive)))
