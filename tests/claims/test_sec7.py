"""Tests mirroring verify/claims/sec7.py: the verdict of every claim of the section, a negative
control per checker, the counterexamples' strict re-check, and one Hypothesis property per true
margin claim."""

import numpy as np
import pytest

from tests.claims.checks import assert_verdict
from verify.claims import CLAIMS_BY_ID, sec7  # noqa: F401
from verify.claims.sec7 import log_vs_inverse_law
from verify.core.families import PAPER_M
from verify.core.results import CHECKED_NUMERICALLY as CHECKED
from verify.core.results import REFUTED
from verify.core.results import VERIFIED_SYMBOLICALLY as SYMBOLIC  # noqa: F401
from verify.simulation.phase1 import analyse

EXPECTED = {
    "sec7-two-phase": CHECKED,
    "sec7-limit": CHECKED,
    "sec7-phase1-poly": REFUTED,
    "sec7-log-m": REFUTED,
    "conclusion": REFUTED,
}


def test_every_claim_of_the_section_has_an_expected_verdict():
    assert set(EXPECTED) == {c.id for c in sec7.CLAIMS}


@pytest.mark.parametrize("claim_id", list(EXPECTED))
def test_verdict(claim_id):
    assert_verdict(claim_id, EXPECTED[claim_id])


# negative controls of the family / trajectory decision rules: they must reject data built to
# satisfy the opposite statement
def test_log_law_data_is_not_called_inverse_law():
    ms = np.array(PAPER_M, float)
    tis = 0.4 + 0.08 * np.log(ms)  # a genuinely logarithmic law on the same grid
    rl, ri, _ = log_vs_inverse_law(ms, tis)
    assert not ri < rl / 10  # the sec7-log-m refutation rule does not fire


def test_polynomial_decay_is_not_called_logistic():
    t = np.arange(0, 200, dtype=float)
    curve = 0.02 + 0.98 / (1 + t) ** 2  # polynomial decay towards a floor
    assert analyse(curve)["r2_logit_vs_t"] < 0.99  # the sec7-phase1-poly rule does not fire
    a = 1 / (1 + 0.01 * 1.5**t)  # a logistic curve is recognised
    assert analyse(a[:40])["r2_logit_vs_t"] > 0.999


def test_conclusion_holds_only_at_the_paper_step():
    from verify.claims.search import run_claim

    r = run_claim("conclusion", "quick", 0)
    assert r.status == REFUTED and "holds only for the paper's step size" in r.evidence
    assert r.severity["class"] == "statement or rate error"


def test_lem27_and_lem28_evidence_differ():
    from verify.claims.search import run_claim

    assert run_claim("lem27", "quick", 0).evidence != run_claim("lem28", "quick", 0).evidence
