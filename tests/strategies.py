"""Hypothesis strategies encoding the paper's hypotheses (exact rationals)."""

from fractions import Fraction
from pathlib import Path

from hypothesis import strategies as st

from verify.core.cases import make_case
from verify.core.families import paper_spectrum

ROOT = Path(__file__).resolve().parents[1]


def pin_local_constants() -> bool:
    """Make derandomized draws a function of the test alone.

    Hypothesis (since 6.131) draws, with probability 5 % per integer, float or string choice, a
    literal constant found in the source of the *loaded* local modules
    (`hypothesis.internal.conjecture.providers._get_local_constants`, re-scanned whenever
    `sys.modules` grows). The pool therefore grew with every test module collected and everything
    it imported (e.g. verify.simulation.evidence), so the same derandomized property drew
    different examples in different collections (issue 19, item 8: a decided share of 20 % alone
    against 52 % beside tests/simulation). Here the pool is pinned to the constants of the
    package's own source files (verify/ and derivations/, read in sorted order), which keeps the
    feature (the code's own boundary values are drawn) and removes the dependence on collection.
    Returns False, changing nothing, on a Hypothesis without that private hook;
    tests/test_reliability.py::test_draws_do_not_depend_on_the_modules_loaded then shows whether
    draws still depend on the collection."""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import _constants_from_source
    except ImportError:
        return False
    if not hasattr(providers, "_get_local_constants"):
        return False
    pool: list = []

    def pinned():  # built on first use (about 1 s), once per process
        if not pool:
            c = providers.Constants()
            for path in sorted([*ROOT.joinpath("verify").rglob("*.py"),
                                *ROOT.joinpath("derivations").rglob("*.py")]):
                c |= _constants_from_source(path.read_bytes(), limit=True)
            pool.append(c)
        return pool[0]

    providers._get_local_constants = pinned
    providers.CONSTANTS_CACHE.cache.clear()
    return True


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
