"""Tests mirroring verify/claims/sec6.py: the verdict of every claim of the section, a negative
control per checker, the counterexamples' strict re-check, and one Hypothesis property per true
margin claim."""

import numpy as np
import pytest

from tests.claims.checks import assert_verdict
from verify.claims import CLAIMS_BY_ID, sec6  # noqa: F401
from verify.core.families import paper_spectrum
from verify.core.results import CHECKED_NUMERICALLY as CHECKED
from verify.core.results import REFUTED
from verify.core.results import VERIFIED_SYMBOLICALLY as SYMBOLIC
from verify.simulation.engines import expected_trajectory, theta_infinity

EXPECTED = {
    "lem25": SYMBOLIC,
    "lem26": SYMBOLIC,
    "lem27": CHECKED,
    "lem28": CHECKED,
    "asm14": CHECKED,
    "thm15": CHECKED,
    "thm15-abs": REFUTED,
    "thm16": CHECKED,
    "thm16-small-eta": SYMBOLIC,
}


def test_every_claim_of_the_section_has_an_expected_verdict():
    assert set(EXPECTED) == {c.id for c in sec6.CLAIMS}


@pytest.mark.parametrize("claim_id", list(EXPECTED))
def test_verdict(claim_id):
    assert_verdict(claim_id, EXPECTED[claim_id])


def test_theta_inf_wrong_weights_rejected():
    lam = np.array([float(x) for x in paper_spectrum(5)])
    kap = np.full(500, 0.25)
    end = expected_trajectory(lam, 50, kap, np.ones(500), 0.003, np.array([10**6]))
    ti, _ = theta_infinity(lam, 50, kap, 0.003)
    assert abs(end["alignment"][0] - ti) < 1e-12
    wrong = (lam[:50] * 0.003 * kap[:50] / (2 - 0.003 * lam[:50])).sum() / (
        lam * 0.003 * kap / (2 - 0.003 * lam) * lam).sum()  # λ instead of λ² in the numerator
    assert abs(end["alignment"][0] - wrong) > 1e-3


def test_thm15_generator_reaches_the_hard_region_and_its_control():
    """The widened generator reaches ηλ_1 > 1 with the top mode at stationarity and a huge dominant
    excess, where the |1 − ηλ_1| reading fails (negative control: the same search refutes it);
    the printed statement (ηλ_1 < 1) is checked on hard-region setups too."""
    from verify.claims.search import run_claim

    ext = run_claim("thm15-abs", "quick", 0)
    assert ext.status == REFUTED and ext.severity["class"] == "missing hypothesis"
    printed = run_claim("thm15", "quick", 0)
    assert printed.status == CHECKED
    import re

    assert int(re.search(r"\((\d+) of them in the hard region", printed.evidence).group(1)) > 0


def test_thm15_witness_reproduces_exactly():
    """The emitted case file reproduces the violation exactly: R(t+1) ≥ R(t) at the stated t."""
    import json
    from fractions import Fraction

    from verify.claims.search import run_claim
    from verify.claims.sec6 import _asm14, _R_rises_before, _tstar
    from verify.core.cases import loads_case

    r = run_claim("thm15-abs", "quick", 0)
    case = loads_case(json.dumps(r.counterexample))
    lam, k, eta = list(case.eigenvalues), case.k, case.eta
    c0 = [c * c for c in case.state]
    ce, cc, cr, delta, varrho, sb, beta = _asm14(lam, k, list(case.kappa2), c0, eta)
    assert ce and cc and cr and eta * lam[0] >= 1
    tstar = _tstar(eta, lam, delta, sb, varrho, abs(1 - eta * lam[0]))
    assert _R_rises_before(lam, k, c0, beta, eta, tstar) == int(r.failing["t"])
    assert Fraction(r.failing["t_star"]) == tstar
