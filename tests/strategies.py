"""Hypothesis strategies encoding the paper's hypotheses (exact rationals)."""

from fractions import Fraction

from hypothesis import strategies as st

from verify.core.cases import make_case
from verify.core.families import paper_spectrum

pos = st.fractions(min_value=Fraction(1, 100), max_value=100, max_denominator=100)
coord = st.fractions(min_value=-10, max_value=10, max_denominator=50)


@st.composite
def cases(draw, max_d: int = 6, with_eta: bool = True, diagonal_noise: bool = True):
    d = draw(st.integers(2, max_d))
    k = draw(st.integers(1, d - 1))
    lam = sorted(draw(st.lists(pos, min_size=d, max_size=d)), reverse=True)
    if lam[k - 1] == lam[k]:
        lam = [v * 2 if i < k else v for i, v in enumerate(lam)]
    state = draw(st.lists(coord, min_size=d, max_size=d))
    if draw(st.booleans()):
        kw = {"sigma": draw(pos)}
    else:
        kw = {"kappa2": draw(st.lists(pos, min_size=d, max_size=d))}
    eta = draw(pos) / 100 if with_eta else None
    return make_case(lam, k, state, eta=eta, **kw)


# explicit Hypothesis examples that meet the hypotheses of the claims the drawn cases meet least
# often: θ ≥ θ* (thm4-corrected) and θ ≤ g_gap with η > η* (thm3)
HIGH_ALIGNMENT = make_case([3, 2, 1, Fraction(1, 2)], 2, [5, 5, Fraction(1, 10), Fraction(1, 10)],
                           sigma=Fraction(1, 2), eta=Fraction(1, 10))
LOW_ALIGNMENT = make_case([3, 2, 1, Fraction(1, 2)], 2, [Fraction(1, 10), Fraction(1, 10), 5, 5],
                          sigma=Fraction(1, 2), eta=Fraction(1, 10))

# the paper's spectrum construction at a small d (an explicit Hypothesis example)
PAPER_SMALL = make_case(paper_spectrum(50, d=20, k=2), 2, [1] * 20, sigma=Fraction(1, 2),
                        eta=Fraction(3, 1000))
